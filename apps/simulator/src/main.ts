import { parseArgs } from 'node:util';
import { createKafka, touchpointTraffic, TouchpointPublisher } from '@c360/messaging';
import cliProgress from 'cli-progress';

const HELP = `Publishes realistic mixed touchpoint traffic to Kafka, as the channels would.

  npm run simulate -- [--customers 100] [--rate 200] [--count 2000] [--brokers 127.0.0.1:9092]
                      [--topic c360.touchpoints] [--seed 360] [--run-id <id>]

  --customers  how many distinct customers the traffic is about
  --rate       touchpoints per second (0: as fast as the broker takes them)
  --count      how many touchpoints to publish
  --run-id     prefix of touchpoint ids; the same id and seed publish the same touchpoints again
`;

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100' },
    rate: { type: 'string', default: '200' },
    count: { type: 'string', default: '2000' },
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    topic: { type: 'string', default: process.env.KAFKA_TOPIC ?? 'c360.touchpoints' },
    seed: { type: 'string', default: '360' },
    'run-id': { type: 'string', default: `sim-${Date.now().toString(36)}` },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const [customers, rate, count, seed] = [values.customers, values.rate, values.count, values.seed].map(Number);
if (![customers, rate, count, seed].every((n) => Number.isInteger(n) && n! >= 0) || customers === 0) {
  process.stderr.write(`--customers, --rate, --count and --seed take whole numbers (customers at least 1)\n\n${HELP}`);
  process.exit(2);
}

const kafka = createKafka(values.brokers!, 'c360-simulator');
const admin = kafka.admin();
const publisher = new TouchpointPublisher(kafka, values.topic);
try {
  await admin.connect();
  if (!(await admin.listTopics()).includes(values.topic!)) {
    await admin.createTopics({ topics: [{ topic: values.topic!, numPartitions: 6 }], waitForLeaders: true });
  }
  await admin.disconnect();
  await publisher.connect();
} catch (error) {
  process.stderr.write(
    `Cannot reach Kafka at ${values.brokers}: ${(error as Error).message}\nStart one with: npm run kafka:start\n`,
  );
  process.exit(1);
}

const bar = new cliProgress.SingleBar(
  { format: 'publishing [{bar}] {value}/{total} touchpoints | {rate}/s | ETA {eta_formatted}', hideCursor: true },
  cliProgress.Presets.shades_classic,
);
const traffic = touchpointTraffic({ customers: customers!, seed, runId: values['run-id']! });
const batchSize = rate === 0 ? 500 : Math.max(1, Math.min(500, Math.ceil(rate! / 10)));
const started = Date.now();
let sent = 0;
bar.start(count!, 0, { rate: 0 });
while (sent < count!) {
  const batch = Array.from({ length: Math.min(batchSize, count! - sent) }, () => traffic.next().value!);
  await publisher.publish(batch);
  sent += batch.length;
  const elapsed = (Date.now() - started) / 1000;
  bar.update(sent, { rate: Math.round(sent / Math.max(elapsed, 0.001)) });
  if (rate! > 0) {
    const due = (sent / rate!) * 1000 - (Date.now() - started);
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
  }
}
bar.stop();
await publisher.disconnect();
process.stdout.write(
  `Published ${sent} touchpoints about ${customers} customers to ${values.topic} in ${((Date.now() - started) / 1000).toFixed(1)} s (run id ${values['run-id']}).\n`,
);
