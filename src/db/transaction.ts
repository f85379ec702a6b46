import type { Transaction } from "kysely";
import { AppError } from "../errors/app-error.js";
import type { RequestBudget } from "../http/request-budget.js";
import type { Database } from "./database.js";
import type { Statement, SyncSql } from "./raw-sql.js";
import type { DB } from "./schema.js";
import { isSqliteBusy } from "./sqlite-connection.js";

class RollbackForTimeout extends Error {}

// SQLite answers SQLITE_BUSY when another process holds the write lock. better-sqlite3 would
// wait synchronously (blocking every other request), so its wait is kept short and retried
// here, asynchronously, until the request's budget runs out.
const RETRY_DELAY_MS = 15;

// PostgreSQL cancels a statement that outlives statement_timeout (set to the request budget) with
// 57014 query_canceled; the request's budget is spent by then.
const isPgStatementTimeout = (error: unknown) => (error as { code?: unknown })?.code === "57014";

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
 * Runs `work` in one transaction that commits only while the request's budget lasts; otherwise it
 * rolls back and throws 504 request_timeout. Nothing is ever half-written.
 */
export async function runInTransaction<T>(
  database: Database,
  budget: RequestBudget,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  // The client is answered 504 at the deadline by the route's budget.race(); work still queued at
  // the gate (SQLite) or waiting on a row lock (PostgreSQL) then fails its budget check, its
  // commit check or statement_timeout, and rolls back.
  if (database.writeGate) return database.writeGate.runExclusive(() => attemptTransaction(database, budget, work));
  return attemptTransaction(database, budget, work);
}

function attemptTransaction<T>(
  database: Database,
  budget: RequestBudget,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return retryWhileBusy(budget, async () => {
    try {
      return await database.db.transaction().execute(async (trx) => {
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

/** What transactionNow answers when it cannot run the work without waiting. */
export const NOT_NOW = Symbol("not now");

/**
 * SQLite: runs `work` at once, in this one call, in the group transaction of this turn of the
 * event loop (group-commit.ts), and resolves after that commits. NOT_NOW (nothing written) when
 * the writer is taken by someone else's transaction, when another process holds the write lock,
 * or when `work` itself answers NOT_NOW (its savepoint is rolled back). `written` holds the rows
 * the group has written so far, as `work` recorded them (GroupCommit.written). Nothing else can run
 * between its statements, so it needs neither the write gate nor Kysely's connection lock: a
 * PATCH's three statements cost no more than the statements themselves, and a share of one
 * commit. PostgreSQL: always NOT_NOW.
 */
export async function transactionNow<T>(
  database: Database,
  budget: RequestBudget,
  work: (sql: SyncSql, written: Map<string, unknown>) => T | typeof NOT_NOW,
): Promise<T | typeof NOT_NOW> {
  const writer = database.syncWriter;
  // Someone else's transaction is open (queued writes hold the gate; Better Auth may hold Kysely's).
  if (!writer || database.writeGate?.isLocked() || (writer.inTransaction() && !writer.group.open)) return NOT_NOW;
  budget.check();
  const { group } = writer;
  try {
    group.begin();
  } catch (error) {
    if (isSqliteBusy(error)) return NOT_NOW;
    throw error;
  }
  group.savepoint();
  let result: T | typeof NOT_NOW;
  try {
    result = work(writer.sql, group.written);
  } catch (error) {
    group.undo();
    if (isSqliteBusy(error)) return NOT_NOW;
    throw error;
  }
  if (result === NOT_NOW) {
    group.undo();
    return NOT_NOW;
  }
  if (!budget.beginCommit()) {
    group.undo();
    throw new AppError("request_timeout");
  }
  return (await group.keep(budget)) ? result : NOT_NOW;
}

/**
 * PostgreSQL: sends one statement that commits on its own, when the request's budget still covers
 * the whole statement_timeout: it then ends, committed or cancelled (504), within the budget, and
 * the budget waits for its outcome instead of answering 504 about a change that was made.
 * NOT_NOW when it was not sent (SQLite, or the request is already too far into its budget).
 */
export async function statementNow<R>(
  database: Database,
  budget: RequestBudget,
  statement: Statement,
): Promise<R[] | typeof NOT_NOW> {
  const autocommit = database.autocommit;
  if (!autocommit) return NOT_NOW;
  let committing = false;
  try {
    const rows = await autocommit.run<R>(statement.sql, statement.params, () => {
      committing = budget.remainingMs >= autocommit.statementTimeoutMs && budget.beginCommit();
      return committing;
    });
    return rows ?? NOT_NOW;
  } catch (error) {
    if (isPgStatementTimeout(error)) throw new AppError("request_timeout");
    throw error;
  } finally {
    if (committing) budget.endCommit();
  }
}
