import type { Actor, MarketingSpend } from '@c360/domain';
import { Command } from '@nestjs/cqrs';

export interface RecordedMarketingSpend {
  spendId: string;
  eventId: string;
  position: string;
  /** The spendId was recorded before: nothing new was written. */
  duplicate: boolean;
}

/** Records a validated marketing spend as a `MarketingSpendRecorded` event in its own stream. */
export class RecordMarketingSpendCommand extends Command<RecordedMarketingSpend> {
  constructor(
    readonly spend: MarketingSpend,
    readonly actor?: Actor,
  ) {
    super();
  }
}
