import { APP_CONFIG, type AppConfig } from '@c360/config';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { refreshScores } from './customer-profile.projection.js';
import { CLOCK, type Clock } from './customer-scores.js';

const REFRESH_EVERY_MS = 60_000;
const STALE_AFTER_HOURS = 6;
const CHUNK = 2000;

/**
 * Recency decays and churn risk grows with time alone, so stored scores age even when a customer
 * does nothing. This refresher rescores rows older than six hours, a chunk at a time; per-customer
 * endpoints never wait for it: they score against the clock when asked.
 */
@Injectable()
export class ScoreRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ScoreRefresher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.PROJECTOR !== 'on') return;
    this.timer = setInterval(() => {
      this.running ??= this.refreshStale()
        .catch((error: Error) =>
          this.logger.warn({ msg: 'rescoring failed; next round retries', error: error.message }),
        )
        .finally(() => (this.running = undefined));
    }, REFRESH_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Rescores every row scored more than `staleAfterHours` ago, and the customers the profile projection left
   * pending (a catch-up that stopped behind); returns how many.
   */
  async refreshStale(staleAfterHours = STALE_AFTER_HOURS): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.dataSource.transaction(async (manager) => {
        // in turn with the projection's batches, which lock its checkpoint row first
        await manager.query("SELECT 1 FROM c360_projection_checkpoints WHERE name = 'customer-profile' FOR UPDATE");
        // TypeORM answers a DELETE with [rows, count]
        const [deleted] = (await manager.query(
          `DELETE FROM c360_customer_scores_pending
            WHERE customer_id IN (SELECT customer_id FROM c360_customer_scores_pending LIMIT $1)
           RETURNING customer_id`,
          [CHUNK],
        )) as [{ customer_id: string }[], number];
        const pending = deleted.map((r) => r.customer_id);
        if (pending.length > 0) await refreshScores(manager, pending, this.clock());
        return pending;
      });
      total += ids.length;
      if (ids.length < CHUNK) break;
    }
    for (;;) {
      const now = this.clock();
      const cutoff = new Date(now.getTime() - staleAfterHours * 3_600_000);
      const ids = (
        (await this.dataSource.query(
          'SELECT customer_id FROM c360_customer_scores WHERE scored_at < $1 ORDER BY scored_at LIMIT $2',
          [cutoff, CHUNK],
        )) as { customer_id: string }[]
      ).map((r) => r.customer_id);
      if (ids.length === 0) break;
      await this.dataSource.transaction((manager) => refreshScores(manager, ids, now));
      total += ids.length;
      if (ids.length < CHUNK) break;
    }
    if (total > 0) this.logger.log({ msg: 'rescored customers against the clock', customers: total });
    return total;
  }
}
