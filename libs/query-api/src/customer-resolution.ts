import { ApiError, ApiErrorCode } from '@c360/http';
import type { IdentityIndex } from '@c360/identity';
import type { Request, Response } from 'express';

/**
 * The customer a path names, as it is shown. A customer merged into another answers 308 to the
 * survivor's same path (query string kept): its id keeps working. An unknown one is a 404.
 */
export async function shownCustomer(
  index: IdentityIndex,
  customerId: string,
  request: Request,
  response: Response,
): Promise<string> {
  const rootId = await index.rootOf(customerId);
  if (rootId === undefined) throw new ApiError(ApiErrorCode.NOT_FOUND, `No customer ${customerId}`);
  if (rootId === customerId) return rootId;
  const from = `/v1/customers/${encodeURIComponent(customerId)}`;
  const to = `/v1/customers/${encodeURIComponent(rootId)}`;
  response.setHeader('Location', request.originalUrl.replace(from, to));
  throw new ApiError(ApiErrorCode.CUSTOMER_MERGED, `Customer ${customerId} was merged into ${rootId}: see ${to}`);
}
