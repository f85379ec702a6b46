import SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

export type SqliteSynchronous = "normal" | "full";

/** SQLITE_BUSY and its variants: another connection or process holds the lock. */
export const isSqliteBusy = (error: unknown) =>
  String((error as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY");

// Prepared statements kept per SQL text. Our queries come in a few dozen shapes (an UPDATE's
// shape is its set of changed columns); past this many, the oldest is dropped.
const STATEMENT_CACHE_SIZE = 256;

/** One better-sqlite3 connection and its prepared statements, kept per SQL text. */
export interface SqliteConnection {
  handle: SQLite.Database;
  statement(sql: string): SQLite.Statement;
  close(): void;
}

function withStatementCache(handle: SQLite.Database): SqliteConnection {
  const statements = new Map<string, SQLite.Statement>();
  return {
    handle,
    statement(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = handle.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
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
