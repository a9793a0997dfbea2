/** Error codes a client can rely on, each with its HTTP status. */
export enum ApiErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',
  QUERY_TIMEOUT = 'QUERY_TIMEOUT',
  NOT_FOUND = 'NOT_FOUND',
  STREAM_REVISION_CONFLICT = 'STREAM_REVISION_CONFLICT',
  PRECONDITION_FAILED = 'PRECONDITION_FAILED',
  MERGE_REFUSED = 'MERGE_REFUSED',
  CUSTOMER_MERGED = 'CUSTOMER_MERGED',
  CUSTOMER_FORGOTTEN = 'CUSTOMER_FORGOTTEN',
  CONFLICT = 'CONFLICT',
  NOT_SUPPORTED = 'NOT_SUPPORTED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export const STATUS_OF_CODE: Record<ApiErrorCode, number> = {
  [ApiErrorCode.VALIDATION_FAILED]: 400,
  [ApiErrorCode.MALFORMED_JSON]: 400,
  [ApiErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ApiErrorCode.UNAUTHORIZED]: 401,
  [ApiErrorCode.FORBIDDEN]: 403,
  [ApiErrorCode.RATE_LIMITED]: 429,
  [ApiErrorCode.QUERY_TIMEOUT]: 503,
  [ApiErrorCode.NOT_FOUND]: 404,
  [ApiErrorCode.STREAM_REVISION_CONFLICT]: 409,
  [ApiErrorCode.PRECONDITION_FAILED]: 412,
  [ApiErrorCode.MERGE_REFUSED]: 409,
  [ApiErrorCode.CUSTOMER_MERGED]: 308,
  [ApiErrorCode.CUSTOMER_FORGOTTEN]: 410,
  [ApiErrorCode.CONFLICT]: 409,
  [ApiErrorCode.NOT_SUPPORTED]: 501,
  [ApiErrorCode.SERVICE_UNAVAILABLE]: 503,
  [ApiErrorCode.INTERNAL]: 500,
};

export interface FieldProblem {
  field: string;
  reason: string;
}

/** An error the API answers as it is: a code, a sentence, and for bad input every field at fault. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
  }

  static validation(errors: FieldProblem[], what = 'request'): ApiError {
    const list = errors.map((e) => e.reason).join('; ');
    return new ApiError(ApiErrorCode.VALIDATION_FAILED, `The ${what} is invalid: ${list}`, errors);
  }
}
