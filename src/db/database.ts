import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Mutex } from "async-mutex";
import SQLite from "better-sqlite3";
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { DB } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

// BEGIN, COMMIT, ROLLBACK and savepoints are transaction control, which the contract's statement
// budget sets aside; they are not counted.
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start transaction)\b/i;

/**
 * Counts every SQL statement the process runs (ours and Better Auth's: they share this Kysely),
 * transaction control aside.
 */
export class QueryCounter {
  total = 0;
  private readonly listeners = new Set<() => void>();

  record() {
    this.total++;
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` on each statement until the returned function is called. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /**
   * SQLite has one writer at a time; this process's write transactions queue here, first come
   * first served, so that only one of them waits on another process's lock and reads are never
   * starved by many writers retrying at once. Null on PostgreSQL (row locks do this there).
   */
  writeGate: Mutex | null;
  queries: QueryCounter;
  /** Folder for local state (the generated dev secret): beside the SQLite file, or ./data. */
  dataDir: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Milliseconds SQLite waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** PostgreSQL: no statement may run longer than this (the request budget). */
  statementTimeoutMs?: number;
}

function sqliteFile(url: string): string {
  const path = url.slice("file:".length);
  return path === ":memory:" ? path : resolve(path);
}

/** Opens the database named by DATABASE_URL (`file:PATH` or `postgres://…`). */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const queries = new QueryCounter();
  const log = (event: LogEvent) => {
    if (!TRANSACTION_CONTROL.test(event.query.sql)) queries.record();
  };
  if (url.startsWith("file:")) {
    const file = sqliteFile(url);
    const dataDir = file === ":memory:" ? resolve("data") : dirname(file);
    mkdirSync(dataDir, { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets readers run beside the writer; FULL syncs every commit so an acknowledged write
    // survives a crash of the machine, not just of the process.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), log });
    return { db, dialect: "sqlite", writeGate: new Mutex(), queries, dataDir, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5_000,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
  return { db, dialect: "postgres", writeGate: null, queries, dataDir: resolve("data"), close: () => db.destroy() };
}
