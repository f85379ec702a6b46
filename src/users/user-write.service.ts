import type { Caller } from "../auth/credentials.js";
import { type AtOnceWrite, NOT_NOW, type NotNow } from "../db/at-once-write.js";
import type { Database, Db } from "../db/database.js";
import type { Statement, SyncSql } from "../db/raw-sql.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { type HistoryEntry, insertHistoryEntry, withHistoryEntry } from "../history/history.repository.js";
import type { RequestBudget } from "../http/request-budget.js";
import {
  fingerprintOf,
  readIdempotencyKey,
  runIdempotently,
  type StoredResponse,
  type StoreResponse,
} from "../idempotency/idempotency.service.js";
import { ifMatchSatisfied, type ServedUser, served } from "./etag.js";
import type { AdminPatch, ProfilePatch } from "./patch-body.js";
import { profileUpdateStatement } from "./profile-update.pg.js";
import { type ColumnChange, diffUser, locksOut } from "./user-changes.js";
import { toUserObject } from "./user-object.js";
import {
  asEmailTaken,
  compareAndSetUser,
  findUserById,
  findUserByIdNow,
  findUserForUpdate,
  revokeSessions,
  updateUserIfUnchanged,
  updateUserIfUnchangedNow,
} from "./users.repository.js";

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

export type WriteOutcome = ({ kind: "written" } & ServedUser) | { kind: "replay"; response: StoredResponse };

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

type Written = ServedUser;

/**
 * Rules 6 to 8 against a snapshot of the user, then one compare-and-set. When the snapshot went
 * stale, the row is read again inside the same transaction, locked (Database.forUpdate), so the
 * next attempt succeeds.
 */
async function applyChanges(
  ctx: WriteContext,
  id: string,
  profile: ProfilePatch,
  admin: AdminPatch,
  store?: StoreResponse,
): Promise<Written> {
  const { database, caller } = ctx;
  const storeSuccess = (db: Db, written: Written) =>
    store?.(db, { status: 200, etag: written.etag, body: written.json });

  // The caller's own row came with authentication: a self-PATCH needs no extra read.
  const first = id === caller.user.id ? caller.user : await findUserById(database.db, id);
  const plan = planWrite(ctx, first, profile, admin);
  if (plan.noop) {
    await storeSuccess(database.db, plan.noop);
    return plan.noop;
  }
  // With no idempotency record to keep and no sessions to end, the write is tried at once; it
  // queues for the full transaction below when it cannot be, or when the row moved meanwhile.
  if (!store && !locksOut(plan.snapshot, plan.changes)) {
    let done: Written | NotNow;
    try {
      done = await database.writeNow(ctx.budget, new ChangesAtOnce(ctx, id, plan, profile, admin, new Date()));
    } catch (error) {
      throw asEmailTaken(error);
    }
    if (done !== NOT_NOW) return done;
  }
  return database.runInTransaction(ctx.budget, async (trx) => {
    const sql = database.inTransaction(trx);
    let { snapshot, changes } = plan;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        const retry = planWrite(ctx, await findUserForUpdate(trx, database, id), profile, admin);
        if (retry.noop) {
          await storeSuccess(trx, retry.noop);
          return retry.noop;
        }
        ({ snapshot, changes } = retry);
      }
      const now = new Date();
      const updated = await updateUserIfUnchanged(sql, compareAndSet(ctx, snapshot, changes, now));
      if (!updated) continue;
      const history = insertHistoryEntry(historyEntry(ctx, id, changes, now));
      await sql.rows(history.sql, history.params);
      if (locksOut(snapshot, changes)) await revokeSessions(trx, id);
      const written = writtenUser(updated);
      await storeSuccess(trx, written);
      return written;
    }
    throw new AppError("service_unavailable", { message: "The user is being changed by others; retry." });
  });
}

/** The compare-and-set of a write made at `now` (every served column guarded under If-Match). */
const compareAndSet = (ctx: WriteContext, snapshot: UserRow, changes: ColumnChange[], now: Date) =>
  compareAndSetUser(ctx.database, snapshot, changes, { wholeRow: ctx.ifMatch !== undefined, now });

/** The history entry of a write made at `at`. */
const historyEntry = (ctx: WriteContext, id: string, changes: ColumnChange[], at: Date): HistoryEntry => ({
  userId: id,
  at,
  actorId: ctx.caller.user.id,
  requestId: ctx.requestId,
  changes: Object.fromEntries(changes.map((change) => [change.field, { from: change.from, to: change.to }])),
});

/**
 * The write without queueing (Database.writeNow), made at `now`: as steps, or as one statement
 * that updates, records and commits; the database runs the form it can run at once. Either way
 * NOT_NOW when the row had moved in a way these cannot settle: nothing is written.
 */
class ChangesAtOnce implements AtOnceWrite<Written> {
  constructor(
    private readonly ctx: WriteContext,
    private readonly id: string,
    private readonly plan: PlannedChanges,
    private readonly profile: ProfilePatch,
    private readonly admin: AdminPatch,
    private readonly now: Date,
  ) {}

  /**
   * The compare-and-set and its history entry. The rules run again, against the row as this
   * transaction sees it (nobody else can write meanwhile, so it is final), when the caller's
   * snapshot is older: when an earlier write of the same transaction wrote this user (one user
   * PATCHed on several connections at once), or when the compare-and-set finds the row moved.
   */
  runSteps(sql: SyncSql, written: Map<string, unknown>): Written | NotNow {
    const { ctx, id, profile, admin, now } = this;
    const latest = written.get(id) as UserRow | undefined;
    let plan: WritePlan = latest ? planWrite(ctx, latest, profile, admin) : this.plan;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (plan.noop) return plan.noop;
      if (locksOut(plan.snapshot, plan.changes)) return NOT_NOW; // sessions to end: the full path
      const updated = updateUserIfUnchangedNow(sql, compareAndSet(ctx, plan.snapshot, plan.changes, now));
      if (updated) {
        written.set(id, updated);
        const history = insertHistoryEntry(historyEntry(ctx, id, plan.changes, now));
        sql.rows(history.sql, history.params);
        return writtenUser(updated);
      }
      plan = planWrite(ctx, findUserByIdNow(sql, id), profile, admin);
    }
    return NOT_NOW;
  }

  /**
   * Profile fields only, without If-Match: the row is locked and compared inside the statement
   * (profile-update.pg.ts), so a change made since the caller's read needs no retry. Otherwise
   * the compare-and-set with its history entry.
   */
  asOneStatement(): Statement {
    const { ctx, id, plan, now } = this;
    if (this.admin.length === 0 && ctx.ifMatch === undefined) {
      return profileUpdateStatement({
        userId: id,
        now,
        actorId: ctx.caller.user.id,
        requestId: ctx.requestId,
        patch: this.profile,
      });
    }
    return withHistoryEntry(
      compareAndSet(ctx, plan.snapshot, plan.changes, now),
      historyEntry(ctx, id, plan.changes, now),
    );
  }

  /** The new row, or none: the user is gone, the patch changes nothing any more, or the row moved. */
  fromRows(rows: unknown[]): Written | NotNow {
    const row = rows[0] as UserRow | undefined;
    return row === undefined ? NOT_NOW : writtenUser(row);
  }
}

const writtenUser = (row: UserRow): Written => served(toUserObject(row));

type PlannedChanges = { snapshot: UserRow; changes: ColumnChange[] };
type WritePlan = { noop: Written } | ({ noop?: undefined } & PlannedChanges);

/**
 * Rules 6 and 7 on a snapshot: 404 if it is gone, 412 if If-Match fails. Then either the user as
 * it stands (the patch changes nothing) or the changes to write. The user object and its ETag are
 * built only when If-Match or a no-op needs them.
 */
function planWrite(
  ctx: WriteContext,
  snapshot: UserRow | undefined,
  profile: ProfilePatch,
  admin: AdminPatch,
): WritePlan {
  if (!snapshot) throw new AppError("user_not_found");
  const served = () => writtenUser(snapshot);
  const current = ctx.ifMatch === undefined ? undefined : served();
  if (current && ctx.ifMatch !== undefined && !ifMatchSatisfied(ctx.ifMatch, current.etag)) {
    throw new AppError("precondition_failed");
  }
  const changes = diffUser(snapshot, profile, admin);
  return changes.length === 0 ? { noop: current ?? served() } : { snapshot, changes };
}
