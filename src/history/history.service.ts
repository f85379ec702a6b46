import type { Caller } from "../auth/credentials.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors/app-error.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { findUserById } from "../users/users.repository.js";
import { resolveUserId } from "../users/users.service.js";
import { type FieldChanges, listHistory } from "./history.repository.js";

export interface HistoryItem {
  id: string;
  at: string;
  actor_id: string;
  request_id: string;
  changes: FieldChanges;
}

const isPosition = (value: unknown): value is { seq: number } =>
  typeof value === "object" && value !== null && Number.isSafeInteger((value as { seq?: unknown }).seq);

/** A user's changes, newest first; owner or admin, anyone else 404 (ids cannot be probed). */
export async function readHistory(
  database: Database,
  secret: string,
  caller: Caller,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: HistoryItem[]; next_cursor: string | null }> {
  const id = resolveUserId(caller, userId);
  if (id !== caller.user.id && (!caller.isAdmin || !(await findUserById(database.db, id)))) {
    throw new AppError("user_not_found");
  }
  const scope = `history:${id}`;
  const before = page.cursor === undefined ? undefined : decodeCursor(secret, scope, page.cursor, isPosition).seq;
  const rows = await listHistory(database.db, id, page.limit + 1, before);
  const data = rows.slice(0, page.limit).map((row) => ({
    id: `chg_${row.seq}`,
    at: row.at,
    actor_id: row.actor_id,
    request_id: row.request_id,
    changes: JSON.parse(row.changes) as FieldChanges,
  }));
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  // PostgreSQL's bigserial arrives as a string.
  return { data, next_cursor: last ? encodeCursor(secret, scope, { seq: Number(last.seq) }) : null };
}
