import type { Kysely, RawBuilder, Transaction } from "kysely";
import type { RequestBudget } from "../http/request-budget.js";
import type { AtOnceWrite, NotNow } from "./at-once-write.js";
import type { QueryCounter } from "./query-counter.js";
import type { RawSql, StatementSteps, SyncSql } from "./raw-sql.js";
import type { DB, DbBoolean, DbDate } from "./schema.js";
import type { SqliteSynchronous } from "./sqlite-connection.js";

export type DialectName = "sqlite" | "postgres";

/** Kysely, outside a transaction or inside one: what repositories take first. */
export type Db = Kysely<DB> | Transaction<DB>;

/**
 * How values are bound to columns. SQLite stores booleans as 0/1 and dates as ISO text (as
 * Better Auth writes them); PostgreSQL as boolean and timestamptz. Reading needs no counterpart:
 * `truthy` and `new Date` take either form.
 */
export interface ValueEncoding {
  boolean(value: boolean): DbBoolean;
  date(value: Date): DbDate;
  /** Any value bound as a parameter: booleans and dates encoded as above, anything else as it is. */
  value(value: unknown): unknown;
}

/** A query that can lock the rows it reads (Kysely's select builder). */
export interface Lockable<Q> {
  forUpdate(): Q;
}

/**
 * What a repository needs to write one query for both databases: how values are stored, the SQL
 * expressions that differ, and row locks. Repositories take it after `db` (the Database itself
 * is one); none of them asks which database it is on.
 */
export interface SqlDialect {
  encode: ValueEncoding;
  /**
   * A timestamp column as ISO 8601 UTC text at the column's full precision, so that it can be
   * handed back verbatim (a list cursor): SQLite's stored text as it is; PostgreSQL's
   * microseconds, which a JS Date would cut to milliseconds.
   */
  isoTimestamp(column: string): RawBuilder<string>;
  /**
   * Locks the rows `query` reads until its transaction ends: FOR UPDATE on PostgreSQL; nothing on
   * SQLite, where a writing transaction holds the database's one write lock already.
   */
  forUpdate<Q extends Lockable<Q>>(query: Q): Q;
  /**
   * The tail of a select that claims rows for one worker: `FOR UPDATE OF alias SKIP LOCKED` on
   * PostgreSQL (workers of several instances claim different rows without waiting on each other);
   * nothing on SQLite, where the claiming statement holds the one write lock.
   */
  skipLocked(alias: string): string;
}

/**
 * The database, SQLite (sqlite-database.ts) or PostgreSQL (postgres-database.ts), as the rest of
 * the app sees it; open-database.ts chooses one from DATABASE_URL. Everything that differs between
 * the two is behind these members, so services and repositories read the same on both.
 *
 * Sequencing (issue 18): feed positions are assigned in commit order by one relay at a time
 * (`runSequenced`), after the changes they number have committed; see webhooks/webhook-relay.ts.
 */
export interface Database extends SqlDialect {
  db: Kysely<DB>;
  /** For Better Auth's `database.type` and our migrations' column types; nothing else branches on it. */
  dialect: DialectName;
  queries: QueryCounter;
  /** Hand-written SQL outside transactions, on committed data (SQLite: its own read connection). */
  reads: RawSql;
  /** Hand-written SQL inside `trx`, a transaction of runInTransaction. */
  inTransaction(trx: Transaction<DB>): RawSql;
  /**
   * Runs `work` in one transaction that commits only while the request's budget lasts; otherwise
   * it rolls back and throws 504 request_timeout. Nothing is ever half-written. SQLite: this
   * process's write transactions queue first come first served (one writer at a time).
   */
  runInTransaction<T>(budget: RequestBudget, work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Makes `write` at once, without queueing, and resolves once it has committed; NOT_NOW (nothing
   * written) when that cannot be done now: the caller then takes runInTransaction. SQLite runs its
   * steps in this turn's group commit while the writer is free; PostgreSQL sends its one statement
   * while the request's budget still covers the whole statement_timeout.
   */
  writeNow<T>(budget: RequestBudget, write: AtOnceWrite<T>): Promise<T | NotNow>;
  /**
   * Runs `steps` (statements, each chosen from the rows of the last) as one write of background
   * work: SQLite runs them synchronously inside this turn's group commit when the writer is free
   * (no transaction of its own: the commit is shared with the requests' writes), else in a queued
   * transaction; PostgreSQL awaits each in a transaction. `steps` may be called twice (the second
   * time after the first was undone), so it must start from nothing.
   */
  writeSteps<T>(budget: RequestBudget, steps: () => StatementSteps<T>): Promise<T>;
  /**
   * Runs one step of the sequencer (the webhook relay) as the only sequencer: SQLite runs
   * `work.steps` synchronously inside this turn's group commit (no transaction of its own, no
   * await while the write lock is held) when the writer is free, else `work.transaction` in a
   * queued transaction; PostgreSQL runs `work.transaction` in a transaction holding the
   * sequencer's advisory lock, or answers `skipped` when another instance holds it.
   */
  runSequenced<T>(
    budget: RequestBudget,
    work: { steps(sql: SyncSql): T; transaction(sql: RawSql): Promise<T> },
    skipped: T,
  ): Promise<T>;
  /**
   * Refreshes the planner's statistics of `table` (PostgreSQL: ANALYZE, which samples at most
   * 30,000 rows). The delivery claim's plan depends on them: without any (a fresh table on a
   * cluster whose autovacuum is off, as on the machine this was measured on), PostgreSQL planned
   * its walk over the users with full index scans, 17 ms a claim at 4,000 pending against under
   * 2 ms with them (an earlier form of the claim: 46 ms against 0.3). Nothing on SQLite, where
   * the claim's plan holds without them.
   */
  refreshStatistics(table: string): Promise<void>;
  /** Folder for local state (the generated dev secret): beside the SQLite file, or ./data. */
  dataDir: string;
  /**
   * Runs `work` (the migrations) while no other process does: on PostgreSQL it holds an advisory
   * lock on a connection of its own; on SQLite, the database's write lock.
   */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite durability: NORMAL (survives process crashes) or FULL (machine crashes too). */
  sqliteSynchronous?: SqliteSynchronous;
  /** Milliseconds SQLite waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** PostgreSQL: no statement may run longer than this (within the request budget). */
  statementTimeoutMs?: number;
  /** PostgreSQL: an idle pooled connection failed (server restart, terminated backend). */
  onPoolError?: (error: Error) => void;
  /**
   * SQLite file: checkpoint the WAL in a worker thread instead of on the committing connection
   * (the server; a CLI command is over before it would matter). Failures go to the callback.
   */
  walCheckpointer?: { onError(message: string): void };
}
