/** Why a merge or unmerge cannot be done as asked; the API answers 409 with this sentence. */
export class MergeRefused extends Error {
  readonly code = 'MERGE_REFUSED';
}

export class CustomerNotFound extends Error {
  readonly code = 'CUSTOMER_NOT_FOUND';
  constructor(readonly customerId: string) {
    super(`No customer ${customerId}`);
  }
}

/** If-Match named a revision the survivor's stream is no longer at. */
export class StaleRevision extends Error {
  readonly code = 'STALE_REVISION';
  constructor(
    readonly customerId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Customer ${customerId} is at revision ${actual}, not ${expected}: read it again and retry`);
  }
}
