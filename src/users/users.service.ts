import type { Caller } from "../auth/credentials.js";
import type { Database } from "../db/database.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { readProfilePatch } from "./patch-body.js";
import { findUserById, updateProfileIfUnchanged } from "./users.repository.js";

// Compare-and-set retries when other writers keep changing the same fields under us.
const MAX_WRITE_ATTEMPTS = 8;

/** `me` names the caller in any user path. */
export const resolveUserId = (caller: Caller, userId: string) => (userId === "me" ? caller.user.id : userId);

/** Rule 2: a non-admin may only name themself (403 whether or not the other user exists). */
export function assertMayWrite(caller: Caller, userId: string) {
  if (!caller.isAdmin && resolveUserId(caller, userId) !== caller.user.id) {
    throw new AppError("forbidden", { message: "You may only change your own profile." });
  }
}

/** Reads a user the caller may see; anything else is 404 so ids cannot be probed. */
export async function getUser(database: Database, caller: Caller, userId: string): Promise<UserRow> {
  const id = resolveUserId(caller, userId);
  if (id === caller.user.id) return caller.user;
  const user = caller.isAdmin ? await findUserById(database.db, id) : undefined;
  if (!user) throw new AppError("user_not_found");
  return user;
}

/** PATCH rules 4 to 8 (1 to 3 ran before the body was read): a partial, atomic profile update. */
export async function patchUserProfile(
  database: Database,
  caller: Caller,
  userId: string,
  body: unknown,
): Promise<UserRow> {
  const read = readProfilePatch(body);
  switch (read.kind) {
    case "not_object":
      throw new AppError("invalid_json", { message: "The body must be a JSON object." });
    case "admin_only_fields":
      throw caller.isAdmin
        ? new AppError("admin_only_fields", {
            status: 422,
            message: "These fields can only be changed with PUT.",
            hint: `Use PUT /api/v1/users/${encodeURIComponent(userId)} for admin-only fields.`,
            details: { fields: read.fields },
          })
        : new AppError("admin_only_fields", { details: { fields: read.fields } });
    case "invalid":
      throw new AppError("validation_failed", {
        message: `Invalid fields: ${[...new Set(read.errors.map((error) => error.field))].join(", ")}.`,
        details: { errors: read.errors },
      });
  }

  const id = resolveUserId(caller, userId);
  // The caller's own row came with authentication: a self-PATCH needs no extra read.
  let current = id === caller.user.id ? caller.user : await findUserById(database.db, id);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (!current) throw new AppError("user_not_found");
    const snapshot = current;
    const changes = read.patch.filter(([spec, value]) => snapshot[spec.column] !== value);
    if (changes.length === 0) return current;
    const updated = await updateProfileIfUnchanged(database.db, database.dialect, current, changes, new Date());
    if (updated) return updated;
    current = await findUserById(database.db, id);
  }
  throw new AppError("service_unavailable", { message: "The profile is being changed by others; retry." });
}
