import type { Database } from "../db/database.js";
import { runStepsAwaiting, runStepsNow, type Statement, type StatementSteps } from "../db/raw-sql.js";
import { RequestBudget } from "../http/request-budget.js";
import { eventsOfHistory, type HistoryForEvents, type NewEvent, newId, signedUpEvent } from "./webhook-events.js";
import type { DeliveryRow } from "./webhooks.repository.js";

/** Rows turned into events per relay step: small enough to keep the write lock briefly. */
export const RELAY_BATCH = 200;
const RELAY_BUDGET_MS = 30_000;

/** Which endpoints want `type`: their `event_types` (JSON), or every type when null. */
export function subscribers(endpoints: Array<{ id: string; event_types: string | null }>, type: string): string[] {
  return endpoints
    .filter(
      (endpoint) => endpoint.event_types === null || (JSON.parse(endpoint.event_types) as string[]).includes(type),
    )
    .map((endpoint) => endpoint.id);
}

const INSERT_EVENT =
  'insert into "webhook_event" ("id", "position", "type", "user_id", "data", "created_at") values (?, ?, ?, ?, ?, ?)';
const DELIVERY_COLUMNS = [
  "id",
  "endpoint_id",
  "event_id",
  "event_type",
  "position",
  "user_id",
  "status",
  "attempts",
  "next_attempt_at",
  "locked_until",
  "lease_owner",
  "last_status",
  "last_error",
  "last_duration_ms",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof DeliveryRow)[];
const INSERT_DELIVERY =
  `insert into "webhook_delivery" (${DELIVERY_COLUMNS.map((column) => `"${column}"`).join(", ")}) ` +
  `values (${DELIVERY_COLUMNS.map(() => "?").join(", ")})`;

/**
 * One step of the relay, as statements: turns committed changes not yet announced (history rows,
 * new users) into feed events with the next positions, and their deliveries, and marks those rows
 * relayed, all in one transaction. It runs as the only sequencer (Database.runSequenced), so
 * positions are handed out after the changes committed, in the order the relay saw them commit,
 * never twice and without gaps: a reader paging on `position > cursor` sees a step's events all
 * at once or not at all, and a change that commits late is numbered by a later step, after every
 * position already handed out. A change rolled back left no row to find. Rows are marked one by
 * one, by key: a range would also mark a row that commits late, unannounced.
 */
function* relaySteps(now: string): StatementSteps<number> {
  const users = (yield {
    sql: 'select "id", "email", "role", "createdAt" from "user" where "webhook_relayed" = 0 order by "createdAt", "id" limit ?',
    params: [RELAY_BATCH],
  }) as Array<{ id: string; email: string; role: string | null; createdAt: string | Date }>;
  const history = (yield {
    sql:
      'select "h"."seq", "h"."user_id", "h"."at", "h"."actor_id", "h"."request_id", "h"."changes", "u"."email", "u"."role" ' +
      'from "user_history" "h" left join "user" "u" on "u"."id" = "h"."user_id" where "h"."relayed" = 0 order by "h"."seq" limit ?',
    params: [RELAY_BATCH],
  }) as HistoryForEvents[];
  if (users.length === 0 && history.length === 0) return 0;
  // A user's sign-up comes before their changes: both are numbered in this order.
  const events: NewEvent[] = [
    ...users.map((user) => signedUpEvent({ ...user, createdAt: new Date(user.createdAt).toISOString() })),
    ...history.flatMap(eventsOfHistory),
  ];
  const [state] = (yield {
    sql: 'select "last_position" from "webhook_relay_state" where "id" = 1',
    params: [],
  }) as Array<{ last_position: number | string }>;
  const endpoints = (yield {
    sql: 'select "id", "event_types" from "webhook_endpoint" where "enabled" = 1',
    params: [],
  }) as Array<{ id: string; event_types: string | null }>;
  let position = Number(state?.last_position ?? 0);
  // One statement per table per step, not one per row: under write load a step holds tens of
  // events, and a statement's own cost (prepare, bind, step) was most of the relay's per event.
  const eventRows: unknown[][] = [];
  const deliveryRows: unknown[][] = [];
  for (const event of events) {
    position += 1;
    eventRows.push([event.id, position, event.type, event.userId, JSON.stringify(event.data), now]);
    for (const endpointId of subscribers(endpoints, event.type)) {
      const delivery = newDelivery(endpointId, event, position, now);
      deliveryRows.push(DELIVERY_COLUMNS.map((column) => delivery[column]));
    }
  }
  for (const rows of chunks(eventRows)) yield manyRows(INSERT_EVENT, rows);
  for (const rows of chunks(deliveryRows)) yield manyRows(INSERT_DELIVERY, rows);
  yield { sql: 'update "webhook_relay_state" set "last_position" = ? where "id" = 1', params: [position] };
  // Marked by key (an IN list), never by range: a range would also mark a row that commits late.
  if (history.length > 0) {
    yield byKeys(
      'update "user_history" set "relayed" = 1 where "seq" in',
      history.map((row) => Number(row.seq)),
    );
  }
  if (users.length > 0) {
    yield byKeys(
      'update "user" set "webhook_relayed" = 1 where "id" in',
      users.map((user) => user.id),
    );
  }
  return events.length;
}

// Rows per multi-row insert: under SQLite's and PostgreSQL's limits on bound parameters.
const ROWS_PER_INSERT = 100;
const chunks = (rows: unknown[][]) =>
  Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) =>
    rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT),
  );

/** `insert … values (?, …)` for several rows at once. */
function manyRows(insert: string, rows: unknown[][]): Statement {
  const one = insert.slice(insert.lastIndexOf("("));
  return { sql: `${insert}${`, ${one}`.repeat(rows.length - 1)}`, params: rows.flat() };
}

/** `… in (?, ?, …)` for these keys. */
const byKeys = (prefix: string, keys: unknown[]): Statement => ({
  sql: `${prefix} (${keys.map(() => "?").join(", ")})`,
  params: keys,
});

async function hasUnrelayed(database: Database): Promise<boolean> {
  const rows = await database.reads.rows<{ pending: unknown }>(
    'select 1 as "pending" from "user_history" where "relayed" = 0 ' +
      'union all select 1 from "user" where "webhook_relayed" = 0 limit 1',
    [],
  );
  return rows.length > 0;
}

/**
 * One relay step (see relaySteps); how many events it made (0: nothing to do, or another
 * instance is the sequencer now). Its statements are background work.
 */
export function relayOnce(database: Database): Promise<number> {
  const now = new Date().toISOString();
  return database.queries.inBackground(async () => {
    // Read first, on committed data: a step is a write (on SQLite it takes the one write lock),
    // and an idle server's relay must not take it every poll for nothing. A row that commits
    // after this look is found by the next one.
    if (!(await hasUnrelayed(database))) return 0;
    return database.runSequenced(
      new RequestBudget(Date.now() + RELAY_BUDGET_MS),
      {
        steps: (sql) => runStepsNow(relaySteps(now), sql),
        transaction: (sql) => runStepsAwaiting(relaySteps(now), sql),
      },
      0,
    );
  });
}

/** A delivery of `event` to one endpoint, due now. */
export function newDelivery(endpointId: string, event: NewEvent, position: number | null, now: string): DeliveryRow {
  return {
    id: newId("dlv"),
    endpoint_id: endpointId,
    event_id: event.id,
    event_type: event.type,
    position,
    user_id: event.userId,
    status: "pending",
    attempts: 0,
    next_attempt_at: now,
    locked_until: null,
    lease_owner: null,
    last_status: null,
    last_error: null,
    last_duration_ms: null,
    created_at: now,
    updated_at: now,
  };
}
