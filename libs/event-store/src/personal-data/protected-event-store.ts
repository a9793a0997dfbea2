import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CUSTOMER_STREAM_PREFIX, joinPersonalData, redactPersonalData, splitPersonalData } from '@c360/domain';
import { CustomerForgotten } from '../event-store.errors.js';
import type {
  AppendResult,
  EventStore,
  EventStoreHealth,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import type { CustomerKeys, StreamKey } from './customer-keys.js';

/** Where an event keeps its personal part: which fields, and their values encrypted with the stream's key. */
export const SEALED = '$personal';

interface Sealed {
  fields: string[];
  /** base64 of IV (12 bytes) ‖ GCM tag (16 bytes) ‖ ciphertext of the fields' JSON. */
  sealed: string;
}

function encrypt(key: Buffer, streamId: string, personal: object): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The stream id is authenticated too: a sealed part copied into another stream does not open.
  cipher.setAAD(Buffer.from(streamId));
  const body = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decrypt(key: Buffer, streamId: string, sealed: string): Record<string, unknown> {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(streamId));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Record<
    string,
    unknown
  >;
}

const isCustomerStream = (streamId: string) => streamId.startsWith(CUSTOMER_STREAM_PREFIX);

/**
 * Crypto-shredding around any event store: the personal fields of a customer's events are stored
 * encrypted with that customer's key, and read back decrypted. Once the key is destroyed (a forget),
 * they read as redacted, every event of the stream is marked `metadata.forgotten`, and nothing but the
 * `CustomerForgotten` event itself can be appended to it.
 */
export class ProtectedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly keys: CustomerKeys,
  ) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    const [sealed] = await this.seal([{ streamId, events }]);
    return this.inner.append(streamId, sealed!.events, options);
  }

  async appendMany(writes: StreamWrite[]): Promise<AppendResult[]> {
    return this.inner.appendMany(await this.seal(writes));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readAll(options));
  }

  subscribeToAll(handler: (events: RecordedEvent[]) => Promise<void>, options?: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(async (events) => handler(await this.open(events)), options);
  }

  comparePositions(a: GlobalPosition, b: GlobalPosition): number {
    return this.inner.comparePositions(a, b);
  }

  health(): Promise<EventStoreHealth> {
    return this.inner.health();
  }

  async close(): Promise<void> {
    await Promise.all([this.inner.close(), this.keys.close()]);
  }

  private async seal(writes: StreamWrite[]): Promise<StreamWrite[]> {
    const customerWrites = writes.filter((w) => isCustomerStream(w.streamId));
    if (customerWrites.length === 0) return writes;
    const split = new Map(
      customerWrites.map((w) => [w, w.events.map((e) => ({ event: e, ...splitPersonalData(e.type, e.data) }))]),
    );
    const needKeys = customerWrites.filter((w) => split.get(w)!.some((s) => s.personal)).map((w) => w.streamId);
    const keys = await this.keys.keysFor([...new Set(customerWrites.map((w) => w.streamId))], [...new Set(needKeys)]);
    return writes.map((write) => {
      const parts = split.get(write);
      if (!parts) return write;
      const key = keys.get(write.streamId);
      if (key?.forgotten && parts.some((p) => p.event.type !== 'CustomerForgotten')) {
        throw new CustomerForgotten(write.streamId);
      }
      return {
        ...write,
        events: parts.map(({ event, open, personal }) => {
          if (!personal) return event;
          const sealed: Sealed = {
            fields: Object.keys(personal),
            sealed: encrypt(key!.key!, write.streamId, personal),
          };
          return { ...event, data: { ...open, [SEALED]: sealed } };
        }),
      };
    });
  }

  private async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const streams = [...new Set(events.filter((e) => isCustomerStream(e.streamId)).map((e) => e.streamId))];
    if (streams.length === 0) return events;
    const keys = await this.keys.keysFor(streams);
    return events.map((event) => {
      const key = keys.get(event.streamId);
      const data = event.data as Record<string, unknown> | null;
      const sealed = data?.[SEALED] as Sealed | undefined;
      if (!sealed && !key?.forgotten) return event;
      const opened = sealed ? openData(event.streamId, data!, sealed, key) : data;
      const metadata = key?.forgotten ? { ...event.metadata, forgotten: true } : event.metadata;
      return { ...event, data: opened, metadata };
    });
  }
}

function openData(
  streamId: string,
  data: Record<string, unknown>,
  sealed: Sealed,
  key: StreamKey | undefined,
): Record<string, unknown> {
  const { [SEALED]: _sealed, ...open } = data;
  if (!key?.key) return redactPersonalData(open, sealed.fields);
  try {
    return joinPersonalData(open, decrypt(key.key, streamId, sealed.sealed));
  } catch {
    // Altered ciphertext fails authentication: shown redacted; the hash chain check names the altered event.
    return redactPersonalData(open, sealed.fields);
  }
}
