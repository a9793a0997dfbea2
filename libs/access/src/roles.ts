import type { AppConfig } from '@c360/config';
import { SetMetadata } from '@nestjs/common';

/**
 * channel: appends touchpoints for its own channels only; agent: looks customers up, reads 360 and
 * timeline, merges and unmerges them; analyst: read models and analytics; auditor: raw history and verification; admin: everything,
 * including keys, rebuilds and erasure.
 */
export const ROLES = ['channel', 'agent', 'analyst', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'c360:roles';
export const PUBLIC_KEY = 'c360:public';

/** Who may call an endpoint; admin may call every one. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Open without a key: health, docs. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Open without a key when the configuration says so (e.g. /metrics with METRICS_ACCESS=open). */
export const PublicWhen = (open: (config: AppConfig) => boolean) => SetMetadata(PUBLIC_KEY, open);

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** For the channel role: the channels it may publish for. */
  channels: string[];
}
