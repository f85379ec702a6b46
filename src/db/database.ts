import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { Mutex } from "async-mutex";
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from "kysely";
import type pg from "pg";
import { type ControlStatement, GroupCommit } from "./group-commit.js";
import { countKyselyQueries, QueryCounter } from "./query-counter.js";
import {
  type Autocommit,
  asRawSql,
  kyselyRawSql,
  pgAutocommit,
  pgPoolRawSql,
  type RawSql,
  type SyncSql,
  sqliteReads,
  sqliteSyncSql,
} from "./raw-sql.js";
import type { DB } from "./schema.js";
import {
  forKysely,
  isSqliteBusy,
  openSqliteReader,
  openSqliteWriter,
  type SqliteSynchronous,
} from "./sqlite-connection.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

export type DialectName = "sqlite" | "postgres";

/** Kysely, outside a transaction or inside one: what repositories take first. */
export type Db = Kysely<DB> | Transaction<DB>;

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /**
   * SQLite has one writer at a time; this process's write transactions queue here, first come
   * first served, so that only one of them waits on another process's lock and reads are never
   * starved by many writers retrying at once. Null on PostgreSQL (row locks do this there).
   */
  writeGate: Mutex | null;
  /** SQLite's writer connection, for transactions run start to end at once (transactionNow). */
  syncWriter: SyncWriter | null;
  /** PostgreSQL, for single statements that commit on their own (statementNow). */
  autocommit: Autocommit | null;
  queries: QueryCounter;
  /** Hand-written SQL outside transactions, on committed data (SQLite: its own read connection). */
  reads: RawSql;
  /** Hand-written SQL inside `trx`, a transaction of runInTransaction. */
  inTransaction(trx: Transaction<DB>): RawSql;
  /** Folder for local state (the generated dev secret): beside the SQLite file, or ./data. */
  dataDir: string;
  /**
   * Runs `work` (the migrations) while no other process does: on PostgreSQL it holds an advisory
   * lock on a connection of its own; on SQLite, the database's write lock.
   */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SyncWriter {
  sql: SyncSql;
  /** True while a transaction, anyone's, is open on the connection. */
  inTransaction(): boolean;
  /** The writes of one turn of the event loop, committed together (transactionNow). */
  group: GroupCommit;
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

// node-postgres is loaded only for a PostgreSQL database (some 15 MB that SQLite does not need).
const loadPg = (): typeof pg => createRequire(import.meta.url)("pg");

// One number for "valara-users is migrating this database", shared by every instance.
const MIGRATION_LOCK = "valara-users:migrate";

/**
 * Holds a session-level advisory lock on a dedicated connection (outside the pool, so a pool of
 * one cannot deadlock) while `work` runs; a second instance starting at the same moment waits
 * here, then finds nothing left to do. Better Auth's getMigrations has no lock of its own and
 * would race: both would plan `create table user` and one would fail.
 */
async function withPgAdvisoryLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new (loadPg().Client)({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // An error while the lock is held (the server went away) surfaces in the queries that follow.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext($1))", [MIGRATION_LOCK]);
    try {
      return await work();
    } finally {
      await client.query("select pg_advisory_unlock(hashtext($1))", [MIGRATION_LOCK]).catch(() => {});
    }
  } finally {
    // Ending the session releases the lock even when the unlock above failed.
    await client.end().catch(() => {});
  }
}

// How long a start-up waits for another process's migrations before giving up.
const MIGRATION_WAIT_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SQLite: runs the migrations in one BEGIN IMMEDIATE transaction on the app's own connection
 * (SQLite's DDL is transactional, so it also applies all or nothing). A second process, or a
 * second connection in this one, waits for the write lock, asynchronously, then finds nothing to do.
 */
async function withSqliteWriteLock<T>(db: Kysely<DB>, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (;;) {
    try {
      await sql`begin immediate`.execute(db);
      break;
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
  try {
    const result = await work();
    await sql`commit`.execute(db);
    return result;
  } catch (error) {
    await sql`rollback`.execute(db).catch(() => {});
    throw error;
  }
}

function sqliteFile(url: string): string {
  const path = url.slice("file:".length);
  return path === ":memory:" ? path : resolve(path);
}

/** Opens the database named by DATABASE_URL (`file:PATH` or `postgres://…`). */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const queries = new QueryCounter();
  const log = countKyselyQueries(queries);
  if (url.startsWith("file:")) {
    const file = sqliteFile(url);
    const onDisk = file !== ":memory:";
    const dataDir = onDisk ? dirname(file) : resolve("data");
    mkdirSync(dataDir, { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const writer = openSqliteWriter(file, { busyTimeoutMs, synchronous: options.sqliteSynchronous ?? "normal" });
    // After the writer: the file exists and is in WAL mode when the worker opens it.
    const checkpointer =
      onDisk && options.walCheckpointer ? startWalCheckpointer(file, options.walCheckpointer.onError) : null;
    const reader = onDisk ? openSqliteReader(file, { busyTimeoutMs }) : null;
    const writerInTransaction = () => writer.handle.inTransaction;
    const group = new GroupCommit({
      // Transaction control, not counted as statements.
      run: (statement: ControlStatement) => writer.statement(statement).run(),
      inTransaction: writerInTransaction,
    });
    // Whatever Kysely runs (Better Auth, runInTransaction, the rest of the app) commits an open
    // group first: it must neither join that transaction nor find it in its way.
    const db = new Kysely<DB>({
      dialect: new SqliteDialect({ database: forKysely(writer, () => group.flush()) }),
      log,
    });
    const writerSql = sqliteSyncSql(writer, queries);
    // Inside a transaction Kysely holds the writer for it (its driver's lock), so statements run
    // straight on that connection belong to that transaction and nobody else's.
    const inTransaction = asRawSql(writerSql);
    return {
      db,
      dialect: "sqlite",
      writeGate: new Mutex(),
      autocommit: null,
      syncWriter: {
        sql: writerSql,
        inTransaction: writerInTransaction,
        group,
      },
      queries,
      reads: reader
        ? sqliteReads(writerSql, sqliteSyncSql(reader, queries), writerInTransaction)
        : kyselyRawSql(db, "sqlite"),
      inTransaction: () => inTransaction,
      dataDir,
      withMigrationLock: (work) => withSqliteWriteLock(db, work),
      close: async () => {
        group.flush();
        await checkpointer?.stop();
        // The writer last: SQLite copies the WAL into the file and removes it when the last
        // connection closes, which a read-only one cannot do (and an open reader prevents).
        reader?.close();
        await db.destroy();
      },
    };
  }
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
  return {
    db,
    dialect: "postgres",
    writeGate: null,
    syncWriter: null,
    autocommit: pgAutocommit(pool, queries, options.statementTimeoutMs ?? 0),
    queries,
    reads: pgPoolRawSql(pool, queries),
    inTransaction: (trx) => kyselyRawSql(trx, "postgres"),
    dataDir: resolve("data"),
    withMigrationLock: (work) => withPgAdvisoryLock(url, work),
    close: () => db.destroy(),
  };
}
