import { Command } from '@nestjs/cqrs';
import type { ValidTouchpoint } from './parse-touchpoint.js';

export interface StoredTouchpoint {
  touchpointId: string;
  eventId: string;
  customerId: string;
  position: string;
  /** The touchpoint was stored before: nothing new was written. */
  duplicate: boolean;
}

/** A touchpoint that names a forgotten customer: nothing of it was written. */
export interface RefusedTouchpoint {
  touchpointId: string;
  refused: { field: string; reason: string };
}

export type RecordedTouchpoint = StoredTouchpoint | RefusedTouchpoint;

export function isRefused(recorded: RecordedTouchpoint): recorded is RefusedTouchpoint {
  return 'refused' in recorded;
}

/** Records validated touchpoints in their customers' streams, all in one atomic append. */
export class RecordTouchpointsCommand extends Command<RecordedTouchpoint[]> {
  constructor(readonly touchpoints: ValidTouchpoint[]) {
    super();
  }
}
