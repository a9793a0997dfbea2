import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@c360/config';
import { ApiError, ApiErrorCode } from '@c360/http';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Request } from 'express';
import { ApiKeys } from './api-keys.service.js';
import { PUBLIC_KEY, ROLES_KEY, type Principal, type Role } from './roles.js';

export const API_KEY_HEADER = 'x-api-key';

export type AuthenticatedRequest = Request & { principal?: Principal };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Every route needs a key unless marked public: 401 without one or with a wrong one, 403 when its role
 * may not call the route, 429 past RATE_LIMIT_PER_MINUTE requests of one key (or one address without a
 * key). API_KEY, when configured, is an admin key that lives outside the database.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly configuredKey?: Buffer;
  private readonly limiter: RateLimiterMemory;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.API_KEY) this.configuredKey = digest(config.API_KEY);
    this.limiter = new RateLimiterMemory({ points: config.RATE_LIMIT_PER_MINUTE, duration: 60 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const open = this.reflector.getAllAndOverride<boolean | ((config: AppConfig) => boolean)>(PUBLIC_KEY, targets);
    if (open === true || (typeof open === 'function' && open(this.config))) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = request.header(API_KEY_HEADER);
    const principal = presented ? await this.authenticate(presented) : undefined;
    // A key that is not one of ours gets its caller's address's budget, so guessing keys is limited too.
    await this.limit(principal ? `key:${principal.keyId}` : `address:${request.ip}`);
    if (!presented) {
      throw new ApiError(ApiErrorCode.UNAUTHORIZED, `Missing API key: send it in the ${API_KEY_HEADER} header`);
    }
    if (!principal) throw new ApiError(ApiErrorCode.UNAUTHORIZED, 'Wrong or revoked API key');
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new ApiError(
        ApiErrorCode.FORBIDDEN,
        `This endpoint needs a key with role ${[...allowed, 'admin'].join(' or ')}; this key has role ${principal.role}`,
      );
    }
    return true;
  }

  private async limit(caller: string): Promise<void> {
    try {
      await this.limiter.consume(caller);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new ApiError(
        ApiErrorCode.RATE_LIMITED,
        `Too many requests: at most ${this.config.RATE_LIMIT_PER_MINUTE} a minute per key; retry in ${Math.ceil(error.msBeforeNext / 1000)} s`,
      );
    }
  }

  private async authenticate(presented: string): Promise<Principal | null> {
    if (this.configuredKey && timingSafeEqual(digest(presented), this.configuredKey)) {
      return { keyId: 'configured', name: 'API_KEY', role: 'admin', channels: [] };
    }
    return this.keys.verify(presented);
  }
}
