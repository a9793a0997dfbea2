import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@c360/config';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, ApiErrorCode } from './api-error.js';

export const API_KEY_HEADER = 'x-api-key';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Every /v1 endpoint needs the service's API key in the `x-api-key` header. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.API_KEY) throw new Error('API_KEY must be resolved before the HTTP API starts');
    this.expected = digest(config.API_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<Request>().header(API_KEY_HEADER);
    if (!key) throw new ApiError(ApiErrorCode.UNAUTHORIZED, `Missing API key: send it in the ${API_KEY_HEADER} header`);
    if (!timingSafeEqual(digest(key), this.expected)) throw new ApiError(ApiErrorCode.UNAUTHORIZED, 'Wrong API key');
    return true;
  }
}
