import SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

export type SqliteSynchronous = "normal" | "full";

/** SQLITE_BUSY and its variants: another connection or process holds the lock. */
export const isSqliteBusy = (error: unknown) =>
  String((error as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY");

/**
 * SQLite's page cache per connection, in KiB: SQLite's own default (2,000). better-sqlite3 builds
 * SQLite with 16,000, so each of the server's three connections (writer, reader, WAL checkpoint
 * worker) could hold 16 MB of pages: under the benchmark's PATCH load the process grew by about
 * 16 MB more (126 against 142 MB after 60 s), for no measurable speed (a PATCH touches a dozen
 * pages; the reader's cache is emptied by every commit anyway; the OS caches the file).
 */
export const PAGE_CACHE_KIB = 2000;

// Prepared statements kept per SQL text. Our queries come in a few dozen shapes (an UPDATE's
// shape is its set of changed columns); past this many, the oldest is dropped.
const STATEMENT_CACHE_SIZE = 256;

/** One better-sqlite3 connection and its prepared statements, kept per SQL text. */
export interface SqliteConnection {
  handle: SQLite.Database;
  /** The statement as better-sqlite3 prepares it (rows as objects): Kysely's and transaction control. */
  statement(sql: string): SQLite.Statement;
  /** The hot path's: runs `sql`, rows built from arrays (see `toObjects`); [] for a statement without rows. */
  rows<R>(sql: string, params: readonly unknown[]): R[];
  close(): void;
}

/** A prepared statement in raw mode (rows as arrays) and its result's column names. */
interface RawStatement {
  statement: SQLite.Statement;
  columns: string[] | null;
}

// better-sqlite3 builds each row object in C++, a property at a time (a user row has 38
// columns): 14-21 µs for the authentication read against 9 µs as an array turned into an object
// here, where every row of a statement gets the same shape. Same objects: plain, the last of two
// equal column names wins. The hot path's reads and its UPDATE … RETURNING run this way.
function toObjects<R>(arrays: unknown[][], columns: string[]): R[] {
  const rows = new Array<R>(arrays.length);
  for (let i = 0; i < arrays.length; i++) {
    const values = arrays[i] as unknown[];
    const row: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) row[columns[j] as string] = values[j];
    rows[i] = row as R;
  }
  return rows;
}

// `prepare` takes the SQL rather than closing over it: no closure made per statement run.
function cached<T>(cache: Map<string, T>, sql: string, prepare: (sql: string) => T): T {
  let entry = cache.get(sql);
  if (entry === undefined) {
    entry = prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, entry);
  }
  return entry;
}

function withStatementCache(handle: SQLite.Database): SqliteConnection {
  // Two caches: Kysely shares the first and expects objects, so a statement's mode never changes.
  const statements = new Map<string, SQLite.Statement>();
  const rawStatements = new Map<string, RawStatement>();
  const prepareObjects = (sql: string) => handle.prepare(sql);
  const prepareRaw = (sql: string): RawStatement => {
    const statement = handle.prepare(sql);
    if (!statement.reader) return { statement, columns: null };
    return { statement: statement.raw(true), columns: statement.columns().map((column) => column.name) };
  };
  return {
    handle,
    statement: (sql) => cached(statements, sql, prepareObjects),
    rows<R>(sql: string, params: readonly unknown[]): R[] {
      const { statement, columns } = cached(rawStatements, sql, prepareRaw);
      if (columns === null) {
        statement.run(...params);
        return [];
      }
      return toObjects<R>(statement.all(...params) as unknown[][], columns);
    },
    close() {
      statements.clear();
      rawStatements.clear();
      handle.close();
    },
  };
}

/**
 * Opens the SQLite file the app writes through: WAL, foreign keys, a short busy wait (see
 * transaction.ts) and a cache of prepared statements (Kysely's driver prepares every query anew;
 * compiling SQL was a tenth of a PATCH).
 */
export function openSqliteWriter(
  file: string,
  options: { busyTimeoutMs: number; synchronous: SqliteSynchronous },
): SqliteConnection {
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer. synchronous=NORMAL (in WAL) keeps every acknowledged
  // write through a crash of the process; FULL also through a crash of the machine, at one fsync
  // per commit (see README, Durability).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return withStatementCache(sqlite);
}

/**
 * A second, read-only connection to the same file, for reads outside transactions (the
 * authentication read of every request). In WAL it sees committed data only and never waits for
 * the writer, where the writer's connection could be inside someone's open transaction.
 */
export function openSqliteReader(file: string, options: { busyTimeoutMs: number }): SqliteConnection {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return withStatementCache(sqlite);
}

/**
 * The writer connection as Kysely's SqliteDialect wants it, sharing the statement cache.
 * `beforeStatement` runs before each of Kysely's statements (its driver prepares, then runs at
 * once, synchronously).
 */
export function forKysely(connection: SqliteConnection, beforeStatement: () => void): SqliteDatabase {
  return {
    // The one connection is used by one query at a time (Kysely's driver serialises it), so a
    // cached statement is never run twice at once.
    prepare: (sql: string) => {
      beforeStatement();
      return connection.statement(sql) as unknown as SqliteStatement;
    },
    close: () => connection.close(),
  };
}
