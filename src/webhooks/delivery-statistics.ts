import type { BackgroundStore } from "./background-store.js";

const FIRST_AFTER = 200;
const AT_MOST_EVERY = 50_000;

/**
 * Keeps the planner's statistics of the deliveries table fresh as the relay fills it, as
 * PostgreSQL's autovacuum would (its default: after 50 rows plus 10 % of the table have changed),
 * for clusters that run without it (Database.refreshStatistics says why the claim needs them).
 * After 200 events, then each time as many again have been relayed, at most every 50,000.
 */
export class DeliveryStatistics {
  private sinceRefresh = 0;
  private next = FIRST_AFTER;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<BackgroundStore, "refreshStatistics">,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** `count` more events were relayed; refreshes in the background when it is time. */
  relayed(count: number): void {
    this.sinceRefresh += count;
    if (this.sinceRefresh < this.next || this.refreshing) return;
    this.next = Math.min(this.next * 2, AT_MOST_EVERY);
    this.sinceRefresh = 0;
    this.refreshing = this.store
      .refreshStatistics()
      .catch(this.onError)
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  /** Resolves once a refresh under way has ended (shutdown). */
  async settled(): Promise<void> {
    await this.refreshing;
  }
}
