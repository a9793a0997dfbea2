import { ApiError, ApiErrorCode } from '@c360/http';
import type { IdentityIndex } from '@c360/identity';
import type { Request, Response } from 'express';

/**
 * The customer a path names, as it is shown. A customer merged into another answers 308 to the
 * survivor's same path (query string kept): its id keeps working. An unknown one is a 404; a forgotten
 * one a 410, except where its redacted history is what is asked for (`forgotten: 'shown'`).
 */
export async function shownCustomer(
  index: IdentityIndex,
  customerId: string,
  request: Request,
  response: Response,
  options: { forgotten: 'gone' | 'shown' } = { forgotten: 'gone' },
): Promise<string> {
  const customer = await index.customer(customerId);
  if (customer === undefined) throw new ApiError(ApiErrorCode.NOT_FOUND, `No customer ${customerId}`);
  if (customer.forgotten && options.forgotten === 'gone') {
    throw new ApiError(
      ApiErrorCode.CUSTOMER_FORGOTTEN,
      `Customer ${customerId} asked to be forgotten: only its redacted history remains, for auditors`,
    );
  }
  const { rootId } = customer;
  if (rootId === customerId) return rootId;
  const from = `/v1/customers/${encodeURIComponent(customerId)}`;
  const to = `/v1/customers/${encodeURIComponent(rootId)}`;
  response.setHeader('Location', request.originalUrl.replace(from, to));
  throw new ApiError(ApiErrorCode.CUSTOMER_MERGED, `Customer ${customerId} was merged into ${rootId}: see ${to}`);
}
