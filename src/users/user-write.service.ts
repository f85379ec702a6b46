import type { Caller } from "../auth/credentials.js";
import type { Database } from "../db/database.js";
import { runInTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { insertHistoryEntry } from "../history/history.repository.js";
import type { RequestBudget } from "../http/request-budget.js";
import {
  fingerprintOf,
  readIdempotencyKey,
  runIdempotently,
  type StoredResponse,
  type StoreResponse,
} from "../idempotency/idempotency.service.js";
import { etagOf, ifMatchSatisfied } from "./etag.js";
import type { AdminPatch, ProfilePatch } from "./patch-body.js";
import { diffUser, locksOut } from "./user-changes.js";
import { toUserObject, type User } from "./user-object.js";
import { findUserById, revokeSessions, updateUserIfUnchanged } from "./users.repository.js";

/** Everything a write needs to know about the request it serves. */
export interface WriteContext {
  database: Database;
  caller: Caller;
  requestId: string;
  budget: RequestBudget;
  /** The If-Match header, when sent. */
  ifMatch: string | undefined;
  /** The idempotency key headers as sent; checked only once the body has passed validation. */
  idempotencyHeaders: Record<string, string | string[] | undefined>;
  /** The method, for the idempotency fingerprint (a PATCH and a PUT never replay each other). */
  method: "PATCH" | "PUT";
}

export type WriteOutcome = { kind: "written"; user: User; etag: string } | { kind: "replay"; response: StoredResponse };

// Compare-and-set retries when other writers keep changing the same fields under us.
const MAX_WRITE_ATTEMPTS = 8;

/** Writes validated changes to user `id` (rules 6 to 8), once per idempotency key. */
export async function writeUserChanges(
  ctx: WriteContext,
  id: string,
  profile: ProfilePatch,
  admin: AdminPatch,
): Promise<WriteOutcome> {
  const key = readIdempotencyKey(ctx.idempotencyHeaders);
  if (key === undefined) return { kind: "written", ...(await applyChanges(ctx, id, profile, admin)) };
  const fingerprint = fingerprintOf([
    ctx.method,
    id,
    profile.map(([spec, value]) => [spec.name, value]),
    admin.map(([spec, value]) => [spec.name, value]),
    ctx.ifMatch ?? null,
  ]);
  const outcome = await runIdempotently(
    ctx.database,
    {
      userId: ctx.caller.user.id,
      key,
      fingerprint,
      requestId: ctx.requestId,
      budget: ctx.budget,
    },
    (store) => applyChanges(ctx, id, profile, admin, store),
  );
  return "replay" in outcome ? { kind: "replay", response: outcome.replay } : { kind: "written", ...outcome.result };
}

async function applyChanges(
  ctx: WriteContext,
  id: string,
  profile: ProfilePatch,
  admin: AdminPatch,
  store?: StoreResponse,
): Promise<{ user: User; etag: string }> {
  const { database, caller } = ctx;
  const storeSuccess = (db: Parameters<StoreResponse>[0], written: { user: User; etag: string }) =>
    store?.(db, { status: 200, etag: written.etag, body: JSON.stringify(written.user) });

  // The caller's own row came with authentication: a self-PATCH needs no extra read.
  let current = id === caller.user.id ? caller.user : await findUserById(database.db, id);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    if (!current) throw new AppError("user_not_found");
    const snapshot = current;
    const before = toUserObject(snapshot);
    const etag = etagOf(before);
    if (ctx.ifMatch !== undefined && !ifMatchSatisfied(ctx.ifMatch, etag)) throw new AppError("precondition_failed");
    const changes = diffUser(snapshot, profile, admin, database.dialect);
    if (changes.length === 0) {
      await storeSuccess(database.db, { user: before, etag });
      return { user: before, etag };
    }
    const now = new Date();
    const written = await runInTransaction(database, ctx.budget, async (trx) => {
      const updated = await updateUserIfUnchanged(trx, database.dialect, snapshot, changes, {
        wholeRow: ctx.ifMatch !== undefined,
        now,
      });
      if (!updated) return undefined;
      await insertHistoryEntry(trx, {
        userId: id,
        at: now,
        actorId: caller.user.id,
        requestId: ctx.requestId,
        changes: Object.fromEntries(changes.map((change) => [change.field, { from: change.from, to: change.to }])),
      });
      if (locksOut(snapshot, changes)) await revokeSessions(trx, id);
      const user = toUserObject(updated);
      const result = { user, etag: etagOf(user) };
      await storeSuccess(trx, result);
      return result;
    });
    if (written) return written;
    current = await findUserById(database.db, id);
  }
  throw new AppError("service_unavailable", { message: "The user is being changed by others; retry." });
}
