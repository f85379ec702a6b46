import type { DbBoolean } from "../db/schema.js";

/** SQLite says 0/1, PostgreSQL true/false. */
export const truthy = (value: DbBoolean | null | undefined): boolean => value === true || value === 1;

/** False when the user may not authenticate: deactivated, suspended or banned. */
export function isUserActive(user: {
  is_active: DbBoolean;
  account_status: string;
  banned: DbBoolean | null;
}): boolean {
  return truthy(user.is_active) && user.account_status !== "suspended" && !truthy(user.banned);
}
