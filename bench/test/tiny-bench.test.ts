import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The bench at a tiny scale, every leg once, so that it cannot rot; no assertion on how fast anything is.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
}

const EXPECTED: [string, string][] = [
  ['HTTP', 'batch ingestion'],
  ['HTTP', 'single appends (c=32)'],
  ['Memory', 'service peak RSS under ingestion'],
  ['Memory', 'ingestor peak RSS'],
  ['Memory', 'projector peak RSS'],
  ['Kafka', 'ingestion, publish → durable append'],
  ['Kafka', 'end-to-end lag p50'],
  ['Kafka', 'end-to-end lag p99'],
  ['Storage', 'stored per event'],
  ['Projection', 'catch-up'],
  ['Projection', 'rebuild of every projection'],
  ['Queries', 'timeline page p99'],
  ['Queries', '360 profile p99'],
  ['Queries', 'loyalty p99'],
  ['Queries', 'cross-sell p99'],
  ['Queries', 'analytics ranking'],
  ['Queries', 'KPIs (monthly) p99'],
  ['Queries', 'cohorts p99'],
  ['Queries', 'survival p99'],
  ['Queries', 'service impact p99'],
  ['Limits', 'PostgreSQL COPY'],
  ['Limits', 'raw kafkajs'],
  ['Limits', 'Emmett'],
  ['Ratios', 'HTTP batch ingestion / PostgreSQL COPY'],
  ['Ratios', 'Kafka ingestion / raw kafkajs'],
  ['Ratios', 'HTTP batch ingestion / Emmett'],
];

describe('npm run bench -- --tiny', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-tiny-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every figure of the bench, each with a positive value and a unit', async () => {
    const brokers = process.env.TEST_KAFKA_BROKERS;
    if (!brokers)
      throw new Error('TEST_KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
    const out = path.join(dir, 'tiny.json');
    // Free ports of its own (BENCH_PORT and BENCH_POSTGRES_PORT unset), the tests' broker, topics unique to the run.
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: brokers, NODE_OPTIONS: '' };
    delete env.BENCH_PORT;
    delete env.BENCH_POSTGRES_PORT;
    const child = spawn(process.execPath, [path.join(root, 'bench/run.mjs'), '--tiny', '--out', out], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`the tiny bench exited with ${code}:\n${output.slice(-5000)}`);

    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      mode: string;
      machine: { cores: number; cpu: string; node: string };
      figures: Figure[];
    };
    expect(results.mode).toBe('tiny');
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    for (const [section, name] of EXPECTED) {
      const found = results.figures.filter((f) => f.section === section && f.name.startsWith(name));
      expect({ section, name, found: found.length }).toEqual({ section, name, found: 1 });
      const [figure] = found;
      expect(Number.isFinite(figure!.value) && figure!.value > 0).toBe(true);
      expect(figure!.unit).toMatch(/\S/);
    }
    expect(readFileSync(out.replace(/\.json$/, '.md'), 'utf8')).toContain('| leg | figure | value | unit |');
  }, 600_000);
});
