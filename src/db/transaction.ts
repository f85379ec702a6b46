import type { Kysely, Transaction } from "kysely";
import { AppError } from "../errors/app-error.js";
import type { RequestBudget } from "../http/request-budget.js";
import type { DB } from "./schema.js";
import { isSqliteBusy } from "./sqlite-connection.js";

class RollbackForTimeout extends Error {}

// SQLite answers SQLITE_BUSY when another process holds the write lock. better-sqlite3 would
// wait synchronously (blocking every other request), so its wait is kept short and retried
// here, asynchronously, until the request's budget runs out.
const RETRY_DELAY_MS = 15;

/**
 * PostgreSQL cancels a statement that outlives statement_timeout (set to the request budget) with
 * 57014 query_canceled; the request's budget is spent by then.
 */
export const isPgStatementTimeout = (error: unknown) => (error as { code?: unknown })?.code === "57014";

/** Runs `operation`, retrying while SQLite is busy, until the request's budget runs out (504). */
export async function retryWhileBusy<T>(budget: RequestBudget, operation: () => Promise<T>): Promise<T> {
  for (;;) {
    budget.check();
    try {
      return await operation();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_DELAY_MS, budget.remainingMs)));
    }
  }
}

/**
 * Database.runInTransaction once its turn has come (SQLite: the write gate is held): `work` in one
 * Kysely transaction that commits only while the request's budget lasts.
 */
export function attemptTransaction<T>(
  db: Kysely<DB>,
  budget: RequestBudget,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  // The client is answered 504 at the deadline by the route's budget.race(); work still queued at
  // the gate (SQLite) or waiting on a row lock (PostgreSQL) then fails its budget check, its
  // commit check or statement_timeout, and rolls back.
  return retryWhileBusy(budget, async () => {
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await work(trx);
        if (!budget.beginCommit()) throw new RollbackForTimeout();
        return result;
      });
    } catch (error) {
      if (error instanceof RollbackForTimeout || isPgStatementTimeout(error)) throw new AppError("request_timeout");
      throw error;
    } finally {
      budget.endCommit();
    }
  });
}
