import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type pg from "pg";
import type { QueryCounter } from "./query-counter.js";
import type { DB } from "./schema.js";
import type { SqliteConnection } from "./sqlite-connection.js";

/**
 * Runs SQL written once, by hand, for the hot path (the authentication read and a PATCH's
 * writes): no query builder, no compiling per request. `sql` is a constant of ours or built from
 * our column catalog, with `?` for each parameter (turned into `$1…` for PostgreSQL); values only
 * ever travel as parameters. Every statement is counted.
 */
export interface RawSql {
  rows<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
}

/** A statement and its parameters, built once and run by a RawSql or a SyncSql. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The same, answered at once: SQLite's statements run synchronously. */
export interface SyncSql {
  rows<R>(sql: string, params: readonly unknown[]): R[];
}

/**
 * A write as statements run one after another, each chosen from the rows of the last: each
 * `yield` hands one statement over and gets its rows back; the generator returns the result.
 * Written once, it runs synchronously on SQLite (runStepsNow) or awaiting each statement in a
 * transaction (runStepsAwaiting).
 */
export type StatementSteps<T> = Generator<Statement, T, unknown[]>;

export function runStepsNow<T>(steps: StatementSteps<T>, sql: SyncSql): T {
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(sql.rows(step.value.sql, step.value.params));
  }
}

export async function runStepsAwaiting<T>(steps: StatementSteps<T>, sql: RawSql): Promise<T> {
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(await sql.rows(step.value.sql, step.value.params));
  }
}

/** SQLite: a prepared statement on one connection. */
export function sqliteSyncSql(connection: SqliteConnection, queries: QueryCounter): SyncSql {
  return {
    rows<R>(sql: string, params: readonly unknown[]) {
      queries.record();
      return connection.rows<R>(sql, params);
    },
  };
}

/** A SyncSql seen as a RawSql. */
export const asRawSql = (sync: SyncSql): RawSql => ({ rows: async (sql, params) => sync.rows(sql, params) });

/**
 * SQLite reads of committed data: on the writer's connection while no transaction is open on it
 * (its page cache is warm: a second connection re-reads changed pages after every commit, which
 * made the authentication read cost 12 % of a PATCH), on the read-only connection while one is.
 */
export function sqliteReads(onWriter: SyncSql, onReader: SyncSql, writerInTransaction: () => boolean): RawSql {
  return {
    rows: async (sql, params) => (writerInTransaction() ? onReader : onWriter).rows(sql, params),
  };
}

type PgStatement = { name: string; text: string };

// PostgreSQL plans a named statement once per connection; a name is handed out per SQL text.
// Their results name their columns (never `*`): a named `select "user".*` fails with "cached plan
// must not change result type" once another instance's migration adds a column to the table.
const pgStatements = new Map<string, PgStatement>();
function pgStatement(sql: string): PgStatement {
  let statement = pgStatements.get(sql);
  if (!statement) {
    let n = 0;
    statement = { name: `valara_${pgStatements.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    pgStatements.set(sql, statement);
  }
  return statement;
}

/** PostgreSQL, outside transactions: a named (prepared) statement on any pooled connection. */
export function pgPoolRawSql(pool: pg.Pool, queries: QueryCounter): RawSql {
  return {
    async rows<R>(sql: string, params: readonly unknown[]) {
      queries.record();
      const result = await pool.query({ ...pgStatement(sql), values: params as unknown[] });
      return result.rows as R[];
    },
  };
}

/** Through Kysely (inside one of its transactions, or on its connection); counted by its log. */
export function kyselyRawSql(db: Kysely<DB> | Transaction<DB>): RawSql {
  return {
    async rows<R>(sql: string, params: readonly unknown[]) {
      const result = await db.executeQuery<R>(CompiledQuery.raw(sql, params as unknown[]));
      return result.rows as R[];
    },
  };
}

/** The same on PostgreSQL, with the `?` numbered as `$1…`. */
export function kyselyPgRawSql(db: Kysely<DB> | Transaction<DB>): RawSql {
  return {
    async rows<R>(sql: string, params: readonly unknown[]) {
      const result = await db.executeQuery<R>(CompiledQuery.raw(pgStatement(sql).text, params as unknown[]));
      return result.rows as R[];
    },
  };
}

/**
 * PostgreSQL: one statement that is its own transaction, on a connection checked out first;
 * `send()` decides, once the connection is in hand, whether the statement goes (undefined if not).
 */
export interface Autocommit {
  /** statement_timeout of every connection: no statement runs longer. */
  statementTimeoutMs: number;
  run<R>(sql: string, params: readonly unknown[], send: () => boolean): Promise<R[] | undefined>;
}

export function pgAutocommit(pool: pg.Pool, queries: QueryCounter, statementTimeoutMs: number): Autocommit {
  return {
    statementTimeoutMs,
    async run<R>(sql: string, params: readonly unknown[], send: () => boolean) {
      const client = await pool.connect();
      try {
        if (!send()) return undefined;
        queries.record();
        const result = await client.query({ ...pgStatement(sql), values: params as unknown[] });
        return result.rows as R[];
      } finally {
        client.release();
      }
    },
  };
}
