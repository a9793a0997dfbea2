import {
  isRefused,
  type ParsedTouchpoint,
  type RecordedTouchpoint,
  type StoredTouchpoint,
  type ValidTouchpoint,
} from '@c360/ingestion';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DeadLetterReason, toDeadLetterRecord, type DeadLetter } from './dead-letter.js';

export interface TouchpointIngestorOptions {
  topic: string;
  dlqTopic: string;
  groupId: string;
  partitions: number;
  /** Messages appended per event store call. */
  chunkSize: number;
  sessionTimeoutMs?: number;
}

export interface IngestorHooks {
  parse(body: unknown): ParsedTouchpoint;
  /** Durable when it resolves: the offsets are committed only after. */
  record(touchpoints: ValidTouchpoint[]): Promise<RecordedTouchpoint[]>;
  log: {
    info(msg: string, extra?: object): void;
    warn(msg: string, extra?: object): void;
    error(msg: string, extra?: object): void;
  };
  counted?(outcome: 'stored' | 'duplicate' | DeadLetterReason, n: number): void;
}

export interface IngestorStatus {
  state: 'starting' | 'running' | 'retrying' | 'stopped';
  lastError?: string;
  stored: number;
  duplicates: number;
  deadLettered: number;
}

class IngestorStopping extends Error {
  constructor() {
    super('the ingestor is stopping or lost its partitions; the batch will be redelivered');
  }
}

/**
 * Consumes touchpoints from Kafka into the event store. Per partition, in order: invalid messages go to
 * the dead-letter topic, valid ones are appended idempotently (event ids derive from touchpointId), and
 * only then is the offset committed. A crash between append and commit redelivers, and the redelivery
 * answers as a duplicate: nothing is lost, nothing is stored twice.
 */
export class TouchpointIngestor {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly admin: Admin;
  readonly status: IngestorStatus = { state: 'starting', stored: 0, duplicates: 0, deadLettered: 0 };

  constructor(
    kafka: Kafka,
    private readonly options: TouchpointIngestorOptions,
    private readonly hooks: IngestorHooks,
  ) {
    const sessionTimeout = options.sessionTimeoutMs ?? 30000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      heartbeatInterval: Math.floor(sessionTimeout / 10),
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.admin = kafka.admin();
  }

  async start(): Promise<void> {
    await Promise.all([this.admin.connect(), this.producer.connect()]);
    await this.ensureTopics();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.status.state = 'running';
    this.hooks.log.info('Kafka ingestor consuming', { topic: this.options.topic, groupId: this.options.groupId });
  }

  async stop(): Promise<void> {
    this.status.state = 'stopped';
    await this.consumer.disconnect();
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** Messages published but not yet committed by the group, summed over partitions. */
  async lag(): Promise<number> {
    const [ends, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.options.topic),
      this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] }),
    ]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends.reduce(
      (sum, p) => sum + Math.max(0, Number(p.high) - Math.max(done.get(p.partition) ?? -1, Number(p.low))),
      0,
    );
  }

  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = [
      { topic: this.options.topic, numPartitions: this.options.partitions },
      { topic: this.options.dlqTopic, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    await this.admin.createTopics({ topics: missing, waitForLeaders: true });
    this.hooks.log.info('created Kafka topics', { topics: missing.map((t) => t.topic) });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    for (let start = 0; start < batch.messages.length; start += this.options.chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.options.chunkSize);
      const { valid, validMessages, dead } = this.sort(chunk);
      const keepGoing = () => isRunning() && !isStale();
      try {
        const recorded = valid.length
          ? await this.retrying('appending', keepGoing, heartbeat, () => this.hooks.record(valid))
          : [];
        // Invalid messages, and those refused after validation (a forgotten customer), before the offset moves.
        recorded.forEach((r, i) => {
          if (isRefused(r)) {
            dead.push({
              message: validMessages[i]!,
              reason: DeadLetterReason.CUSTOMER_FORGOTTEN,
              detail: r.refused.reason,
            });
          }
        });
        if (dead.length > 0) {
          await this.retrying('dead-lettering', keepGoing, heartbeat, () =>
            this.producer.send({
              topic: this.options.dlqTopic,
              acks: -1,
              messages: dead.map((d) => toDeadLetterRecord(d, topic, partition)),
            }),
          );
        }
        const last = chunk[chunk.length - 1]!.offset;
        await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
        resolveOffset(last);
        await heartbeat();
        this.count(recorded, dead);
      } catch (error) {
        if (error instanceof IngestorStopping) return;
        throw error;
      }
    }
  }

  private sort(messages: KafkaMessage[]): {
    valid: ValidTouchpoint[];
    validMessages: KafkaMessage[];
    dead: DeadLetter[];
  } {
    const valid: ValidTouchpoint[] = [];
    const validMessages: KafkaMessage[] = [];
    const dead: DeadLetter[] = [];
    for (const message of messages) {
      if (!message.value || message.value.length === 0) {
        dead.push({ message, reason: DeadLetterReason.EMPTY_MESSAGE, detail: 'the message has no value' });
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(message.value.toString('utf8'));
      } catch (error) {
        dead.push({
          message,
          reason: DeadLetterReason.MALFORMED_JSON,
          detail: `the value is not JSON: ${(error as Error).message}`,
        });
        continue;
      }
      let parsed: ParsedTouchpoint;
      try {
        parsed = this.hooks.parse(body);
      } catch (error) {
        // A message that breaks validation itself must not stop the partition behind it.
        parsed = {
          ok: false,
          errors: [{ field: '', reason: `the message could not be validated: ${(error as Error).message}` }],
        };
      }
      if (parsed.ok) {
        valid.push(parsed);
        validMessages.push(message);
      } else {
        dead.push({
          message,
          reason: DeadLetterReason.VALIDATION_FAILED,
          detail: `the touchpoint is invalid: ${parsed.errors.map((e) => e.reason).join('; ')}`,
          errors: parsed.errors,
        });
      }
    }
    return { valid, validMessages, dead };
  }

  /** Transient failures (database or broker down) are retried with backoff, without committing. */
  private async retrying<T>(
    what: string,
    keepGoing: () => boolean,
    heartbeat: () => Promise<void>,
    action: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await action();
        if (this.status.state === 'retrying') {
          this.status.state = 'running';
          this.hooks.log.info(`Kafka ingestor recovered ${what}`, { attempts: attempt });
        }
        return result;
      } catch (error) {
        this.status.state = 'retrying';
        this.status.lastError = (error as Error).message;
        this.hooks.log.warn(`Kafka ingestor failed ${what}; retrying without committing`, {
          attempt,
          error: (error as Error).message,
        });
        const deadline = Date.now() + Math.min(200 * 2 ** (attempt - 1), 10000);
        while (Date.now() < deadline) {
          if (!keepGoing()) throw new IngestorStopping();
          await new Promise((resolve) => setTimeout(resolve, Math.min(250, deadline - Date.now())));
          await heartbeat().catch(() => undefined);
        }
      }
    }
  }

  private count(recorded: RecordedTouchpoint[], dead: DeadLetter[]): void {
    const stored = recorded.filter((r): r is StoredTouchpoint => !isRefused(r));
    const duplicates = stored.filter((r) => r.duplicate).length;
    this.status.stored += stored.length - duplicates;
    this.status.duplicates += duplicates;
    this.status.deadLettered += dead.length;
    this.hooks.counted?.('stored', stored.length - duplicates);
    this.hooks.counted?.('duplicate', duplicates);
    for (const d of dead) this.hooks.counted?.(d.reason, 1);
  }
}
