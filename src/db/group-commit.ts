import type { RequestBudget } from "../http/request-budget.js";
import { isSqliteBusy } from "./sqlite-connection.js";

/** Transaction control on the writer connection (not counted as SQL statements). */
export type ControlStatement =
  | "begin immediate"
  | "commit"
  | "rollback"
  | "savepoint request"
  | "release request"
  | "rollback to request";

export interface WriterControl {
  run(statement: ControlStatement): void;
  inTransaction(): boolean;
}

interface Waiter {
  budget: RequestBudget;
  resolve(committed: boolean): void;
  reject(error: unknown): void;
}

/**
 * SQLite group commit. BEGIN and COMMIT were the largest part of a PATCH on SQLite: locking, then
 * three WAL pages written (the user's row, the history row and its index); 36 % of the main thread
 * in a profile before this. Ten PATCHes in one transaction cost about a third each of what they
 * cost alone (a better-sqlite3 loop of the same statements: 25 against 77 µs). So the writes of
 * the requests that reach the writer in one turn of the event loop share one transaction: the
 * first opens it, each runs in a savepoint of its own (so one that fails is undone alone), and it
 * commits once, at `setImmediate`, or earlier as soon as anything else needs the connection
 * (`flush`: Kysely's queries, Better Auth's, a transaction of runInTransaction, shutdown).
 * Nobody is answered before the commit: `keep` resolves only after it, and if it fails, every
 * write in it fails, so no client is ever told of a write that was not kept.
 *
 * While the group is open, reads outside it go to the read-only connection, which sees committed
 * data only (raw-sql.ts `sqliteReads`); an in-memory database has none, and its reads go through
 * Kysely, which commits the group first.
 */
export class GroupCommit {
  #open = false;
  #waiters: Waiter[] = [];
  /**
   * Rows as the open transaction has written them, by key: a later write in the same group starts
   * from these instead of reading again (the same user PATCHed on several connections at once).
   * Forgotten when the group ends, and when any write in it is undone.
   */
  readonly written = new Map<string, unknown>();
  readonly #flushSoon = () => this.flush();

  constructor(private readonly writer: WriterControl) {}

  /** True while a group transaction is open on the writer. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Opens the group's transaction unless it is open already; throws SQLITE_BUSY as BEGIN does
   * when another process holds the write lock.
   */
  begin(): void {
    if (this.#open && this.writer.inTransaction()) return;
    // SQLite itself rolls back the whole transaction on some errors (disk full, I/O): that
    // group's requests are told by its failed commit before a new one opens.
    this.flush();
    this.writer.run("begin immediate");
    this.#open = true;
    setImmediate(this.#flushSoon);
  }

  /** Starts one request's work: a savepoint of the open group. */
  savepoint(): void {
    this.writer.run("savepoint request");
  }

  /** Undoes the current request's work alone; the group stays open. */
  undo(): void {
    this.written.clear();
    if (!this.writer.inTransaction()) return; // SQLite rolled back the whole group (see begin)
    this.writer.run("rollback to request");
    this.writer.run("release request");
  }

  /**
   * Keeps the current request's work in the group. Resolves once the group is over: true when it
   * committed, false when SQLite was busy and it rolled back (nothing of it was written); rejects
   * when the commit failed otherwise. `budget` is in its commit (beginCommit) until then.
   */
  keep(budget: RequestBudget): Promise<boolean> {
    this.writer.run("release request");
    return new Promise<boolean>((resolve, reject) => this.#waiters.push({ budget, resolve, reject }));
  }

  /** Commits the open group now, and tells every request in it. Nothing to do when none is open. */
  flush(): void {
    if (!this.#open) return;
    this.#open = false;
    this.written.clear();
    const waiters = this.#waiters;
    this.#waiters = [];
    let settle = (waiter: Waiter) => waiter.resolve(true);
    try {
      this.writer.run("commit");
    } catch (error) {
      settle = isSqliteBusy(error) ? (waiter) => waiter.resolve(false) : (waiter) => waiter.reject(error);
    }
    try {
      if (this.writer.inTransaction()) this.writer.run("rollback");
    } catch {
      // The commit's own error already reaches every request of the group.
    }
    for (const waiter of waiters) {
      waiter.budget.endCommit();
      settle(waiter);
    }
  }
}
