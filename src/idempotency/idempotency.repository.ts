import { sql } from "kysely";
import type { Db } from "../db/database.js";
import type { IdempotencyKeyTable } from "../db/schema.js";

export type IdempotencyRow = IdempotencyKeyTable;

/** Claims a key: inserts it as running; false when a row for it already exists. */
export async function insertClaim(db: Db, row: IdempotencyRow): Promise<boolean> {
  const inserted = await db
    .insertInto("idempotency_key")
    .values(row)
    .onConflict((conflict) => conflict.columns(["user_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findClaim(db: Db, userId: string, key: string): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom("idempotency_key")
    .selectAll()
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .executeTakeFirst();
}

/** Takes over a claim whose owner vanished (its lock ran out); false if someone else moved first. */
export async function takeOverClaim(
  db: Db,
  stale: IdempotencyRow,
  lockedUntil: string,
  requestId: string,
): Promise<boolean> {
  const updated = await db
    .updateTable("idempotency_key")
    .set({ locked_until: lockedUntil, request_id: requestId })
    .where("user_id", "=", stale.user_id)
    .where("key", "=", stale.key)
    .where("locked_until", "=", stale.locked_until)
    .where("response_status", "is", null)
    .returning("key")
    .executeTakeFirst();
  return updated !== undefined;
}

/** Stores the response of the claimed request (in its transaction when it changed something). */
export async function storeResponse(
  db: Db,
  userId: string,
  key: string,
  response: { status: number; etag: string | null; body: string },
): Promise<void> {
  await db
    .updateTable("idempotency_key")
    .set({ response_status: response.status, response_etag: response.etag, response_body: response.body })
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .execute();
}

/** Drops a claim whose request failed on our side, so a retry can run. */
export async function deleteClaim(db: Db, userId: string, key: string, expiresAt?: string): Promise<void> {
  let query = db.deleteFrom("idempotency_key").where("user_id", "=", userId).where("key", "=", key);
  if (expiresAt) query = query.where("expires_at", "=", expiresAt);
  await query.execute();
}

/** Deletes up to `batch` expired keys; returns how many went. Small batches never hold a lock long. */
export async function deleteExpired(db: Db, nowIso: string, batch: number): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_key")
    .where(
      sql<boolean>`(user_id, key) in (select user_id, key from idempotency_key where expires_at < ${nowIso} limit ${batch})`,
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
