import type { AdminPatch, User } from "valara-users/client";

export type AccountStatus = "active" | "suspended" | "pending";

/** The admin-only fields (PUT), as the account section edits them. */
export interface Account {
  email: string;
  role: string;
  is_active: boolean;
  email_verified: boolean;
  account_status: AccountStatus;
}

export const accountOf = (user: User): Account => ({
  email: user.email,
  role: user.role,
  is_active: user.is_active,
  email_verified: user.email_verified,
  account_status: user.account_status,
});

export const ACCOUNT_LABELS: Record<keyof Account, string> = {
  email: "Email",
  role: "Role",
  is_active: "Active",
  email_verified: "Email verified",
  account_status: "Account status",
};

/** The PUT body: the admin-only fields that differ from the user as loaded. */
export function accountPatch(user: User, draft: Account): AdminPatch {
  const before = accountOf(user);
  const patch: Record<string, unknown> = {};
  for (const name of Object.keys(before) as (keyof Account)[]) {
    if (draft[name] !== before[name]) patch[name] = draft[name];
  }
  return patch as AdminPatch;
}

/** What of the patch needs a confirmation first: it takes access away or changes powers. */
export function risks(user: User, patch: AdminPatch): string[] {
  const said: string[] = [];
  if (patch.is_active === false)
    said.push(`${user.name} will be deactivated: their sessions end and their API keys stop working at once.`);
  if (patch.account_status === "suspended")
    said.push(`${user.name} will be suspended: their sessions end and their API keys stop working at once.`);
  if (patch.role !== undefined) said.push(`${user.name}'s role changes from ${user.role} to ${patch.role}.`);
  return said;
}
