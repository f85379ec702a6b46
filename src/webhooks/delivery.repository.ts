import { sql } from "kysely";
import type { Database, Db } from "../db/database.js";

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  data: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
}

const PENDING = sql.raw(`('pending', 'failed')`);

/**
 * Leases up to `limit` due deliveries to `owner` until `leaseUntil`, in one statement. A delivery
 * waits while an earlier event of the same user is not final for the same endpoint (per-user
 * order), and while its endpoint has `endpointCap` deliveries leased. PostgreSQL skips rows other
 * instances are claiming at this moment (Database.skipLocked). An expired lease (a worker killed
 * mid-delivery) is due again.
 */
export async function claimDue(
  database: Database,
  {
    owner,
    now,
    leaseUntil,
    limit,
    endpointCap,
  }: {
    owner: string;
    now: string;
    leaseUntil: string;
    limit: number;
    endpointCap: number;
  },
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    update "webhook_delivery" set "locked_until" = ${leaseUntil}, "lease_owner" = ${owner}
    where "id" in (
      select "d"."id" from "webhook_delivery" "d"
      join "webhook_endpoint" "e" on "e"."id" = "d"."endpoint_id"
      where "d"."status" in ${PENDING} and "d"."next_attempt_at" <= ${now} and "e"."enabled" = 1
        and ("d"."locked_until" is null or "d"."locked_until" <= ${now})
        and not exists (
          select 1 from "webhook_delivery" "p"
          where "p"."endpoint_id" = "d"."endpoint_id" and "p"."user_id" = "d"."user_id"
            and "p"."position" < "d"."position" and "p"."status" in ${PENDING})
        and (select count(*) from "webhook_delivery" "f"
             where "f"."endpoint_id" = "d"."endpoint_id" and "f"."status" in ${PENDING}
               and "f"."locked_until" > ${now}) < ${endpointCap}
      order by "d"."next_attempt_at"
      limit ${limit}
      ${sql.raw(database.skipLocked("d"))}
    )
    returning "id"`.execute(database.db);
  return rows.map((row) => row.id);
}

/** The claimed deliveries of `owner` among `ids`, with their event and endpoint. */
export async function loadClaimed(db: Db, ids: string[], owner: string): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("webhook_delivery as d")
    .innerJoin("webhook_event as ev", "ev.id", "d.event_id")
    .innerJoin("webhook_endpoint as e", "e.id", "d.endpoint_id")
    .select([
      "d.id",
      "d.endpoint_id",
      "d.event_id",
      "d.event_type",
      "d.attempts",
      "ev.data",
      "e.url",
      "e.secret",
      "e.previous_secret",
      "e.previous_secret_expires_at",
      "e.failing_since",
    ])
    .where("d.id", "in", ids)
    .where("d.lease_owner", "=", owner)
    .execute();
}

/** Gives a lease back untouched (shutdown, or over the endpoint's cap): due again at once. */
export async function releaseLeases(db: Db, ids: string[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("webhook_delivery")
    .set({ locked_until: null, lease_owner: null })
    .where("id", "in", ids)
    .where("lease_owner", "=", owner)
    .execute();
}

/** The outcome of one attempt, if `owner` still holds the lease. */
export async function recordAttempt(
  db: Db,
  id: string,
  owner: string,
  outcome: {
    status: "succeeded" | "failed" | "dead";
    attempts: number;
    nextAttemptAt: string;
    lastStatus: number | null;
    lastError: string | null;
    durationMs: number;
    now: string;
  },
): Promise<void> {
  await db
    .updateTable("webhook_delivery")
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      next_attempt_at: outcome.nextAttemptAt,
      last_status: outcome.lastStatus,
      last_error: outcome.lastError,
      last_duration_ms: outcome.durationMs,
      locked_until: null,
      lease_owner: null,
      updated_at: outcome.now,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}

/** Deliveries not final, and the creation time of the oldest. */
export async function pendingSummary(db: Db): Promise<{ depth: number; oldest: string | null }> {
  const row = await db
    .selectFrom("webhook_delivery")
    .select((eb) => [eb.fn.countAll<string | number>().as("depth"), eb.fn.min("created_at").as("oldest")])
    .where("status", "in", ["pending", "failed"])
    .executeTakeFirst();
  return { depth: Number(row?.depth ?? 0), oldest: (row?.oldest as string | null | undefined) ?? null };
}

/** Deletes up to `batch` deliveries and events created before `cutoff`; how many went. */
export async function deleteOlderThan(db: Db, cutoff: string, batch: number): Promise<number> {
  const deliveries = await db
    .deleteFrom("webhook_delivery")
    .where("id", "in", db.selectFrom("webhook_delivery").select("id").where("created_at", "<", cutoff).limit(batch))
    .executeTakeFirst();
  const events = await db
    .deleteFrom("webhook_event")
    .where("id", "in", db.selectFrom("webhook_event").select("id").where("created_at", "<", cutoff).limit(batch))
    .executeTakeFirst();
  return Number(deliveries.numDeletedRows) + Number(events.numDeletedRows);
}
