import { plainToInstance, Transform } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';

/** Injection token of the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Every setting the service reads, from environment variables, validated once at start-up. */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** Absent: an embedded PostgreSQL under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string = undefined;

  @IsString()
  DATA_DIR = '.data';

  /** The web console's build (npm run build:console), served at /console. */
  @IsString()
  CONSOLE_DIR = 'dist/console';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Key required by every /v1 endpoint; absent with the embedded default: generated once into DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @Matches(/^.{16,}$/, { message: 'must have at least 16 characters' })
  API_KEY?: string = undefined;

  /** Requests per minute allowed to one key (or one address without a key). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 600_000;

  /** Comma-separated origins allowed to call the API from a browser; absent: none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string = undefined;

  /** `open`: /metrics needs no key; `key`: an admin or analyst key. */
  @IsIn(['open', 'key'])
  METRICS_ACCESS = 'open';

  /** Longest a read-model query may run before it is cancelled (503). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  QUERY_TIMEOUT_MS = 10_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Country assumed for phone numbers written without an international prefix. */
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166 two-letter country code' })
  DEFAULT_PHONE_COUNTRY = 'ES';

  @IsIn(['on', 'off'])
  PROJECTOR = 'on';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  PROJECTOR_BATCH_SIZE = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60000)
  PROJECTOR_IDLE_DELAY_MS = 50;
  /** Comma-separated host:port list; absent: no Kafka ingestion in this process. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string = undefined;

  @Matches(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'must be a valid Kafka topic name' })
  KAFKA_TOPIC = 'c360.touchpoints';

  @Matches(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'must be a valid Kafka topic name' })
  KAFKA_DLQ_TOPIC = 'c360.touchpoints.dlq';

  @IsString()
  KAFKA_GROUP_ID = 'c360-ingestor';

  /** Partitions of the touchpoints topic when the ingestor creates it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 6;

  /** How long the group waits for a silent ingestor before giving its partitions to another. */
  @Transform(toInt)
  @IsInt()
  @Min(6000)
  @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 30000;

  /** Messages appended per event store call within a Kafka batch. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_APPEND_CHUNK = 500;

  /** Where events are stored: PostgreSQL (the read-model database) or EventStoreDB at EVENTSTORE_URL. */
  @IsIn(['postgres', 'eventstoredb'])
  EVENT_STORE: 'postgres' | 'eventstoredb' = 'postgres';

  /** `esdb://host:2113?tls=false`, `esdb+discover://…` for a cluster; required with EVENT_STORE=eventstoredb. */
  @Transform(emptyToUndefined)
  @ValidateIf((config: AppConfig) => config.EVENT_STORE === 'eventstoredb' || config.EVENTSTORE_URL !== undefined)
  @IsDefined({ message: 'is required when EVENT_STORE=eventstoredb' })
  @Matches(/^esdb(\+discover)?:\/\//, { message: 'must be an esdb:// or esdb+discover:// URL' })
  EVENTSTORE_URL?: string = undefined;
}

export class InvalidConfiguration extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads and validates the configuration; fails fast naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Every setting is an own property of a fresh instance, optional ones too (initialised to undefined).
  const known = new Set(Object.keys(new AppConfig()));
  // An empty variable means "not set": the default applies.
  const defined = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.has(key) && value !== undefined && value !== ''),
  );
  const config = plainToInstance(AppConfig, defined);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidConfiguration(
      errors.map(
        (e) => `${e.property}=${JSON.stringify(defined[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
      ),
    );
  }
  return config;
}
