import { type AtOnceWrite, NOT_NOW } from "../db/at-once-write.js";
import type { Database, Db } from "../db/database.js";
import { runStepsAwaiting, runStepsNow, type Statement, type StatementSteps } from "../db/raw-sql.js";
import { RequestBudget } from "../http/request-budget.js";

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** Null for events of no user (`webhook.test`). */
  user_id: string | null;
  attempts: number;
  data: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
}

const PENDING = `('pending', 'failed')`;

/**
 * SQL: how many deliveries of the endpoint `endpoint` (an SQL expression) are leased at `?` (now),
 * the delivery `except` (an SQL expression) not counted.
 */
const leasedAt = (endpoint: string, except?: string) =>
  `(select count(*) from "webhook_delivery" "f" where "f"."endpoint_id" = ${endpoint} ` +
  `and "f"."status" in ${PENDING} and "f"."locked_until" > ?${except ? ` and "f"."id" <> ${except}` : ""})`;

/** A write of background work, as statements run one after another or as one statement. */
interface BackgroundWrite<R> {
  steps(): StatementSteps<R>;
  oneStatement(): Statement;
  fromRows(rows: unknown[]): R;
}

/**
 * Makes a write of background work at once when the database can (SQLite: its steps inside this
 * turn's group commit, beside the requests' writes, instead of a commit of its own; PostgreSQL:
 * its one autocommit statement), else its steps in a transaction of its own.
 */
async function writeInBackground<R>(database: Database, write: BackgroundWrite<R>): Promise<R> {
  const budget = new RequestBudget(Date.now() + BACKGROUND_BUDGET_MS);
  const atOnce: AtOnceWrite<R> = {
    runSteps: (sql) => runStepsNow(write.steps(), sql),
    asOneStatement: () => write.oneStatement(),
    fromRows: (rows) => write.fromRows(rows),
  };
  const done = await database.writeNow(budget, atOnce);
  if (done !== NOT_NOW) return done;
  return database.runInTransaction(budget, (trx) => runStepsAwaiting(write.steps(), database.inTransaction(trx)));
}
const BACKGROUND_BUDGET_MS = 10_000;

/** One writing statement of background work (`?` placeholders); its rows. */
const writeOne = <R>(database: Database, statement: Statement): Promise<R[]> =>
  writeInBackground<R[]>(database, {
    *steps() {
      return (yield statement) as R[];
    },
    oneStatement: () => statement,
    fromRows: (rows) => rows as R[],
  });

/**
 * The enabled endpoints that have a due delivery not leased and fewer than `endpointCap` leased,
 * with how many more each may take; read on committed data without a write. The claim is a write
 * (on SQLite it takes the database's one write lock), and a claim at an endpoint already at its
 * cap looked at every due delivery to find none: under a backlog of thousands, that was a third
 * of the server's time while the workers waited on their four deliveries in flight.
 */
export async function endpointsWithRoom(
  database: Database,
  now: string,
  endpointCap: number,
): Promise<Array<{ id: string; room: number }>> {
  const rows = await database.reads.rows<{ id: string; leased: number | string }>(
    `select "e"."id", ${leasedAt('"e"."id"')} as "leased" ` +
      'from "webhook_endpoint" "e" where "e"."enabled" = 1 and exists (' +
      `select 1 from "webhook_delivery" "d" where "d"."endpoint_id" = "e"."id" and "d"."status" in ${PENDING} ` +
      'and "d"."next_attempt_at" <= ? and ("d"."locked_until" is null or "d"."locked_until" <= ?))',
    [now, now, now],
  );
  return rows
    .map((row) => ({ id: row.id, room: endpointCap - Number(row.leased) }))
    .filter((endpoint) => endpoint.room > 0);
}

/**
 * Leases up to `limit` due deliveries of one endpoint to `owner` until `leaseUntil`, in one
 * statement; their ids. Only the head of each user's queue (that user's earliest delivery not yet
 * final at this endpoint) may be claimed: a later event waits while an earlier one is still
 * being retried (per-user order). Events of no user (`webhook.test`) wait for nothing. The heads
 * are found by a walk over the distinct users in the order index (`users`: each step one index
 * seek to the next user), never by reading the queues: with a receiver down and its backlog of
 * 100,000 due but waiting deliveries, a claim that read them took 166 ms on SQLite and 1.6 s on
 * PostgreSQL at every poll; this one takes a millisecond or two. Its price is paid per user with
 * deliveries pending (70–90 µs a claim with 20 of them, against 4–6 µs for the reading claim when
 * the queues are healthy), which stays small next to a delivery. The endpoint's lease count is
 * checked again here (another instance may have claimed since endpointsWithRoom looked).
 * PostgreSQL skips rows other instances are claiming at this moment (Database.skipLocked) and
 * rechecks the lease on the row it locks. An expired lease (a worker killed mid-delivery) is due
 * again.
 */
export async function claimDue(
  database: Database,
  {
    owner,
    endpointId,
    now,
    leaseUntil,
    limit,
    endpointCap,
  }: {
    owner: string;
    endpointId: string;
    now: string;
    leaseUntil: string;
    limit: number;
    endpointCap: number;
  },
): Promise<string[]> {
  const rows = await writeOne<{ id: string }>(database, {
    sql: `with recursive "users"("user_id") as (
      select min("user_id") from "webhook_delivery" where "endpoint_id" = ? and "status" in ${PENDING}
      union all
      select (select min("w"."user_id") from "webhook_delivery" "w"
              where "w"."endpoint_id" = ? and "w"."status" in ${PENDING} and "w"."user_id" > "users"."user_id")
      from "users" where "users"."user_id" is not null
    ), "heads"("id") as (
      select (select "h"."id" from "webhook_delivery" "h"
              where "h"."endpoint_id" = ? and "h"."user_id" = "users"."user_id" and "h"."status" in ${PENDING}
              order by "h"."position" limit 1)
      from "users" where "users"."user_id" is not null
      union all
      select "n"."id" from "webhook_delivery" "n"
      where "n"."endpoint_id" = ? and "n"."user_id" is null and "n"."status" in ${PENDING}
    )
    update "webhook_delivery" set "locked_until" = ?, "lease_owner" = ?
    where "id" in (
      select "d"."id" from "webhook_delivery" "d" join "heads" on "heads"."id" = "d"."id"
      where "d"."next_attempt_at" <= ? and ("d"."locked_until" is null or "d"."locked_until" <= ?)
      order by "d"."next_attempt_at"
      limit ?
      ${database.skipLocked("d")}
    ) and ("locked_until" is null or "locked_until" <= ?) and ${leasedAt("?")} < ?
    returning "id"`,
    params: [
      endpointId,
      endpointId,
      endpointId,
      endpointId,
      leaseUntil,
      owner,
      now,
      now,
      limit,
      now,
      endpointId,
      now,
      endpointCap,
    ],
  });
  return rows.map((row) => row.id);
}

const CLAIMED_COLUMNS =
  '"d"."id", "d"."endpoint_id", "d"."event_id", "d"."event_type", "d"."user_id", "d"."attempts", "ev"."data", ' +
  '"e"."url", ' +
  '"e"."secret", "e"."previous_secret", "e"."previous_secret_expires_at", "e"."failing_since"';

const CLAIMED_JOINS =
  'join "webhook_event" "ev" on "ev"."id" = "d"."event_id" join "webhook_endpoint" "e" on "e"."id" = "d"."endpoint_id"';

/**
 * These deliveries (by primary key), if still leased to `owner`, with their event and endpoint.
 * By key: the lease columns have no index, and a search on them read every delivery kept.
 */
const claimedById = (owner: string, ids: readonly string[]): Statement => ({
  sql:
    `select ${CLAIMED_COLUMNS} from "webhook_delivery" "d" ${CLAIMED_JOINS} ` +
    `where "d"."id" in (${ids.map(() => "?").join(", ")}) and "d"."lease_owner" = ?`,
  params: [...ids, owner],
});

/** claimedById, read on committed data. */
export function loadClaimed(database: Database, owner: string, ids: readonly string[]): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const { sql, params } = claimedById(owner, ids);
  return database.reads.rows<ClaimedDelivery>(sql, params);
}

/** Gives a lease back untouched (shutdown, or over the endpoint's cap): due again at once. */
export async function releaseLeases(database: Database, ids: string[], owner: string): Promise<void> {
  for (const id of ids) {
    await writeOne(database, {
      sql: 'update "webhook_delivery" set "locked_until" = null, "lease_owner" = null where "id" = ? and "lease_owner" = ?',
      params: [id, owner],
    });
  }
}

/** What one attempt came to. */
export interface AttemptRecord {
  status: "succeeded" | "failed" | "dead";
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  durationMs: number;
  now: string;
}

/** Whom to claim next with a final outcome: the same user's next delivery at the same endpoint. */
export interface NextOfUser {
  endpointId: string;
  userId: string;
  leaseUntil: string;
  endpointCap: number;
}

const RECORD_ATTEMPT =
  'update "webhook_delivery" set "status" = ?, "attempts" = ?, "next_attempt_at" = ?, "last_status" = ?, ' +
  '"last_error" = ?, "last_duration_ms" = ?, "locked_until" = null, "lease_owner" = null, "updated_at" = ? ' +
  'where "id" = ? and "lease_owner" = ? returning "id"';

/** SQL: the user's earliest delivery not final at the endpoint, the one just recorded excepted. */
const userHead = (condition = "") =>
  'select "h"."id" from "webhook_delivery" "h" where "h"."endpoint_id" = ? and "h"."user_id" = ? ' +
  `and "h"."status" in ${PENDING} and "h"."id" <> ?${condition} order by "h"."position" limit 1`;

/** SQL: the delivery is due, not leased, and its endpoint is enabled with room for one more lease. */
const CLAIMABLE =
  `"status" in ${PENDING} and "next_attempt_at" <= ? and ("locked_until" is null or "locked_until" <= ?) ` +
  'and exists (select 1 from "webhook_endpoint" "e" where "e"."id" = ? and "e"."enabled" = 1) ' +
  `and ${leasedAt("?", "?")} < ?`;

/**
 * Records an attempt's outcome, if `owner` still holds the lease. With `next` (a final outcome:
 * the user's queue moves on), the same write also claims that user's next delivery at the endpoint
 * when it is due, and answers it ready to send: the worker's slot goes straight on to it, without
 * a claim of its own (the walk over every user pending, then the read of what it claimed).
 * Delivering a backlog, the claim and its read were a sixth of the server's time. Only the head
 * of the user's queue is taken, so per-user order holds as in claimDue; on PostgreSQL, a head
 * another instance is locking is skipped (left to the claim), never passed over for the next one.
 */
export function recordAttempt(
  database: Database,
  id: string,
  owner: string,
  outcome: AttemptRecord,
  next?: NextOfUser,
): Promise<ClaimedDelivery | null> {
  const record: Statement = {
    sql: RECORD_ATTEMPT,
    params: [
      outcome.status,
      outcome.attempts,
      outcome.nextAttemptAt,
      outcome.lastStatus,
      outcome.lastError,
      outcome.durationMs,
      outcome.now,
      id,
      owner,
    ],
  };
  if (next === undefined) {
    return writeInBackground(database, {
      *steps() {
        yield record;
        return null;
      },
      oneStatement: () => record,
      fromRows: () => null,
    });
  }
  const { now } = outcome;
  const headParams = [next.endpointId, next.userId, id];
  const claimableParams = [now, now, next.endpointId, next.endpointId, now, id, next.endpointCap];
  return writeInBackground(database, {
    *steps() {
      const recorded = yield record;
      if (recorded.length === 0) return null;
      const claimed = (yield {
        sql: `update "webhook_delivery" set "locked_until" = ?, "lease_owner" = ? where "id" = (${userHead()}) and ${CLAIMABLE} returning "id"`,
        params: [next.leaseUntil, owner, ...headParams, ...claimableParams],
      }) as Array<{ id: string }>;
      if (claimed.length === 0) return null;
      const [delivery] = (yield claimedById(owner, [(claimed[0] as { id: string }).id])) as ClaimedDelivery[];
      return delivery ?? null;
    },
    // One statement: PostgreSQL's CTEs all read the statement's snapshot, where the delivery just
    // recorded is still pending (hence `"h"."id" <> ?` and the lease count without it).
    oneStatement: () => ({
      sql: `with "recorded" as (${RECORD_ATTEMPT}),
      "head" as (${userHead(' and exists (select 1 from "recorded")')}),
      "claimed" as (
        update "webhook_delivery" set "locked_until" = ?, "lease_owner" = ?
        where "id" in (select "d"."id" from "webhook_delivery" "d" join "head" on "head"."id" = "d"."id" ${database.skipLocked("d")})
        and ${CLAIMABLE}
        returning "id", "endpoint_id", "event_id", "event_type", "user_id", "attempts"
      )
      select ${CLAIMED_COLUMNS} from "claimed" "d" ${CLAIMED_JOINS}`,
      params: [...record.params, ...headParams, next.leaseUntil, owner, ...claimableParams],
    }),
    fromRows: (rows) => (rows[0] as ClaimedDelivery | undefined) ?? null,
  });
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
