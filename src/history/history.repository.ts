import type { Db } from "../db/database.js";
import type { Statement } from "../db/raw-sql.js";

/** Changed fields of one write, API names and API values: `{field: {from, to}}`. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface HistoryEntry {
  userId: string;
  at: Date;
  actorId: string;
  requestId: string;
  changes: FieldChanges;
}

const HISTORY_TABLE = '"user_history" ("user_id", "at", "actor_id", "request_id", "changes")';
const INSERT_HISTORY = `insert into ${HISTORY_TABLE} values (?, ?, ?, ?, ?)`;

const historyParams = (entry: HistoryEntry) => [
  entry.userId,
  entry.at.toISOString(),
  entry.actorId,
  entry.requestId,
  JSON.stringify(entry.changes),
];

/** Records one change; run inside the transaction that made it. */
export const insertHistoryEntry = (entry: HistoryEntry): Statement => ({
  sql: INSERT_HISTORY,
  params: historyParams(entry),
});

/**
 * `update` (a statement that returns the rows it wrote) and the history entry that records it, as
 * one statement (PostgreSQL's data-modifying CTEs): the entry is written once per row `update`
 * returns, so not at all when it wrote nothing. Its rows are `update`'s.
 */
export function withHistoryEntry(update: Statement, entry: HistoryEntry): Statement {
  return {
    sql:
      `with "updated" as (${update.sql}), ` +
      `"entry" as (insert into ${HISTORY_TABLE} select ?, ?, ?, ?, ? from "updated") select * from "updated"`,
    params: [...update.params, ...historyParams(entry)],
  };
}

/** A page of a user's history, newest first, strictly older than `beforeSeq` when given. */
export async function listHistory(db: Db, userId: string, limit: number, beforeSeq: number | undefined) {
  let query = db.selectFrom("user_history").selectAll().where("user_id", "=", userId);
  if (beforeSeq !== undefined) query = query.where("seq", "<", beforeSeq);
  return query.orderBy("seq", "desc").limit(limit).execute();
}
