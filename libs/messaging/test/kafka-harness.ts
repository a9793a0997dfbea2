import { randomUUID } from 'node:crypto';

import type { EventStore } from '@c360/event-store';
import { IdentityIndex } from '@c360/identity';
import { parseTouchpoint, RecordTouchpointsCommand, RecordTouchpointsHandler } from '@c360/ingestion';
import { createKafka, TouchpointIngestor } from '@c360/messaging';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';

export function testBrokers(): string {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
  return brokers;
}

export function uniqueTopics(): { topic: string; dlqTopic: string; groupId: string } {
  const id = randomUUID().slice(0, 8);
  return { topic: `test.touchpoints.${id}`, dlqTopic: `test.touchpoints.${id}.dlq`, groupId: `test-ingestor-${id}` };
}

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The ingestor as the service wires it, with the real command handler over a real event store. */
export function anIngestor(
  kafka: Kafka,
  store: EventStore,
  topics: ReturnType<typeof uniqueTopics>,
  identity: IdentityIndex,
): TouchpointIngestor {
  const handler = new RecordTouchpointsHandler(store, identity);
  return new TouchpointIngestor(
    kafka,
    { ...topics, partitions: 3, chunkSize: 100 },
    {
      parse: (body) => parseTouchpoint(body, 'ES'),
      record: (valid) => handler.execute(new RecordTouchpointsCommand(valid)),
      log: silentLog,
    },
  );
}

/** The identity index over the test database; close the data source after the tests. */
export async function anIdentityIndex(url: string): Promise<{ identity: IdentityIndex; dataSource: DataSource }> {
  const dataSource = await new DataSource({ type: 'postgres', url, extra: { max: 4 } }).initialize();
  return { identity: new IdentityIndex(dataSource), dataSource };
}

export function kafkaClient(): Kafka {
  return createKafka(testBrokers(), `test-${randomUUID().slice(0, 8)}`);
}

/** Reads a topic from the beginning until `count` messages arrived or the deadline passed. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return messages;
}
