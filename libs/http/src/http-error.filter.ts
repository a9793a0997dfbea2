import { StreamRevisionConflict } from '@c360/event-store';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, ApiErrorCode, STATUS_OF_CODE } from './api-error.js';

/** PostgreSQL error classes that mean the database is out of reach, not that the request is wrong. */
const UNAVAILABLE = /^(08|53|57P)/;

/**
 * Typed errors of other libraries, by their `code`, and what the API answers for them: the one place
 * a domain refusal becomes an HTTP status.
 */
const API_CODE_OF_ERROR: Record<string, ApiErrorCode> = {
  MERGE_REFUSED: ApiErrorCode.MERGE_REFUSED,
  CUSTOMER_NOT_FOUND: ApiErrorCode.NOT_FOUND,
  STALE_REVISION: ApiErrorCode.PRECONDITION_FAILED,
  CUSTOMER_FORGOTTEN: ApiErrorCode.CUSTOMER_FORGOTTEN,
};

/** Maps every error to one response shape: `{statusCode, code, message, errors?}`; never a stack. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toApiError(exception);
    const statusCode = STATUS_OF_CODE[error.code];
    if (statusCode >= 500) {
      this.logger.error({ msg: 'request failed', code: error.code, error: (exception as Error)?.message });
    }
    response.status(statusCode).json({ statusCode, code: error.code, message: error.message, errors: error.errors });
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof StreamRevisionConflict) {
      return new ApiError(ApiErrorCode.STREAM_REVISION_CONFLICT, exception.message);
    }
    const typed =
      exception instanceof Error ? API_CODE_OF_ERROR[(exception as { code?: string }).code ?? ''] : undefined;
    if (typed) return new ApiError(typed, exception instanceof Error ? exception.message : '');
    // Express's body parser fails with a typed error; Nest may wrap it as the cause of a 400.
    const bodyParser = ((exception as { cause?: unknown })?.cause ?? exception) as { type?: string };
    if (bodyParser.type === 'entity.parse.failed') {
      return new ApiError(ApiErrorCode.MALFORMED_JSON, 'The body is not valid JSON');
    }
    if (bodyParser.type === 'entity.too.large') {
      return new ApiError(ApiErrorCode.PAYLOAD_TOO_LARGE, 'The body is larger than this endpoint accepts');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return new ApiError(ApiErrorCode.NOT_FOUND, 'No such resource');
      if (status === 401) return new ApiError(ApiErrorCode.UNAUTHORIZED, exception.message);
      if (status === 403) return new ApiError(ApiErrorCode.FORBIDDEN, exception.message);
      if (status === 429)
        return new ApiError(ApiErrorCode.RATE_LIMITED, 'Too many requests for this key; slow down and retry shortly');
      if (status === 413) return new ApiError(ApiErrorCode.PAYLOAD_TOO_LARGE, exception.message);
      if (status < 500) return new ApiError(ApiErrorCode.VALIDATION_FAILED, exception.message);
    }
    const code = (exception as { code?: unknown })?.code;
    if (code === '57014') {
      return new ApiError(ApiErrorCode.QUERY_TIMEOUT, 'The query took longer than allowed; narrow it down and retry');
    }
    if (typeof code === 'string' && UNAVAILABLE.test(code)) {
      return new ApiError(ApiErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; retry later');
    }
    if (exception instanceof Error && /ECONNREFUSED|Connection terminated|timeout exceeded/.test(exception.message)) {
      return new ApiError(ApiErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable; retry later');
    }
    return new ApiError(ApiErrorCode.INTERNAL, 'Something went wrong on our side; it has been logged');
  }
}
