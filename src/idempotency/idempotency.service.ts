import { createHash } from "node:crypto";
import type { Database, Db } from "../db/database.js";
import { retryWhileBusy } from "../db/transaction.js";
import { AppError, isAppError } from "../errors/app-error.js";
import { errorBody } from "../errors/error-handler.js";
import { RequestBudget } from "../http/request-budget.js";
import { deleteClaim, findClaim, insertClaim, storeResponse, takeOverClaim } from "./idempotency.repository.js";

/** Responses are kept this long, then swept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A claim outlives its request's budget by this much before another request may take it over.
const LOCK_MARGIN_MS = 5_000;
const CLEANUP_BUDGET_MS = 2_000;
const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;

/** A response as first sent, replayed byte for byte. */
export interface StoredResponse {
  status: number;
  etag: string | null;
  /** JSON text of the body. */
  body: string;
  requestId: string;
}

/** The idempotency key of a request, from X-Idempotency-Key or Idempotency-Key; 422 if malformed. */
export function readIdempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const values = [headers["x-idempotency-key"], headers["idempotency-key"]].filter((value) => value !== undefined);
  if (values.length === 0) return undefined;
  const [first] = values;
  const invalid = (message: string) =>
    new AppError("validation_failed", {
      message,
      details: { errors: [{ field: "X-Idempotency-Key", code: "invalid_idempotency_key", message }] },
    });
  if (values.some((value) => typeof value !== "string" || value !== first)) {
    throw invalid("Send one idempotency key, in X-Idempotency-Key or Idempotency-Key.");
  }
  if (!KEY_FORMAT.test(first as string)) {
    throw invalid("The idempotency key must be 1 to 255 printable ASCII characters.");
  }
  return first as string;
}

/** Same method, path and normalised body ⇒ same fingerprint, whatever the casing of the keys. */
export function fingerprintOf(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
}

export interface IdempotentCall {
  userId: string;
  key: string;
  fingerprint: string;
  requestId: string;
  budget: RequestBudget;
}

/** What `run` gets: `store` saves the response inside the transaction that made the change. */
export type StoreResponse = (db: Db, response: Omit<StoredResponse, "requestId">) => Promise<void>;

/**
 * Runs `run` at most once per (user, key): a repeat of a finished request gets the stored
 * response; a different request under the same key 409 idempotency_key_conflict; a repeat while
 * the first still runs 409 idempotency_key_in_progress. Client errors found while running (404,
 * 409, 412) are stored like successes; our own failures release the key so a retry can run.
 */
export async function runIdempotently<T>(
  database: Database,
  call: IdempotentCall,
  run: (store: StoreResponse) => Promise<T>,
): Promise<{ replay: StoredResponse } | { result: T }> {
  const replay = await retryWhileBusy(call.budget, () => claim(database, call));
  if (replay) return { replay };
  const store: StoreResponse = (db, response) => storeResponse(db, call.userId, call.key, response);
  try {
    return { result: await run(store) };
  } catch (error) {
    if (isAppError(error) && error.status < 500) {
      const body = JSON.stringify(errorBody(error, call.requestId));
      await retryWhileBusy(call.budget, () => store(database.db, { status: error.status, etag: null, body }));
    } else {
      // On a budget of its own: the request's may be spent, and a key left claimed would block
      // retries until its lock ran out.
      const cleanup = new RequestBudget(Date.now() + CLEANUP_BUDGET_MS);
      await retryWhileBusy(cleanup, () => deleteClaim(database.db, call.userId, call.key)).catch(() => {});
    }
    throw error;
  }
}

/** Claims the key, or returns the stored response to replay; throws the 409s. */
async function claim(database: Database, call: IdempotentCall): Promise<StoredResponse | undefined> {
  const { db } = database;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now();
    const lockedUntil = new Date(now + call.budget.remainingMs + LOCK_MARGIN_MS).toISOString();
    const claimed = await insertClaim(db, {
      user_id: call.userId,
      key: call.key,
      fingerprint: call.fingerprint,
      request_id: call.requestId,
      locked_until: lockedUntil,
      expires_at: new Date(now + IDEMPOTENCY_TTL_MS).toISOString(),
      response_status: null,
      response_etag: null,
      response_body: null,
    });
    if (claimed) return undefined;
    const existing = await findClaim(db, call.userId, call.key);
    if (!existing) continue;
    if (existing.expires_at <= new Date(now).toISOString()) {
      await deleteClaim(db, call.userId, call.key, existing.expires_at);
      continue;
    }
    if (existing.fingerprint !== call.fingerprint) throw new AppError("idempotency_key_conflict");
    if (existing.response_status !== null && existing.response_body !== null) {
      return {
        status: existing.response_status,
        etag: existing.response_etag,
        body: existing.response_body,
        requestId: existing.request_id,
      };
    }
    if (existing.locked_until > new Date(now).toISOString()) throw new AppError("idempotency_key_in_progress");
    if (await takeOverClaim(db, existing, lockedUntil, call.requestId)) return undefined;
    throw new AppError("idempotency_key_in_progress");
  }
  throw new AppError("idempotency_key_in_progress");
}
