import { truthy } from "../auth/user-state.js";
import type { UserRow } from "../db/schema.js";
import type { AdminPatch, ProfilePatch } from "./patch-body.js";
import type { AccountStatus } from "./user-fields.js";

/** One column a write will change: its API name and values (the repository encodes `to` for its column). */
export interface ColumnChange {
  field: string;
  column: keyof UserRow;
  from: unknown;
  to: unknown;
}

/** The user's admin-field values as the API shows them. */
export function adminValues(row: UserRow) {
  return {
    email: row.email,
    role: row.role ?? "user",
    is_active: truthy(row.is_active),
    email_verified: truthy(row.emailVerified),
    account_status: (row.account_status ?? "active") as AccountStatus,
  };
}

/** The changes a patch really makes to `current`: fields whose value differs, nothing else. */
export function diffUser(current: UserRow, profile: ProfilePatch, admin: AdminPatch): ColumnChange[] {
  const changes: ColumnChange[] = [];
  for (const [spec, value] of profile) {
    const from = current[spec.column] ?? null;
    if (from !== value) changes.push({ field: spec.name, column: spec.column, from, to: value });
  }
  const before = adminValues(current);
  for (const [spec, value] of admin) {
    const from = before[spec.name];
    if (from !== value) changes.push({ field: spec.name, column: spec.column, from, to: value });
  }
  return changes;
}

/** True when the change locks the user out (deactivated or suspended), so sessions must go. */
export function locksOut(current: UserRow, changes: ColumnChange[]): boolean {
  if (!changes.some((change) => change.field === "is_active" || change.field === "account_status")) return false;
  const before = adminValues(current);
  const after: Record<string, unknown> = { ...before };
  for (const change of changes) after[change.field] = change.to;
  const wasActive = before.is_active && before.account_status !== "suspended";
  return wasActive && (after.is_active === false || after.account_status === "suspended");
}
