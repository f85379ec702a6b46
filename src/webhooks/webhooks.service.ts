import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors/app-error.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import type { RequestBudget } from "../http/request-budget.js";
import type { Resolver } from "./address-guard.js";
import { loadClaimed } from "./delivery.repository.js";
import { recordOutcome, sendDelivery } from "./delivery-attempt.js";
import { checkEndpointUrl } from "./endpoint-url.js";
import { EVENT_CATALOG, type EventType, newId, newSecret, SUBSCRIBABLE_TYPES } from "./webhook-events.js";
import type { WebhookSender } from "./webhook-http.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import { newDelivery } from "./webhook-relay.js";
import {
  type DeliveryRow,
  deleteEndpoint,
  type EndpointRow,
  findDelivery,
  findEndpoint,
  insertEndpoint,
  insertEventsAndDeliveries,
  listDeliveries,
  listEndpoints,
  requeueDelivery,
  updateEndpoint,
} from "./webhooks.repository.js";

/** What the webhook services need: the database, the rules of §10, the sender. */
export interface WebhookDeps {
  database: Database;
  /** Signs cursors. */
  secret: string;
  config: WebhookConfig;
  resolve: Resolver;
  sender: WebhookSender;
  metrics: WebhookMetrics;
  logger: FastifyBaseLogger;
  /** Tells this instance's workers there is work (a redelivery). */
  wake(): void;
}

/** How long the secret before a rotation keeps signing. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The endpoint as the API shows it (never its secrets). */
export function toEndpointObject(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.event_types === null ? [...SUBSCRIBABLE_TYPES] : (JSON.parse(row.event_types) as EventType[]),
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    previous_secret_expires_at:
      row.previous_secret_expires_at && row.previous_secret_expires_at > new Date().toISOString()
        ? row.previous_secret_expires_at
        : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export const catalog = () => ({ data: EVENT_CATALOG.map(({ type, description }) => ({ type, description })) });

async function endpointOr404(deps: WebhookDeps, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(deps.database.db, id);
  if (!row) throw new AppError("webhook_endpoint_not_found");
  return row;
}

/** Registers an endpoint; its secret is in this answer only. */
export async function createEndpoint(
  deps: WebhookDeps,
  body: { url: string; event_types?: EventType[]; description?: string },
  budget: RequestBudget,
) {
  const url = await checkEndpointUrl(body.url, deps.config, deps.resolve);
  const now = new Date().toISOString();
  const row: EndpointRow = {
    id: newId("whe"),
    url,
    description: body.description ?? null,
    event_types: body.event_types ? JSON.stringify(body.event_types) : null,
    enabled: 1,
    disabled_reason: null,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  };
  await deps.database.runInTransaction(budget, (trx) => insertEndpoint(trx, row));
  return { ...toEndpointObject(row), secret: row.secret };
}

const isAfterId = (value: unknown): value is { id: string } =>
  typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string";

/** Endpoints, oldest first, a page at a time. */
export async function listEndpointPage(deps: WebhookDeps, page: { limit: number; cursor?: string | undefined }) {
  const after =
    page.cursor === undefined ? undefined : decodeCursor(deps.secret, "webhook-endpoints", page.cursor, isAfterId).id;
  const rows = await listEndpoints(deps.database.db, page.limit + 1, after);
  const data = rows.slice(0, page.limit).map(toEndpointObject);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { data, next_cursor: last ? encodeCursor(deps.secret, "webhook-endpoints", { id: last.id }) : null };
}

export const getEndpoint = async (deps: WebhookDeps, id: string) => toEndpointObject(await endpointOr404(deps, id));

/** Changes url, event types, description or enabled; a new URL is checked as at registration. */
export async function changeEndpoint(
  deps: WebhookDeps,
  id: string,
  body: { url?: string; event_types?: EventType[]; description?: string | null; enabled?: boolean },
  budget: RequestBudget,
) {
  await endpointOr404(deps, id);
  const changes: Partial<EndpointRow> = { updated_at: new Date().toISOString() };
  if (body.url !== undefined) changes.url = await checkEndpointUrl(body.url, deps.config, deps.resolve);
  if (body.event_types !== undefined) changes.event_types = JSON.stringify(body.event_types);
  if (body.description !== undefined) changes.description = body.description;
  if (body.enabled !== undefined) {
    changes.enabled = body.enabled ? 1 : 0;
    changes.disabled_reason = body.enabled ? null : "admin";
    if (body.enabled) changes.failing_since = null;
  }
  const row = await deps.database.runInTransaction(budget, (trx) => updateEndpoint(trx, id, changes));
  if (!row) throw new AppError("webhook_endpoint_not_found");
  if (body.enabled) deps.wake();
  return toEndpointObject(row);
}

export async function removeEndpoint(deps: WebhookDeps, id: string, budget: RequestBudget): Promise<void> {
  const deleted = await deps.database.runInTransaction(budget, (trx) => deleteEndpoint(trx, id));
  if (!deleted) throw new AppError("webhook_endpoint_not_found");
}

/** A new secret, shown once; the one it replaces keeps signing for 24 hours. */
export async function rotateSecret(deps: WebhookDeps, id: string, budget: RequestBudget) {
  const current = await endpointOr404(deps, id);
  const now = Date.now();
  const secret = newSecret();
  const row = await deps.database.runInTransaction(budget, (trx) =>
    updateEndpoint(trx, id, {
      secret,
      previous_secret: current.secret,
      previous_secret_expires_at: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
      updated_at: new Date(now).toISOString(),
    }),
  );
  if (!row) throw new AppError("webhook_endpoint_not_found");
  return { ...toEndpointObject(row), secret };
}

/**
 * Sends a `webhook.test` event to the endpoint now, once (no retries; redeliver sends it again),
 * and answers with how the receiver took it. It is logged as a delivery; it is not in the feed.
 */
export async function sendTest(deps: WebhookDeps, id: string, budget: RequestBudget) {
  await endpointOr404(deps, id);
  const now = new Date().toISOString();
  const event = {
    id: newId("evt"),
    type: "webhook.test" as const,
    userId: null,
    data: { endpoint_id: id, message: "A test event from Valara: this endpoint receives webhooks." },
  };
  const delivery = newDelivery(id, event, null, now);
  const owner = newId("tst");
  const leaseUntil = new Date(Date.now() + deps.config.timeoutMs + 5_000).toISOString();
  await deps.database.runInTransaction(budget, (trx) =>
    insertEventsAndDeliveries(
      trx,
      [
        {
          id: event.id,
          position: null,
          type: event.type,
          user_id: null,
          data: JSON.stringify(event.data),
          created_at: now,
        },
      ],
      // Leased to this request from the start, so no worker sends it meanwhile.
      [{ ...delivery, lease_owner: owner, locked_until: leaseUntil }],
    ),
  );
  const [claimed] = await loadClaimed(deps.database, owner, [delivery.id]);
  if (!claimed) throw new AppError("webhook_endpoint_not_found");
  const result = await sendDelivery(deps.sender, claimed);
  await recordOutcome(deps, owner, deps.config.retryScheduleSeconds, {
    delivery: claimed,
    result,
    at: new Date(),
    final: true,
  });
  return {
    delivery_id: delivery.id,
    event_id: event.id,
    ok: result.status !== null && result.status >= 200 && result.status < 300,
    status: result.status,
    duration_ms: result.durationMs,
    error: result.error,
  };
}

/** The delivery as the API shows it. */
export function toDeliveryObject(row: DeliveryRow) {
  const final = row.status === "succeeded" || row.status === "dead";
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_response_status: row.last_status,
    last_error: row.last_error,
    last_duration_ms: row.last_duration_ms,
    next_attempt_at: final ? null : row.next_attempt_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const isDeliveryPosition = (value: unknown): value is { c: string; id: string } =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { c?: unknown }).c === "string" &&
  typeof (value as { id?: unknown }).id === "string";

/** An endpoint's deliveries, newest first. */
export async function listDeliveryPage(
  deps: WebhookDeps,
  endpointId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  await endpointOr404(deps, endpointId);
  const scope = `webhook-deliveries:${endpointId}`;
  const before =
    page.cursor === undefined ? undefined : decodeCursor(deps.secret, scope, page.cursor, isDeliveryPosition);
  const rows = await listDeliveries(
    deps.database.db,
    endpointId,
    page.limit + 1,
    before && { createdAt: before.c, id: before.id },
  );
  const data = rows.slice(0, page.limit).map(toDeliveryObject);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { data, next_cursor: last ? encodeCursor(deps.secret, scope, { c: last.created_at, id: last.id }) : null };
}

/** Queues a delivery again now, whatever its status, with a fresh schedule of attempts. */
export async function redeliver(deps: WebhookDeps, id: string, budget: RequestBudget) {
  const row = await findDelivery(deps.database.db, id);
  if (!row) throw new AppError("webhook_delivery_not_found");
  await deps.database.runInTransaction(budget, (trx) => requeueDelivery(trx, id, new Date().toISOString()));
  deps.wake();
  const updated = await findDelivery(deps.database.db, id);
  return toDeliveryObject(updated ?? row);
}
