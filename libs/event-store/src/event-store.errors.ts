import type { ExpectedRevision } from './event-store.port.js';

export class StreamRevisionConflict extends Error {
  readonly code = 'STREAM_REVISION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} was expected at revision ${String(expected)} but is at ${String(actual)}`);
  }
}

export class InvalidPosition extends Error {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: string) {
    super(`Not a position of this event store: ${position}`);
  }
}

/** A write to the stream of a customer who was forgotten: its key is gone, and nothing more is kept of it. */
export class CustomerForgotten extends Error {
  readonly code = 'CUSTOMER_FORGOTTEN';
  constructor(readonly streamId: string) {
    super(`The customer of stream ${streamId} asked to be forgotten: nothing more is recorded for it`);
  }
}
