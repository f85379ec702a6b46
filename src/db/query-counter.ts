import { AsyncLocalStorage } from "node:async_hooks";
import type { LogEvent } from "kysely";

// BEGIN, COMMIT, ROLLBACK and savepoints are transaction control, which the contract's statement
// budget sets aside; they are not counted.
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start transaction)\b/i;

/**
 * Counts every SQL statement the process runs (ours and Better Auth's: they share this Kysely),
 * transaction control aside.
 */
export class QueryCounter {
  total = 0;
  /** Statements of background work (the webhook relay and workers), counted apart. */
  background = 0;
  private readonly listeners = new Set<() => void>();
  private readonly backgroundScope = new AsyncLocalStorage<true>();

  record() {
    // Background work runs beside requests; counting it with them would charge a PATCH for the
    // relay's poll that happened to run meanwhile.
    if (this.backgroundScope.getStore()) {
      this.background++;
      return;
    }
    this.total++;
    for (const listener of this.listeners) listener();
  }

  /** Runs `work` as background work: its statements count in `background`, not `total`. */
  inBackground<T>(work: () => Promise<T>): Promise<T> {
    return this.backgroundScope.run(true, work);
  }

  /** Calls `listener` on each statement until the returned function is called. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Kysely's log hook: counts what Kysely runs. */
export const countKyselyQueries =
  (queries: QueryCounter) =>
  (event: LogEvent): void => {
    if (!TRANSACTION_CONTROL.test(event.query.sql)) queries.record();
  };
