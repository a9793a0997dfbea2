import { Command } from '@nestjs/cqrs';
import type { ValidTouchpoint } from './parse-touchpoint.js';

export interface RecordedTouchpoint {
  touchpointId: string;
  eventId: string;
  customerId: string;
  position: string;
  /** The touchpoint was stored before: nothing new was written. */
  duplicate: boolean;
}

/** Records validated touchpoints in their customers' streams, all in one atomic append. */
export class RecordTouchpointsCommand extends Command<RecordedTouchpoint[]> {
  constructor(readonly touchpoints: ValidTouchpoint[]) {
    super();
  }
}
