import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@c360/config';
import { startService } from './bootstrap.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = loadConfig();
  const service = await startService(config, say);
  say(`Customer 360 is listening on ${service.url} (console: ${service.url}/console, API docs: ${service.url}/docs)`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say('Stopping: finishing requests and the projector batch in flight…');
      service.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (error) {
  if (error instanceof InvalidConfiguration) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`Customer 360 failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
