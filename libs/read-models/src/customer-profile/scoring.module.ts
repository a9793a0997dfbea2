import { Global, Module } from '@nestjs/common';
import { CLOCK } from './customer-scores.js';
import { ScoreRefresher } from './score-refresher.service.js';

/** The clock scores are computed against, and the refresher that keeps stored scores from ageing. */
@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: () => new Date() }, ScoreRefresher],
  exports: [CLOCK, ScoreRefresher],
})
export class ScoringModule {}
