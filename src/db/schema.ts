import type { AdditionalProfileColumn } from "../users/user-fields.js";

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

export interface DB {
  user: UserTable;
  apikey: ApiKeyTable;
  session: SessionTable;
}

export type UserRow = UserTable;
