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

/** Records one change; called inside the transaction that made it. */
export async function insertHistoryEntry(db: Db, entry: HistoryEntry): Promise<void> {
  await db
    .insertInto("user_history")
    .values({
      user_id: entry.userId,
      at: entry.at.toISOString(),
      actor_id: entry.actorId,
      request_id: entry.requestId,
      changes: JSON.stringify(entry.changes),
    })
    .execute();
}

/** A page of a user's history, newest first, strictly older than `beforeSeq` when given. */
export async function listHistory(db: Db, userId: string, limit: number, beforeSeq: number | undefined) {
  let query = db.selectFrom("user_history").selectAll().where("user_id", "=", userId);
  if (beforeSeq !== undefined) query = query.where("seq", "<", beforeSeq);
  return query.orderBy("seq", "desc").limit(limit).execute();
}
