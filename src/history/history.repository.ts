import type { Statement } from "../db/raw-sql.js";
import type { Db } from "../users/users.repository.js";

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

/** The same, once per row of `source` (a name the statement around it gives): none if it has none. */
export const insertHistoryEntryPerRow = (source: string, entry: HistoryEntry): Statement => ({
  sql: `insert into ${HISTORY_TABLE} select ?, ?, ?, ?, ? from "${source}"`,
  params: historyParams(entry),
});

/** A page of a user's history, newest first, strictly older than `beforeSeq` when given. */
export async function listHistory(db: Db, userId: string, limit: number, beforeSeq: number | undefined) {
  let query = db.selectFrom("user_history").selectAll().where("user_id", "=", userId);
  if (beforeSeq !== undefined) query = query.where("seq", "<", beforeSeq);
  return query.orderBy("seq", "desc").limit(limit).execute();
}
