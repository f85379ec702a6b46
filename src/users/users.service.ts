import type { Caller } from "../auth/credentials.js";
import type { Database } from "../db/database.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { readAdminPatch, readProfilePatch, type UserPatchResult } from "./patch-body.js";
import { adminValues } from "./user-changes.js";
import { type WriteContext, type WriteOutcome, writeUserChanges } from "./user-write.service.js";
import { findUserById } from "./users.repository.js";

/** `me` names the caller in any user path. */
export const resolveUserId = (caller: Caller, userId: string) => (userId === "me" ? caller.user.id : userId);

/** Rule 2: a non-admin may only name themself (403 whether or not the other user exists). */
export function assertMayWrite(caller: Caller, userId: string) {
  if (!caller.isAdmin && resolveUserId(caller, userId) !== caller.user.id) {
    throw new AppError("forbidden", { message: "You may only change your own profile." });
  }
}

/** Admin-only routes (PUT, the list). */
export function assertAdmin(caller: Caller) {
  if (!caller.isAdmin) throw new AppError("forbidden", { message: "Only administrators may do this." });
}

/** Reads a user the caller may see; anything else is 404 so ids cannot be probed. */
export async function getUser(database: Database, caller: Caller, userId: string): Promise<UserRow> {
  const id = resolveUserId(caller, userId);
  if (id === caller.user.id) return caller.user;
  const user = caller.isAdmin ? await findUserById(database.db, id) : undefined;
  if (!user) throw new AppError("user_not_found");
  return user;
}

function invalidBody(read: Exclude<UserPatchResult, { kind: "ok" }>, caller: Caller, userId: string): AppError {
  switch (read.kind) {
    case "not_object":
      return new AppError("invalid_json", { message: "The body must be a JSON object." });
    case "admin_only_fields":
      return caller.isAdmin
        ? new AppError("admin_only_fields", {
            status: 422,
            message: "These fields can only be changed with PUT.",
            hint: `Use PUT /api/v1/users/${encodeURIComponent(userId)} for admin-only fields.`,
            details: { fields: read.fields },
          })
        : new AppError("admin_only_fields", { details: { fields: read.fields } });
    case "invalid":
      return new AppError("validation_failed", {
        message: `Invalid fields: ${[...new Set(read.errors.map((error) => error.field))].join(", ")}.`,
        details: { errors: read.errors },
      });
  }
}

/** PATCH rules 4 to 8 (1 to 3 ran before the body was read): a partial, atomic profile update. */
export async function patchUser(ctx: WriteContext, userId: string, body: unknown): Promise<WriteOutcome> {
  const read = readProfilePatch(body);
  if (read.kind !== "ok") throw invalidBody(read, ctx.caller, userId);
  return writeUserChanges(ctx, resolveUserId(ctx.caller, userId), read.patch, []);
}

/** PUT: PATCH's merge semantics plus the admin-only fields; an admin cannot lock themself out. */
export async function putUser(
  ctx: WriteContext,
  userId: string,
  body: unknown,
  { roles, adminRoles }: { roles: readonly string[]; adminRoles: readonly string[] },
): Promise<WriteOutcome> {
  const read = readAdminPatch(body, roles);
  if (read.kind !== "ok") throw invalidBody(read, ctx.caller, userId);
  const id = resolveUserId(ctx.caller, userId);
  if (id === ctx.caller.user.id) {
    const lockout = read.admin.filter(
      ([spec, value]) =>
        (spec.name === "is_active" && value === false) ||
        (spec.name === "account_status" && value === "suspended") ||
        (spec.name === "role" && !adminRoles.includes(value as string)),
    );
    if (lockout.length > 0) {
      throw new AppError("validation_failed", {
        message: "You cannot deactivate, suspend or demote yourself.",
        details: {
          errors: lockout.map(([spec]) => ({
            field: spec.name,
            code: "self_lockout",
            message: `${spec.name} would lock you out of administration (current: ${String(adminValues(ctx.caller.user)[spec.name])})`,
          })),
        },
      });
    }
  }
  return writeUserChanges(ctx, id, read.patch, read.admin);
}
