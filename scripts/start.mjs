// `npm start`: install and build on first run, then run the all-in-one service on the embedded default.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureConsoleBuilt, ensureInstalled, root } from './ensure-installed.mjs';

ensureInstalled();
ensureConsoleBuilt();
const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist/apps/c360/src/main.js')], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
