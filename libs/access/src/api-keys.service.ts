import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventStore } from '@c360/event-store';
import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import type { Principal, Role } from './roles.js';

/** Admin actions are events too, in a stream of their own. */
export const ADMIN_AUDIT_STREAM = 'admin-audit';

const KEY_FORMAT = /^c360_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const CACHE_MS = 5000;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export interface ApiKeySummary {
  id: string;
  name: string;
  role: Role;
  channels: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

function summary(entity: ApiKeyEntity): ApiKeySummary {
  return {
    id: entity.id,
    name: entity.name,
    role: entity.role as Role,
    channels: entity.channels,
    createdAt: entity.createdAt.toISOString(),
    createdBy: entity.createdBy,
    revokedAt: entity.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Keys look like `c360_<id>_<secret>`: the id finds the row, the secret's SHA-256 is compared in constant
 * time (the secret is 256 random bits, so a slow hash adds nothing). Verified keys are cached for 5 s, so a
 * revocation takes effect within that.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { at: number; entity: ApiKeyEntity | null }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async create(input: {
    name: string;
    role: Role;
    channels?: string[];
    createdBy: string;
  }): Promise<{ key: string; summary: ApiKeySummary }> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const entity = this.dataSource.getRepository(ApiKeyEntity).create({
      id,
      name: input.name,
      role: input.role,
      channels: input.role === 'channel' ? (input.channels ?? []) : [],
      secretSha256: sha256(secret),
      createdAt: new Date(),
      createdBy: input.createdBy,
      revokedAt: null,
    });
    await this.dataSource.getRepository(ApiKeyEntity).insert(entity);
    await this.audit(
      'ApiKeyCreated',
      { keyId: id, name: input.name, role: input.role, channels: entity.channels },
      input.createdBy,
    );
    return { key: `c360_${id}_${secret}`, summary: summary(entity) };
  }

  async list(): Promise<ApiKeySummary[]> {
    const rows = await this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
    return rows.map(summary);
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(ApiKeyEntity).count();
  }

  /** False when there is no such key or it was revoked already. */
  async revoke(id: string, revokedBy: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    this.cache.delete(id);
    if (!result.affected) return false;
    await this.audit('ApiKeyRevoked', { keyId: id }, revokedBy);
    return true;
  }

  async verify(presented: string): Promise<Principal | null> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const cached = this.cache.get(id);
    let entity = cached && Date.now() - cached.at < CACHE_MS ? cached.entity : undefined;
    if (entity === undefined) {
      entity = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id });
      this.cache.set(id, { at: Date.now(), entity });
    }
    if (!entity || entity.revokedAt || !timingSafeEqual(sha256(secret), entity.secretSha256)) return null;
    return { keyId: entity.id, name: entity.name, role: entity.role as Role, channels: entity.channels };
  }

  private async audit(type: string, data: object, actor: string): Promise<void> {
    await this.store.append(ADMIN_AUDIT_STREAM, [
      {
        type,
        data,
        metadata: { occurredAt: new Date().toISOString(), actor: { kind: 'agent', id: actor }, schemaVersion: 1 },
      },
    ]);
  }
}
