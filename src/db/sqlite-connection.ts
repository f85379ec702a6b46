import SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

export type SqliteSynchronous = "normal" | "full";

// Prepared statements kept per SQL text. Our queries come in a few dozen shapes (an UPDATE's
// shape is its set of changed columns); past this many, the oldest is dropped.
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens a SQLite file for Kysely: WAL, foreign keys, a short busy wait, and a cache of prepared
 * statements (Kysely's driver prepares every query anew; compiling SQL was a tenth of a PATCH).
 * The one connection is used by one query at a time (Kysely's driver serialises it), so a cached
 * statement is never run twice at once.
 */
export function openSqliteConnection(
  file: string,
  options: { busyTimeoutMs: number; synchronous: SqliteSynchronous },
): SqliteDatabase {
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer. synchronous=NORMAL (in WAL) keeps every acknowledged
  // write through a crash of the process; FULL also through a crash of the machine, at one fsync
  // per commit (see README, Durability).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => {
      statements.clear();
      sqlite.close();
    },
  };
}
