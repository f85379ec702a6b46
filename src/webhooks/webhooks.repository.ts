import type { Selectable } from "kysely";
import type { Db } from "../db/database.js";
import type { WebhookDeliveryTable, WebhookEndpointTable, WebhookEventTable } from "../db/schema.js";

export type EndpointRow = Selectable<WebhookEndpointTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;
export type EventRow = Selectable<WebhookEventTable>;

/** Records a new endpoint. */
export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto("webhook_endpoint").values(row).execute();
}

export const findEndpoint = (db: Db, id: string) =>
  db.selectFrom("webhook_endpoint").selectAll().where("id", "=", id).executeTakeFirst();

/** Endpoints in id order (ids grow with time), after `afterId` when given. */
export function listEndpoints(db: Db, limit: number, afterId: string | undefined) {
  let query = db.selectFrom("webhook_endpoint").selectAll();
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

/** Changes an endpoint; the row after the change, or undefined when it is gone. */
export async function updateEndpoint(db: Db, id: string, changes: Partial<EndpointRow>) {
  await db.updateTable("webhook_endpoint").set(changes).where("id", "=", id).execute();
  return findEndpoint(db, id);
}

/** Deletes an endpoint and its deliveries; false when there was none. */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom("webhook_delivery").where("endpoint_id", "=", id).execute();
  const result = await db.deleteFrom("webhook_endpoint").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every endpoint that is enabled (the relay's fan-out; a handful of rows). */
export const enabledEndpoints = (db: Db) =>
  db.selectFrom("webhook_endpoint").select(["id", "event_types"]).where("enabled", "=", 1).execute();

/** An endpoint's deliveries, newest first, older than the position `before` when given. */
export function listDeliveries(
  db: Db,
  endpointId: string,
  limit: number,
  before: { createdAt: string; id: string } | undefined,
) {
  let query = db.selectFrom("webhook_delivery").selectAll().where("endpoint_id", "=", endpointId);
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb("created_at", "<", before.createdAt),
        eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)]),
      ]),
    );
  }
  return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

export const findDelivery = (db: Db, id: string) =>
  db.selectFrom("webhook_delivery").selectAll().where("id", "=", id).executeTakeFirst();

/** Queues a delivery again, now, with a fresh schedule (a dead one included). */
export async function requeueDelivery(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable("webhook_delivery")
    .set({
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      lease_owner: null,
      updated_at: now,
    })
    .where("id", "=", id)
    .execute();
}

/** Records events and deliveries (the relay's batch, or a test's one). */
export async function insertEventsAndDeliveries(db: Db, events: EventRow[], deliveries: DeliveryRow[]) {
  // Chunks keep every insert well under SQLite's 32766 bound parameters.
  for (let i = 0; i < events.length; i += 500) {
    await db
      .insertInto("webhook_event")
      .values(events.slice(i, i + 500))
      .execute();
  }
  for (let i = 0; i < deliveries.length; i += 500) {
    await db
      .insertInto("webhook_delivery")
      .values(deliveries.slice(i, i + 500))
      .execute();
  }
}

export const findEvent = (db: Db, id: string) =>
  db.selectFrom("webhook_event").selectAll().where("id", "=", id).executeTakeFirst();

/** The feed: events after `afterPosition` in position order, only `types` when given. */
export function listEvents(db: Db, afterPosition: number, limit: number, types: readonly string[] | undefined) {
  let query = db.selectFrom("webhook_event").selectAll().where("position", ">", afterPosition);
  if (types && types.length > 0) query = query.where("type", "in", types);
  return query.orderBy("position").limit(limit).execute();
}
