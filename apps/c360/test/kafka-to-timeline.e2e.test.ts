import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@c360/config';
import { aCall, createTestDatabase, eventually, type TestDatabase } from '@c360/testing';
import request from 'supertest';
import { startService, type StartedService } from '../src/bootstrap.js';

const API_KEY = 'e2e-kafka-key-0123456789';

function brokers(): string {
  const value = process.env.TEST_KAFKA_BROKERS;
  if (!value) throw new Error('TEST_KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
  return value;
}

describe('Kafka in, timeline out (the all-in-one service with KAFKA_BROKERS set)', () => {
  let database: TestDatabase;
  let service: StartedService;
  const id = randomUUID().slice(0, 8);
  const topic = `e2e.touchpoints.${id}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startService(
      loadConfig({
        DATABASE_URL: database.url,
        PORT: '0',
        API_KEY,
        LOG_LEVEL: 'silent',
        PROJECTOR_IDLE_DELAY_MS: '5',
        KAFKA_BROKERS: brokers(),
        KAFKA_TOPIC: topic,
        KAFKA_DLQ_TOPIC: `${topic}.dlq`,
        KAFKA_GROUP_ID: `e2e-${id}`,
        KAFKA_TOPIC_PARTITIONS: '2',
      }),
    );
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it('shows a touchpoint published with kcat, a client that is not ours, on the customer timeline', async () => {
    const customerId = `c-${randomUUID()}`;
    const touchpoint = aCall({ customer: { customerId }, occurredAt: '2026-11-20T08:15:00Z' });
    execFileSync('kcat', ['-P', '-b', brokers(), '-t', topic, '-k', customerId], {
      input: `${JSON.stringify(touchpoint)}\n`,
    });

    const timeline = await eventually(
      async () =>
        (await request(service.url).get(`/v1/customers/${customerId}/timeline`).set('x-api-key', API_KEY)).body,
      (body: { items?: unknown[] }) => body.items?.length === 1,
      { what: 'the kcat touchpoint on the timeline' },
    );
    expect(timeline.items?.[0]).toMatchObject({
      channel: 'call-center',
      type: 'call',
      occurredAt: '2026-11-20T08:15:00.000Z',
    });
  });

  it('reports the ingestor, its lag and its dead letters on /health and /metrics', async () => {
    execFileSync('kcat', ['-P', '-b', brokers(), '-t', topic, '-k', 'k'], { input: 'not json\n' });
    const health = await eventually(
      async () => (await request(service.url).get('/health')).body,
      (body: { kafka?: { deadLettered: number; lag: number | null } }) =>
        body.kafka?.deadLettered === 1 && body.kafka.lag === 0,
      { what: 'the dead letter to be counted' },
    );
    expect(health.kafka).toMatchObject({ state: 'running', topic, dlqTopic: `${topic}.dlq`, stored: 1, lag: 0 });
    const metrics = (await request(service.url).get('/metrics')).text;
    expect(metrics).toMatch(/c360_kafka_messages_total\{outcome="MALFORMED_JSON"\} 1/);
    expect(metrics).toMatch(/c360_kafka_consumer_lag 0/);
  });
});
