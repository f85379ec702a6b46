import { createRequire } from "node:module";
import { resolve } from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import type pg from "pg";
import { AppError } from "../errors/app-error.js";
import type { RequestBudget } from "../http/request-budget.js";
import { NOT_NOW, type NotNow, type OneStatementWrite } from "./at-once-write.js";
import type { Database, DatabaseOptions, SqlDialect } from "./database.js";
import { countKyselyQueries, QueryCounter } from "./query-counter.js";
import { type Autocommit, kyselyPgRawSql, pgAutocommit, pgPoolRawSql, runStepsAwaiting } from "./raw-sql.js";
import type { DB } from "./schema.js";
import { attemptTransaction, isPgStatementTimeout } from "./transaction.js";

/** The PostgreSQL database. */
export interface PostgresDatabase extends Database {
  /** Only the write's one statement is needed here. */
  writeNow<T>(budget: RequestBudget, write: OneStatementWrite<T>): Promise<T | NotNow>;
}

// node-postgres binds booleans and Dates as they are.
const POSTGRES_DIALECT: SqlDialect = {
  encode: { boolean: (value) => value, date: (value) => value, value: (value) => value },
  // timestamptz keeps microseconds; as text they survive the round trip through a cursor.
  isoTimestamp: (column) =>
    sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  forUpdate: (query) => query.forUpdate(),
  skipLocked: (alias) => `for update of "${alias}" skip locked`,
};

// The webhook relay's lock: one sequencer at a time across every instance.
const SEQUENCER_LOCK = "valara-users:webhook-sequencer";

// node-postgres is loaded only for a PostgreSQL database (some 15 MB that SQLite does not need).
const loadPg = (): typeof pg => createRequire(import.meta.url)("pg");

// One number for "valara-users is migrating this database", shared by every instance.
const MIGRATION_LOCK = "valara-users:migrate";

/**
 * Holds the session-level advisory lock `name` on a dedicated connection (outside the pool, so a
 * pool of one cannot deadlock) while `work` runs; another instance asking for it waits here. The
 * migrations take it: Better Auth's getMigrations has no lock of its own and would race (both
 * would plan `create table user` and one would fail).
 */
async function withPgAdvisoryLock<T>(url: string, name: string, work: () => Promise<T>): Promise<T> {
  const client = new (loadPg().Client)({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // An error while the lock is held (the server went away) surfaces in the queries that follow.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [name]);
    try {
      return await work();
    } finally {
      await client.query("select pg_advisory_unlock(hashtext($1))", [name]).catch(() => {});
    }
  } finally {
    // Ending the session releases the lock even when the unlock above failed.
    await client.end().catch(() => {});
  }
}

/**
 * Sends the write's one statement, which commits on its own, when the request's budget still
 * covers the whole statement_timeout: it then ends, committed or cancelled (504), within the
 * budget, and the budget waits for its outcome instead of answering 504 about a change that was
 * made. NOT_NOW when it was not sent (the request is already too far into its budget), or when its
 * rows say it wrote nothing.
 */
async function sendAtOnce<T>(
  autocommit: Autocommit,
  budget: RequestBudget,
  write: OneStatementWrite<T>,
): Promise<T | NotNow> {
  const statement = write.asOneStatement();
  let committing = false;
  try {
    const rows = await autocommit.run<unknown>(statement.sql, statement.params, () => {
      committing = budget.remainingMs >= autocommit.statementTimeoutMs && budget.beginCommit();
      return committing;
    });
    return rows === undefined ? NOT_NOW : write.fromRows(rows);
  } catch (error) {
    if (isPgStatementTimeout(error)) throw new AppError("request_timeout");
    throw error;
  } finally {
    if (committing) budget.endCommit();
  }
}

/** Opens `postgres://…`: a pool of `poolSize` connections, each with statement_timeout. */
export function openPostgresDatabase(url: string, options: DatabaseOptions = {}): PostgresDatabase {
  const queries = new QueryCounter();
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5_000,
  });
  // Without a listener, an idle connection that the server ends (restart, failover, a terminated
  // backend) is an uncaught 'error' that takes the whole process down; the pool drops that
  // connection and the next query opens a fresh one.
  pool.on("error", (error) => options.onPoolError?.(error));
  // The same for a connection that is checked out but between queries when the server goes
  // away: pg emits on the client itself, and the next query on it fails instead.
  pool.on("connect", (client) => client.on("error", (error) => options.onPoolError?.(error)));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: countKyselyQueries(queries) });
  const autocommit = pgAutocommit(pool, queries, options.statementTimeoutMs ?? 0);
  return {
    ...POSTGRES_DIALECT,
    db,
    dialect: "postgres",
    queries,
    reads: pgPoolRawSql(pool, queries),
    inTransaction: (trx) => kyselyPgRawSql(trx),
    // Row locks order the writers of one row; the rest run side by side.
    runInTransaction: (budget, work) => attemptTransaction(db, budget, work),
    writeNow: (budget, write) => sendAtOnce(autocommit, budget, write),
    writeSteps: (budget, steps) =>
      attemptTransaction(db, budget, (trx) => runStepsAwaiting(steps(), kyselyPgRawSql(trx))),
    runSequenced: (budget, work, skipped) =>
      attemptTransaction(db, budget, async (trx) => {
        const { rows } = await sql<{
          taken: boolean;
        }>`select pg_try_advisory_xact_lock(hashtext(${SEQUENCER_LOCK})) as "taken"`.execute(trx);
        return rows[0]?.taken === true ? work.transaction(kyselyPgRawSql(trx)) : skipped;
      }),
    refreshStatistics: async (table) => {
      queries.record();
      await pool.query(`analyze "${table}"`);
    },
    dataDir: resolve("data"),
    withMigrationLock: (work) => withPgAdvisoryLock(url, MIGRATION_LOCK, work),
    close: () => db.destroy(),
  };
}
