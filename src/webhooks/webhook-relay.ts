import { sql, type Transaction } from "kysely";
import type { Database } from "../db/database.js";
import type { DB } from "../db/schema.js";
import { RequestBudget } from "../http/request-budget.js";
import { eventsOfHistory, type HistoryForEvents, type NewEvent, newId, signedUpEvent } from "./webhook-events.js";
import { type DeliveryRow, type EventRow, enabledEndpoints, insertEventsAndDeliveries } from "./webhooks.repository.js";

// Rows turned into events per relay transaction: small enough to keep the write lock briefly.
const BATCH = 200;
const RELAY_BUDGET_MS = 30_000;

/** Which endpoints want `type`: their `event_types` (JSON), or every type when null. */
export function subscribers(endpoints: Array<{ id: string; event_types: string | null }>, type: string): string[] {
  return endpoints
    .filter(
      (endpoint) => endpoint.event_types === null || (JSON.parse(endpoint.event_types) as string[]).includes(type),
    )
    .map((endpoint) => endpoint.id);
}

/**
 * One step of the relay: turns committed changes not yet announced (history rows, new users) into
 * feed events with the next positions, and their deliveries, in one transaction that also marks
 * those rows relayed. It runs as the only sequencer (Database.takeSequencer), so positions are
 * handed out after the changes committed, in the order the relay saw them commit, never twice
 * and without gaps: a reader paging on `position > cursor` sees a relay transaction's events
 * all at once or not at all, and a change that commits late is numbered by a later relay step,
 * after every position already handed out. A change rolled back left no row to find. Returns how
 * many events it made (0: nothing to do, or another instance is the sequencer now).
 */
export function relayOnce(database: Database): Promise<number> {
  return database.queries.inBackground(() =>
    database.runInTransaction(new RequestBudget(Date.now() + RELAY_BUDGET_MS), async (trx) => {
      if (!(await database.takeSequencer(trx))) return 0;
      const users = await sql<{ id: string; email: string; role: string | null; createdAt: string | Date }>`
        select "id", "email", "role", "createdAt" from "user" where "webhook_relayed" = 0
        order by "createdAt", "id" limit ${BATCH}`.execute(trx);
      const history = await sql<HistoryForEvents>`
        select "h"."seq", "h"."user_id", "h"."at", "h"."actor_id", "h"."request_id", "h"."changes",
               "u"."email", "u"."role"
        from "user_history" "h" left join "user" "u" on "u"."id" = "h"."user_id"
        where "h"."relayed" = 0 order by "h"."seq" limit ${BATCH}`.execute(trx);
      if (users.rows.length === 0 && history.rows.length === 0) return 0;
      // A user's sign-up comes before their changes: both are numbered in this order.
      const events: NewEvent[] = [
        ...users.rows.map((user) => signedUpEvent({ ...user, createdAt: new Date(user.createdAt).toISOString() })),
        ...history.rows.flatMap(eventsOfHistory),
      ];
      await writeEvents(trx, events);
      if (history.rows.length > 0) {
        const seqs = history.rows.map((row) => Number(row.seq));
        await sql`update "user_history" set "relayed" = 1 where "seq" in (${sql.join(seqs)})`.execute(trx);
      }
      if (users.rows.length > 0) {
        const ids = users.rows.map((user) => user.id);
        await sql`update "user" set "webhook_relayed" = 1 where "id" in (${sql.join(ids)})`.execute(trx);
      }
      return events.length;
    }),
  );
}

/** Numbers `events` after the last position handed out, and fans them out to their endpoints. */
async function writeEvents(trx: Transaction<DB>, events: NewEvent[]): Promise<void> {
  const state = await trx
    .selectFrom("webhook_relay_state")
    .select("last_position")
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  let position = Number(state.last_position);
  const now = new Date().toISOString();
  const endpoints = await enabledEndpoints(trx);
  const eventRows: EventRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const event of events) {
    position += 1;
    eventRows.push({
      id: event.id,
      position,
      type: event.type,
      user_id: event.userId,
      data: JSON.stringify(event.data),
      created_at: now,
    });
    for (const endpointId of subscribers(endpoints, event.type)) {
      deliveries.push(newDelivery(endpointId, event, position, now));
    }
  }
  await insertEventsAndDeliveries(trx, eventRows, deliveries);
  await trx.updateTable("webhook_relay_state").set({ last_position: position }).where("id", "=", 1).execute();
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
