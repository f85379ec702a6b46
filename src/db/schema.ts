import type { Generated } from "kysely";
import { type AdditionalProfileColumn, PROFILE_FIELDS } from "../users/user-fields.js";

// SQLite hands back booleans as 0/1 and dates as text; PostgreSQL as boolean and Date.
export type DbBoolean = boolean | number;
export type DbDate = Date | string;

type AdditionalProfileColumns = { [column in AdditionalProfileColumn]: string | null };

/** Better Auth's user table with its admin-plugin columns and our additional fields. */
export interface UserTable extends AdditionalProfileColumns {
  id: string;
  name: string;
  email: string;
  emailVerified: DbBoolean;
  image: string | null;
  createdAt: DbDate;
  updatedAt: DbDate;
  role: string | null;
  banned: DbBoolean | null;
  is_active: DbBoolean;
  account_status: string;
}

export interface ApiKeyTable {
  id: string;
  name: string | null;
  key: string;
  referenceId: string;
  enabled: DbBoolean | null;
  expiresAt: DbDate | null;
  updatedAt: DbDate;
}

export interface SessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: DbDate;
}

/** One recorded change of a user; `changes` is JSON `{field: {from, to}}`. */
export interface UserHistoryTable {
  seq: Generated<number>;
  user_id: string;
  at: string;
  actor_id: string;
  request_id: string;
  changes: string;
  /** 1 once the webhook relay has made its events (webhooks/webhook-relay.ts). */
  relayed: Generated<number>;
}

/** A registered receiver of webhooks; `event_types` is a JSON array, null for every type. */
export interface WebhookEndpointTable {
  id: string;
  url: string;
  description: string | null;
  event_types: string | null;
  enabled: number;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

/** One event of the feed; `position` is its place in commit order (null: a webhook.test). */
export interface WebhookEventTable {
  id: string;
  position: number | string | null;
  type: string;
  user_id: string | null;
  data: string;
  created_at: string;
}

/** One event to send to one endpoint, and how sending it went. */
export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  position: number | string | null;
  user_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  lease_owner: string | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** The relay's one row: the last feed position it handed out (positions are never reused). */
export interface WebhookRelayStateTable {
  id: number;
  last_position: number | string;
}

/** A claimed idempotency key; the response columns are set once its request has run. */
export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  fingerprint: string;
  request_id: string;
  locked_until: string;
  expires_at: string;
  response_status: number | null;
  response_etag: string | null;
  response_body: string | null;
}

export interface DB {
  user: UserTable;
  apikey: ApiKeyTable;
  session: SessionTable;
  user_history: UserHistoryTable;
  idempotency_key: IdempotencyKeyTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_event: WebhookEventTable;
  webhook_delivery: WebhookDeliveryTable;
  webhook_relay_state: WebhookRelayStateTable;
}

export type UserRow = UserTable;

/**
 * Every column of the user row the app reads, named: the hot path never selects or returns
 * `"user".*`, so a column that a newer release's migration adds while this one runs leaves the
 * shape of its results, and PostgreSQL's prepared statements, as they were.
 */
export const USER_COLUMNS: readonly (keyof UserRow)[] = [
  ...new Set<keyof UserRow>([
    "id",
    "email",
    "emailVerified",
    "createdAt",
    "updatedAt",
    "role",
    "banned",
    "is_active",
    "account_status",
    ...PROFILE_FIELDS.map((spec) => spec.column),
  ]),
];

/** The user columns as a select or returning list, qualified with `table` when given. */
export const userColumnList = (table?: string): string =>
  USER_COLUMNS.map((column) => (table ? `"${table}"."${column}"` : `"${column}"`)).join(", ");
