import type { Statement, SyncSql } from "./raw-sql.js";

/** What Database.writeNow answers when it could not make the write without waiting: nothing was written. */
export const NOT_NOW = Symbol("not now");
export type NotNow = typeof NOT_NOW;

/**
 * A write as statements run one after another, synchronously, in a transaction nobody else can
 * enter meanwhile (SQLite: this turn's group commit, the write lock held, so what they read is
 * final). `written` holds the rows earlier writes of the same transaction recorded there, by key
 * (a user PATCHed on several connections at once); it is forgotten whenever a write is undone.
 * NOT_NOW gives up: whatever the steps did is undone, and the caller takes the full transaction.
 */
export interface StepsWrite<T> {
  runSteps(sql: SyncSql, written: Map<string, unknown>): T | NotNow;
}

/**
 * The same write as one statement that commits on its own (PostgreSQL: data-modifying CTEs), and
 * what its rows mean: NOT_NOW when they show that it wrote nothing.
 */
export interface OneStatementWrite<T> {
  asOneStatement(): Statement;
  fromRows(rows: unknown[]): T | NotNow;
}

/**
 * A write a request would make at once, without queueing for a transaction of its own
 * (Database.writeNow). It says how in both ways a database can do that, and each database runs the
 * one it has, so the caller never asks which database it is on. Built per request as one object
 * (a class instance: its methods are on the prototype, so no closure is made per write).
 */
export type AtOnceWrite<T> = StepsWrite<T> & OneStatementWrite<T>;
