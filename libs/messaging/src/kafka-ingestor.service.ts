import { APP_CONFIG, type AppConfig } from '@c360/config';
import {
  IngestionMetrics,
  parseTouchpoint,
  RecordTouchpointsCommand,
  type RecordedTouchpoint,
  type ValidTouchpoint,
} from '@c360/ingestion';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CountryCode } from 'libphonenumber-js';
import { Counter, Gauge, register } from 'prom-client';
import { createKafka } from './kafka-client.js';
import { TouchpointIngestor, type IngestorStatus } from './touchpoint-ingestor.js';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

@Injectable()
export class KafkaIngestorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KafkaIngestor');
  private readonly ingestor: TouchpointIngestor;
  private cachedLag?: { at: number; value: number | null };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    commandBus: CommandBus,
    metrics: IngestionMetrics,
  ) {
    if (!config.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS must be set to run the Kafka ingestor');
    const kafka = createKafka(config.KAFKA_BROKERS, 'c360-ingestor', (level, msg, extra) =>
      this.logger[level === 'info' ? 'log' : level]({ msg, ...extra }),
    );
    const messages = metric(
      'c360_kafka_messages_total',
      () =>
        new Counter({
          name: 'c360_kafka_messages_total',
          help: 'Kafka messages ingested, by outcome',
          labelNames: ['outcome'],
        }),
    );
    this.ingestor = new TouchpointIngestor(
      kafka,
      {
        topic: config.KAFKA_TOPIC,
        dlqTopic: config.KAFKA_DLQ_TOPIC,
        groupId: config.KAFKA_GROUP_ID,
        partitions: config.KAFKA_TOPIC_PARTITIONS,
        chunkSize: config.KAFKA_APPEND_CHUNK,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      },
      {
        parse: (body) => {
          const parsed = parseTouchpoint(body, config.DEFAULT_PHONE_COUNTRY as CountryCode);
          if (!parsed.ok) metrics.rejected('kafka', parsed.errors);
          return parsed;
        },
        record: async (valid: ValidTouchpoint[]) => {
          const recorded: RecordedTouchpoint[] = await commandBus.execute(new RecordTouchpointsCommand(valid));
          metrics.recorded(
            'kafka',
            valid.map((v) => v.touchpoint),
            recorded,
          );
          return recorded;
        },
        counted: (outcome, n) => n > 0 && messages.inc({ outcome }, n),
        log: {
          info: (msg, extra) => this.logger.log({ msg, ...extra }),
          warn: (msg, extra) => this.logger.warn({ msg, ...extra }),
          error: (msg, extra) => this.logger.error({ msg, ...extra }),
        },
      },
    );
    register.removeSingleMetric('c360_kafka_consumer_lag');
    const lag = () => this.lag();
    new Gauge({
      name: 'c360_kafka_consumer_lag',
      help: 'Touchpoint messages published but not yet ingested',
      async collect() {
        const value = await lag();
        if (value !== null) this.set(value);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ingestor.start();
  }

  /** Before the pools close: the batch in flight finishes and commits its offsets. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.ingestor.stop();
  }

  /** Cached for a second: /health and /metrics may be polled often. */
  async lag(): Promise<number | null> {
    if (this.cachedLag && Date.now() - this.cachedLag.at < 1000) return this.cachedLag.value;
    const value = await this.ingestor.lag().catch(() => null);
    this.cachedLag = { at: Date.now(), value };
    return value;
  }

  async status(): Promise<IngestorStatus & { topic: string; dlqTopic: string; lag: number | null }> {
    return {
      ...this.ingestor.status,
      topic: this.config.KAFKA_TOPIC,
      dlqTopic: this.config.KAFKA_DLQ_TOPIC,
      lag: await this.lag(),
    };
  }
}
