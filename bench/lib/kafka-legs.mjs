// Kafka ingestion through the ingestor app: throughput from publish to durable append (the group's committed
// offsets, committed only after the append), and end-to-end lag at a fixed rate (publish → on the timeline).
import path from 'node:path';
import { root } from '../../scripts/ensure-installed.mjs';
import { eventIdForTouchpoint, take } from './seed.mjs';
import { percentile, round } from './stats.mjs';
import { sleep } from './processes.mjs';

const { createKafka, TouchpointPublisher } = await import(path.join(root, 'dist/libs/messaging/src/index.js'));

export function kafkaNames(runId) {
  return {
    topic: `c360-bench-${runId}.touchpoints`,
    dlqTopic: `c360-bench-${runId}.touchpoints.dlq`,
    groupId: `c360-bench-${runId}-ingestor`,
    rawTopic: `c360-bench-${runId}.raw`,
    rawGroupId: `c360-bench-${runId}-raw`,
  };
}

export async function createTopics(brokers, topics, partitions = 6) {
  const admin = createKafka(brokers, 'c360-bench').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(brokers, topics, groupIds = []) {
  const admin = createKafka(brokers, 'c360-bench').admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 10_000 });
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
  } catch {
    // Leftover bench topics are harmless: their names are unique to the run.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Messages the group has committed on the topic, summed over partitions. */
async function committed(admin, groupId, topic) {
  let offsets;
  for (let attempt = 0; ; attempt++) {
    try {
      [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      break;
    } catch (error) {
      // A group that is still being set up has no coordinator yet.
      if (!error.retriable || attempt > 100) throw error;
      await sleep(100);
    }
  }
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/**
 * Publishes `count` touchpoints as fast as the broker takes them (batches of 500, the simulator's publisher)
 * and waits until the ingestor's group has committed all of them: each commit follows a durable append.
 */
export async function kafkaIngestion({ brokers, names, traffic, count, onProgress }) {
  const kafka = createKafka(brokers, 'c360-bench');
  const publisher = new TouchpointPublisher(kafka, names.topic);
  const admin = kafka.admin();
  await Promise.all([publisher.connect(), admin.connect()]);
  const before = await committed(admin, names.groupId, names.topic);
  const touchpoints = take(traffic, count);
  const t0 = performance.now();
  let published = 0;
  let publishSeconds;
  const publishing = (async () => {
    for (let i = 0; i < count; i += 500) {
      await publisher.publish(touchpoints.slice(i, i + 500));
      published = Math.min(count, i + 500);
    }
    publishSeconds = (performance.now() - t0) / 1000;
  })();
  let done = 0;
  while (done < count) {
    await sleep(100);
    done = (await committed(admin, names.groupId, names.topic)) - before;
    onProgress?.(Math.max(0, done), published);
    if (performance.now() - t0 > 20 * 60_000) throw new Error(`Kafka ingestion: only ${done} of ${count} after 20 min`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await publishing;
  await Promise.all([publisher.disconnect(), admin.disconnect()]);
  return { rate: count / seconds, seconds, publishRate: count / publishSeconds };
}

/**
 * Publishes at `rate` touchpoints/s for `seconds` (a batch every 100 ms) with the ingestor and the projector
 * live, and polls the timeline table for a sample of them (every `sampleEvery`-th), so each sampled
 * touchpoint's lag is from the moment its batch was handed to the producer to the first poll that saw it.
 */
export async function endToEndLag({ brokers, names, traffic, rate, seconds, db, sampleEvery = 10, pollMs = 25 }) {
  const kafka = createKafka(brokers, 'c360-bench-lag');
  const publisher = new TouchpointPublisher(kafka, names.topic);
  await publisher.connect();
  const outstanding = new Map();
  const lags = [];
  const perTick = Math.max(1, Math.round(rate / 10));
  const ticks = Math.max(1, Math.round((seconds * rate) / perTick));
  let publishing = true;
  let sent = 0;
  let lastPublish = performance.now();
  const poller = (async () => {
    while (publishing || outstanding.size > 0) {
      await sleep(pollMs);
      if (outstanding.size === 0) continue;
      const ids = [...outstanding.keys()];
      const { rows } = await db.query('SELECT event_id FROM c360_timeline WHERE event_id = ANY($1::uuid[])', [ids]);
      const now = performance.now();
      for (const { event_id: id } of rows) {
        lags.push(now - outstanding.get(id));
        outstanding.delete(id);
      }
      if (!publishing && now - lastPublish > 60_000) {
        throw new Error(`end-to-end lag: ${outstanding.size} sampled touchpoints never reached the timeline`);
      }
    }
  })();
  const t0 = performance.now();
  let late = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const due = t0 + tick * 100;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else late++;
    const batch = take(traffic, perTick);
    const at = performance.now();
    for (const t of batch) if (++sent % sampleEvery === 0) outstanding.set(eventIdForTouchpoint(t.touchpointId), at);
    await publisher.publish(batch);
    lastPublish = performance.now();
  }
  const achieved = sent / ((performance.now() - t0) / 1000);
  publishing = false;
  await poller;
  await publisher.disconnect();
  lags.sort((a, b) => a - b);
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    samples: lags.length,
    achieved: round(achieved),
    late,
  };
}
