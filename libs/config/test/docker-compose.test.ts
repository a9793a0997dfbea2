import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { loadConfig } from '@c360/config';

// No Docker here to run `docker compose config`: this checks the compose files' shape, the references
// between services, and that every service's environment passes the service's own configuration check.
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number };
  ports?: string[];
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const root = path.resolve(import.meta.dirname, '../../..');

/** Loads a compose file with Compose's own variable rules: `${X:-default}` and `${X:?error}` (given a value). */
function compose(file: string, env: Record<string, string> = {}): ComposeFile {
  const text = readFileSync(path.join(root, file), 'utf8').replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, kind?: string, rest?: string) =>
      env[name] ?? (kind === '-' ? (rest ?? '') : kind === '?' ? `set-${name.toLowerCase()}-0123456789` : ''),
  );
  return load(text, { schema: CORE_SCHEMA.withTags(mergeTag) }) as ComposeFile;
}

function asEnv(environment: ComposeService['environment'] = {}): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
}

describe('docker-compose.yml: the full stack', () => {
  const file = compose('docker-compose.yml');
  const { services } = file;

  it('runs EventStoreDB, Kafka, PostgreSQL and the four services as separate containers', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['eventstoredb', 'ingest-api', 'ingestor', 'kafka', 'postgres', 'projector', 'query-api'].sort(),
    );
    for (const name of ['ingest-api', 'ingestor', 'projector', 'query-api']) {
      expect(services[name]!.build).toEqual({ context: '.', dockerfile: 'infra/docker/Dockerfile' });
    }
    expect(services.eventstoredb!.image).toMatch(/kurrentdb/);
    expect(services.eventstoredb!.environment).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_CLUSTER_SIZE: 1 });
    expect(services.kafka!.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
  });

  it('gives every service an image or a build, and waits only for services that exist and can be healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Boolean(service.image ?? service.build)]).toEqual([name, true]);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency]).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy')
          expect([dependency, services[dependency]!.healthcheck]).toEqual([
            dependency,
            expect.objectContaining({ test: expect.any(Array) }),
          ]);
      }
      for (const volume of service.volumes ?? []) {
        expect(Object.keys(file.volumes ?? {})).toContain(volume.split(':')[0]);
      }
    }
  });

  it('health-checks the stores, the broker and both HTTP services', () => {
    for (const name of ['eventstoredb', 'postgres', 'kafka', 'ingest-api', 'query-api']) {
      expect([name, services[name]!.healthcheck?.test.length]).toEqual([name, expect.any(Number)]);
    }
  });

  it('configures every service so that its start-up validation passes, with EventStoreDB as the event store', () => {
    for (const name of ['ingest-api', 'ingestor', 'projector', 'query-api']) {
      const config = loadConfig(asEnv(services[name]!.environment));
      expect([name, config.EVENT_STORE, config.EVENTSTORE_URL]).toEqual([
        name,
        'eventstoredb',
        'esdb://eventstoredb:2113?tls=false',
      ]);
      expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
    }
    expect(loadConfig(asEnv(services.ingestor!.environment)).KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('keeps the events in PostgreSQL with EVENT_STORE=postgres', () => {
    const postgres = compose('docker-compose.yml', { EVENT_STORE: 'postgres' });
    expect(loadConfig(asEnv(postgres.services.projector!.environment)).EVENT_STORE).toBe('postgres');
  });
});

describe('infra/docker/eventstoredb-cluster.yml: the cluster variant', () => {
  const cluster = compose('infra/docker/eventstoredb-cluster.yml');
  const base = compose('docker-compose.yml');

  it('runs three nodes that gossip with each other, and points every service at all three', () => {
    const nodes = ['eventstoredb', 'eventstoredb-2', 'eventstoredb-3'];
    for (const node of nodes) {
      expect(cluster.services[node]!.environment).toMatchObject({ KURRENTDB_CLUSTER_SIZE: 3 });
      const seeds = String(cluster.services[node]!.environment!.KURRENTDB_GOSSIP_SEED).split(',');
      expect(seeds.map((s) => s.split(':')[0]).sort()).toEqual(nodes.filter((n) => n !== node).sort());
    }
    for (const name of ['ingest-api', 'ingestor', 'projector', 'query-api']) {
      expect(base.services[name]).toBeDefined();
      const merged = { ...base.services[name]!.environment, ...cluster.services[name]!.environment };
      expect(loadConfig(asEnv(merged)).EVENTSTORE_URL).toMatch(/^esdb:\/\/eventstoredb:2113,eventstoredb-2:2113,/);
    }
  });
});
