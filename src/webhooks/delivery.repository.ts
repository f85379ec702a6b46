import type { Database, Db } from "../db/database.js";
import type { Statement, StatementSteps } from "../db/raw-sql.js";
import { RequestBudget } from "../http/request-budget.js";

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** Null for events of no user (`webhook.test`). */
  user_id: string | null;
  /** Its place in the feed (null for `webhook.test`): a run is sent in this order. */
  position: number | string | null;
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
 * SQL: how many runs (users: the deliveries of one user are sent one after another by one worker)
 * other workers than `?` (the owner) hold leases for at the endpoint `endpoint` (an SQL
 * expression) at `?` (now). A delivery of no user (`webhook.test`) is a run of its own.
 */
const othersRunsAt = (endpoint: string) =>
  `(select count(distinct coalesce("f"."user_id", "f"."id")) from "webhook_delivery" "f" ` +
  `where "f"."endpoint_id" = ${endpoint} and "f"."status" in ${PENDING} and "f"."locked_until" > ? ` +
  'and "f"."lease_owner" <> ?)';

/** Makes a write of background work (its statements in order): see Database.writeSteps. */
export function writeInBackground<R>(database: Database, steps: () => StatementSteps<R>): Promise<R> {
  return database.writeSteps(new RequestBudget(Date.now() + BACKGROUND_BUDGET_MS), steps);
}
const BACKGROUND_BUDGET_MS = 10_000;

/** Whether any delivery is due at `now` and not leased; read on committed data. */
export async function hasDueDeliveries(database: Database, now: string): Promise<boolean> {
  const rows = await database.reads.rows<{ due: unknown }>(
    `select 1 as "due" from "webhook_delivery" where "status" in ${PENDING} and "next_attempt_at" <= ? ` +
      'and ("locked_until" is null or "locked_until" <= ?) limit 1',
    [now, now],
  );
  return rows.length > 0;
}

/**
 * The enabled endpoints that have a due delivery not leased and fewer than `endpointCap` runs
 * leased by other workers than `owner`, with how many more runs there is room for; read on
 * committed data without a write. The claim is a write (on SQLite it takes the database's one
 * write lock), and a claim at an endpoint already at its cap looked at every due delivery to find
 * none.
 */
export async function endpointsWithRoom(
  database: Database,
  now: string,
  endpointCap: number,
  owner: string,
): Promise<Array<{ id: string; room: number }>> {
  const rows = await database.reads.rows<{ id: string; leased: number | string }>(
    `select "e"."id", ${othersRunsAt('"e"."id"')} as "leased" ` +
      'from "webhook_endpoint" "e" where "e"."enabled" = 1 and exists (' +
      `select 1 from "webhook_delivery" "d" where "d"."endpoint_id" = "e"."id" and "d"."status" in ${PENDING} ` +
      'and "d"."next_attempt_at" <= ? and ("d"."locked_until" is null or "d"."locked_until" <= ?))',
    [now, owner, now, now],
  );
  return rows
    .map((row) => ({ id: row.id, room: endpointCap - Number(row.leased) }))
    .filter((endpoint) => endpoint.room > 0);
}

/**
 * What claimRunsSteps takes: at one endpoint, up to `users` runs of up to `runLength`
 * deliveries, while other workers hold fewer than `endpointCap` runs there.
 */
export interface RunClaim {
  owner: string;
  endpointId: string;
  now: string;
  leaseUntil: string;
  users: number;
  runLength: number;
  endpointCap: number;
}

/**
 * Leases runs at one endpoint to `owner` until `leaseUntil`: for up to `users` users, the first
 * `runLength` deliveries of that user not yet final, in feed order, which the worker then sends
 * one after another (a claim, and the write that comes with it, per run instead of per delivery).
 * Returns the deliveries' ids. Three steps: the users, each user's first deliveries, the leases.
 *
 * Per-user order: a user is taken only while none of their deliveries here is leased (one worker
 * at a time has a user) and their earliest is due; the run stops before the first that is not due
 * (a retry waiting, behind a redelivered earlier one), so nothing is sent ahead of an earlier
 * event. Events of no user (`webhook.test`) are runs of one and wait for nothing. The users are
 * found by a walk over the distinct users in the order index, never by reading the queues: with a
 * receiver down and 100,000 due deliveries waiting behind its failing heads, a claim that read the
 * queues took 166 ms on SQLite and 1.6 s on PostgreSQL at every poll; this one takes a millisecond
 * or two, at about 3.5 µs per user with deliveries pending. Other workers' runs at the endpoint are
 * counted again here (another instance may have claimed since endpointsWithRoom looked). On
 * PostgreSQL the heads are locked as they are chosen and heads other instances are locking are
 * skipped (Database.skipLocked): whoever locks a user's head has that user until it commits, so
 * two instances never split one user's run. An expired lease (a worker killed mid-delivery) is due
 * again.
 */
export function* claimRunsSteps(database: Database, claim: RunClaim): StatementSteps<string[]> {
  const { owner, endpointId, now, leaseUntil, users, runLength, endpointCap } = claim;
  const heads = (yield {
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
    ), "busy"("user_id") as (
      select "b"."user_id" from "webhook_delivery" "b" where "b"."endpoint_id" = ? and "b"."status" in ${PENDING}
      and "b"."locked_until" > ? and "b"."user_id" is not null
    )
    select "d"."id", "d"."user_id" from "webhook_delivery" "d" join "heads" on "heads"."id" = "d"."id"
    where "d"."next_attempt_at" <= ? and ("d"."locked_until" is null or "d"."locked_until" <= ?)
    and ("d"."user_id" is null or "d"."user_id" not in (select "user_id" from "busy"))
    and ${othersRunsAt("?")} < ?
    order by "d"."next_attempt_at"
    limit ?
    ${database.skipLocked("d")}`,
    params: [
      endpointId,
      endpointId,
      endpointId,
      endpointId,
      endpointId,
      now,
      now,
      now,
      endpointId,
      now,
      owner,
      endpointCap,
      users,
    ],
  }) as Array<{ id: string; user_id: string | null }>;
  const ids: string[] = [];
  for (const head of heads) {
    if (head.user_id === null) {
      ids.push(head.id);
      continue;
    }
    const window = (yield {
      sql:
        'select "id", "next_attempt_at" from "webhook_delivery" ' +
        `where "endpoint_id" = ? and "user_id" = ? and "status" in ${PENDING} order by "position" limit ?`,
      params: [endpointId, head.user_id, runLength],
    }) as Array<{ id: string; next_attempt_at: string }>;
    // The head, then each one after it up to the first not yet due.
    for (const delivery of window) {
      if (delivery.id !== head.id && delivery.next_attempt_at > now) break;
      ids.push(delivery.id);
    }
  }
  if (ids.length === 0) return ids;
  const leased = (yield {
    sql:
      'update "webhook_delivery" set "locked_until" = ?, "lease_owner" = ? ' +
      `where "id" in (${ids.map(() => "?").join(", ")}) and ("locked_until" is null or "locked_until" <= ?) returning "id"`,
    params: [leaseUntil, owner, ...ids, now],
  }) as Array<{ id: string }>;
  return leased.map((row) => row.id);
}

const CLAIMED_COLUMNS =
  '"d"."id", "d"."endpoint_id", "d"."event_id", "d"."event_type", "d"."user_id", "d"."position", "d"."attempts", ' +
  '"ev"."data", "e"."url", "e"."secret", "e"."previous_secret", "e"."previous_secret_expires_at", "e"."failing_since"';

/**
 * These deliveries (by primary key), if still leased to `owner`, with their event and endpoint.
 * By key: the lease columns have no index, and a search on them read every delivery kept.
 */
export const claimedById = (owner: string, ids: readonly string[]): Statement => ({
  sql:
    `select ${CLAIMED_COLUMNS} from "webhook_delivery" "d" ` +
    'join "webhook_event" "ev" on "ev"."id" = "d"."event_id" join "webhook_endpoint" "e" on "e"."id" = "d"."endpoint_id" ' +
    `where "d"."id" in (${ids.map(() => "?").join(", ")}) and "d"."lease_owner" = ?`,
  params: [...ids, owner],
});

/** claimedById, read on committed data. */
export function loadClaimed(database: Database, owner: string, ids: readonly string[]): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const { sql, params } = claimedById(owner, ids);
  return database.reads.rows<ClaimedDelivery>(sql, params);
}

/** Gives leases back untouched (shutdown, the rest of a run that stopped): due again at once. */
export const releaseStatement = (owner: string, ids: readonly string[]): Statement => ({
  sql:
    'update "webhook_delivery" set "locked_until" = null, "lease_owner" = null ' +
    `where "id" in (${ids.map(() => "?").join(", ")}) and "lease_owner" = ?`,
  params: [...ids, owner],
});

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

/** The values of one row of recordAttemptsStatement, with their SQL types (a cast each). */
const ATTEMPT_COLUMNS = [
  ["id", "text"],
  ["status", "text"],
  ["attempts", "integer"],
  ["next_attempt_at", "text"],
  ["last_status", "integer"],
  ["last_error", "text"],
  ["last_duration_ms", "integer"],
  ["updated_at", "text"],
] as const;
const ATTEMPT_ROW = `(${ATTEMPT_COLUMNS.map(([, type]) => `cast(? as ${type})`).join(", ")})`;

/**
 * Records attempts' outcomes and ends their leases, in one statement, for the deliveries `owner`
 * still holds; their ids. One statement for a batch: SQLite then finds the pages and index
 * entries once warm for the whole batch, where one statement per outcome cost about 30 µs each on
 * the loaded server. The values come as a table (each cast, so that PostgreSQL knows their types).
 */
export function recordAttemptsStatement(
  owner: string,
  records: ReadonlyArray<{ id: string } & AttemptRecord>,
): Statement {
  const names = ATTEMPT_COLUMNS.map(([name]) => `"${name}"`);
  return {
    sql:
      `with "v"(${names.join(", ")}) as (values ${records.map(() => ATTEMPT_ROW).join(", ")}) ` +
      `update "webhook_delivery" set ${names
        .slice(1)
        .map((name) => `${name} = "v".${name}`)
        .join(", ")}, "locked_until" = null, "lease_owner" = null ` +
      'from "v" where "webhook_delivery"."id" = "v"."id" and "webhook_delivery"."lease_owner" = ? ' +
      'returning "webhook_delivery"."id"',
    params: [
      ...records.flatMap((record) => [
        record.id,
        record.status,
        record.attempts,
        record.nextAttemptAt,
        record.lastStatus,
        record.lastError,
        record.durationMs,
        record.now,
      ]),
      owner,
    ],
  };
}

/** An endpoint's failure clock: cleared by a success, started by a failure when not running. */
export const failingSinceStatement = (endpointId: string, since: string | null): Statement =>
  since === null
    ? {
        sql: 'update "webhook_endpoint" set "failing_since" = null where "id" = ? and "failing_since" is not null',
        params: [endpointId],
      }
    : {
        sql: 'update "webhook_endpoint" set "failing_since" = ? where "id" = ? and "failing_since" is null',
        params: [since, endpointId],
      };

/** Disables an endpoint (410 Gone, or failing for five days). */
export const disableEndpointStatement = (endpointId: string, reason: string, now: string): Statement => ({
  sql: 'update "webhook_endpoint" set "enabled" = 0, "disabled_reason" = ?, "updated_at" = ? where "id" = ?',
  params: [reason, now, endpointId],
});

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
