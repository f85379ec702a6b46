import { randomBytes } from "node:crypto";
import { ulid } from "./ids.js";

/** The API version every envelope carries. */
export const WEBHOOK_API_VERSION = "2026-12-01";

/** The event catalog (GET /api/v1/webhooks/events), declared once. */
export const EVENT_CATALOG = [
  { type: "user.signed_up", description: "A user was created: sign-up, the CLI's `users create`, or an admin." },
  { type: "user.updated", description: "A PATCH or PUT changed at least one field of a user." },
  {
    type: "user.deactivated",
    description: "A change made `is_active` false or `account_status` suspended.",
  },
  {
    type: "user.reactivated",
    description: "A change made `is_active` true again, or took `account_status` off suspended.",
  },
  { type: "webhook.test", description: "Sent by POST /api/v1/webhooks/endpoints/{id}/test only." },
] as const;

export type EventType = (typeof EVENT_CATALOG)[number]["type"];
export const EVENT_TYPES: readonly EventType[] = EVENT_CATALOG.map((entry) => entry.type);
/** The types an endpoint can subscribe to (a test is sent on request, whatever it subscribed to). */
export const SUBSCRIBABLE_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) => type !== "webhook.test");

/** A new id with its prefix: time-ordered (ULID), so ids sort roughly by creation. */
export const newId = (prefix: string) => `${prefix}_${ulid()}`;

/** `whsec_` + base64 of 32 random bytes. */
export const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** Valara's envelope of one attempt: `timestamp` and `nonce` are new on every attempt. */
export interface Envelope {
  event_id: string;
  event_type: string;
  api_version: string;
  timestamp: number;
  nonce: string;
  data: unknown;
}

/** The envelope of an event for one attempt (or one feed read) at `now`. */
export function envelopeOf(event: { id: string; type: string; data: string }, now: Date): Envelope {
  return {
    event_id: event.id,
    event_type: event.type,
    api_version: WEBHOOK_API_VERSION,
    timestamp: Math.floor(now.getTime() / 1000),
    nonce: ulid(),
    data: JSON.parse(event.data),
  };
}

/**
 * The same envelope as the JSON a delivery sends, and its timestamp: `data` is stored as JSON
 * already, so it is spliced in rather than parsed and written again.
 */
export function envelopeJson(event: { id: string; type: string; data: string }, now: Date) {
  const timestamp = Math.floor(now.getTime() / 1000);
  const body =
    `{"event_id":${JSON.stringify(event.id)},"event_type":${JSON.stringify(event.type)},` +
    `"api_version":"${WEBHOOK_API_VERSION}","timestamp":${timestamp},"nonce":"${ulid()}","data":${event.data}}`;
  return { body, timestamp };
}

type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** A history row, as the relay reads it, with the user's email and role. */
export interface HistoryForEvents {
  seq: number;
  user_id: string;
  at: string;
  actor_id: string;
  request_id: string;
  changes: string;
  email: string | null;
  role: string | null;
}

/** An event as the relay writes it, before it has a position. */
export interface NewEvent {
  id: string;
  type: EventType;
  userId: string | null;
  data: Record<string, unknown>;
}

const inactive = (isActive: unknown, status: unknown) => isActive === false || status === "suspended";

/**
 * The events of one recorded change: `user.updated`, then `user.deactivated` or
 * `user.reactivated` when the change moved the user's standing (judged on the fields it changed:
 * `is_active` true→false or `account_status` becoming suspended deactivates; the way back
 * reactivates).
 */
export function eventsOfHistory(row: HistoryForEvents): NewEvent[] {
  const changes = JSON.parse(row.changes) as FieldChanges;
  const historyId = `chg_${row.seq}`;
  const events: NewEvent[] = [
    {
      id: newId("evt"),
      type: "user.updated",
      userId: row.user_id,
      data: {
        user_id: row.user_id,
        changes,
        changed_fields: Object.keys(changes),
        actor_id: row.actor_id,
        request_id: row.request_id,
        history_id: historyId,
        changed_at: row.at,
      },
    },
  ];
  const active = changes.is_active;
  const status = changes.account_status;
  const before = inactive(active ? active.from : undefined, status ? status.from : undefined);
  const after = inactive(active ? active.to : undefined, status ? status.to : undefined);
  const lifecycle = !before && after ? "user.deactivated" : before && !after ? "user.reactivated" : null;
  if (lifecycle) {
    events.push({
      id: newId("evt"),
      type: lifecycle,
      userId: row.user_id,
      data: {
        user_id: row.user_id,
        email: row.email,
        role: row.role ?? "user",
        actor_id: row.actor_id,
        request_id: row.request_id,
        history_id: historyId,
        changed_at: row.at,
      },
    });
  }
  return events;
}

/** The `user.signed_up` event of a new user. */
export function signedUpEvent(user: { id: string; email: string; role: string | null; createdAt: string }): NewEvent {
  return {
    id: newId("evt"),
    type: "user.signed_up",
    userId: user.id,
    data: {
      user_id: user.id,
      email: user.email,
      role: user.role ?? "user",
      actor_id: user.id,
      changed_at: user.createdAt,
    },
  };
}
