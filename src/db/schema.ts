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
