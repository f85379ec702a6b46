import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Mutex } from "async-mutex";
import { Kysely, SqliteDialect, sql } from "kysely";
import { AppError } from "../errors/app-error.js";
import type { RequestBudget } from "../http/request-budget.js";
import { NOT_NOW, type NotNow, type StepsWrite } from "./at-once-write.js";
import type { Database, DatabaseOptions, SqlDialect } from "./database.js";
import { type ControlStatement, GroupCommit } from "./group-commit.js";
import { countKyselyQueries, QueryCounter } from "./query-counter.js";
import {
  asRawSql,
  kyselyRawSql,
  type RawSql,
  runStepsAwaiting,
  runStepsNow,
  type SyncSql,
  sqliteReads,
  sqliteSyncSql,
} from "./raw-sql.js";
import type { DB } from "./schema.js";
import { forKysely, isSqliteBusy, openSqliteReader, openSqliteWriter } from "./sqlite-connection.js";
import { attemptTransaction } from "./transaction.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

/** The SQLite database; its own tests look at the group commit under writeNow. */
export interface SqliteDatabase extends Database {
  group: GroupCommit;
  /** Only the write's steps are needed here. */
  writeNow<T>(budget: RequestBudget, write: StepsWrite<T>): Promise<T | NotNow>;
}

// SQLite binds neither booleans nor Dates: 0/1 and ISO text, as Better Auth stores them.
const SQLITE_DIALECT: SqlDialect = {
  encode: {
    boolean: (value) => Number(value),
    date: (value) => value.toISOString(),
    value: (value) =>
      typeof value === "boolean" ? Number(value) : value instanceof Date ? value.toISOString() : value,
  },
  // The stored text is already ISO 8601 at its full precision, and compares as it sorts.
  isoTimestamp: (column) => sql<string>`${sql.ref(column)}`,
  // A transaction that writes holds SQLite's one write lock: nobody else can change the row.
  forUpdate: (query) => query,
  skipLocked: () => "",
};

// How long a start-up waits for another process's migrations before giving up.
const MIGRATION_WAIT_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the migrations in one BEGIN IMMEDIATE transaction on the app's own connection (SQLite's
 * DDL is transactional, so it also applies all or nothing). A second process, or a second
 * connection in this one, waits for the write lock, asynchronously, then finds nothing to do.
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

/** Opens `file:PATH` (or `file::memory:`): the writer, a reader, and on a file the WAL checkpointer. */
export function openSqliteDatabase(url: string, options: DatabaseOptions = {}): SqliteDatabase {
  const queries = new QueryCounter();
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
    log: countKyselyQueries(queries),
  });
  const writerSql = sqliteSyncSql(writer, queries);
  // Inside a transaction Kysely holds the writer for it (its driver's lock), so statements run
  // straight on that connection belong to that transaction and nobody else's.
  const inTransaction = asRawSql(writerSql);
  // One writer at a time: this process's write transactions queue here, first come first served,
  // so that only one of them waits on another process's lock and reads are never starved by many
  // writers retrying at once.
  const writeGate = new Mutex();

  /**
   * The write's steps at once, in this one call, in the group transaction of this turn of the
   * event loop (group-commit.ts); resolves after that commits. NOT_NOW (nothing written) when the
   * writer is taken by someone else's transaction, when another process holds the write lock, or
   * when the steps themselves answer NOT_NOW (their savepoint is rolled back). Nothing else can
   * run between the steps, so they need neither the write gate nor Kysely's connection lock: a
   * PATCH's three statements cost no more than the statements themselves, and a share of one commit.
   */
  async function writeNow<T>(budget: RequestBudget, write: StepsWrite<T>): Promise<T | NotNow> {
    // Someone else's transaction is open (queued writes hold the gate; Better Auth may hold Kysely's).
    if (writeGate.isLocked() || (writerInTransaction() && !group.open)) return NOT_NOW;
    budget.check();
    try {
      group.begin();
    } catch (error) {
      if (isSqliteBusy(error)) return NOT_NOW;
      throw error;
    }
    group.savepoint();
    let result: T | NotNow;
    try {
      result = write.runSteps(writerSql, group.written);
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

  /** Database.runSequenced: at once in the group commit, else in a queued transaction. */
  async function runSequenced<T>(
    budget: RequestBudget,
    work: { steps(sql: SyncSql): T; transaction(sql: RawSql): Promise<T> },
  ): Promise<T> {
    const done = await writeNow(budget, { runSteps: (sql) => work.steps(sql) });
    if (done !== NOT_NOW) return done;
    return writeGate.runExclusive(() => attemptTransaction(db, budget, () => work.transaction(inTransaction)));
  }

  return {
    ...SQLITE_DIALECT,
    db,
    dialect: "sqlite",
    queries,
    reads: reader ? sqliteReads(writerSql, sqliteSyncSql(reader, queries), writerInTransaction) : kyselyRawSql(db),
    inTransaction: () => inTransaction,
    runInTransaction: (budget, work) => writeGate.runExclusive(() => attemptTransaction(db, budget, work)),
    writeNow,
    writeSteps: (budget, steps) =>
      runSequenced(budget, {
        steps: (sql) => runStepsNow(steps(), sql),
        transaction: (sql) => runStepsAwaiting(steps(), sql),
      }),
    // One writer at a time makes every write the only sequencer while it runs.
    runSequenced,
    group,
    refreshStatistics: async () => {},
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
