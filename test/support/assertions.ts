import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { errorOf, type TestApp } from "./harness.js";

/** What must never reach a client: stack frames, library internals, SQL. */
export const LEAK = /\bat .*\.[jt]s:\d+|node_modules|SQLITE_|SqliteError|\bSELECT\b|\bINSERT INTO\b|kysely/i;

/** Asserts the status, the contract's envelope (and nothing else), one of the codes and no leak. */
export function expectError(response: LightMyRequestResponse, status: number, codes: string | string[]) {
  const where = `${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.equal(response.statusCode, status, where);
  const error = errorOf(response);
  assert.ok([codes].flat().includes(error.code), `code ${error.code}, expected ${codes}: ${where}`);
  assert.deepEqual(Object.keys(response.json()), ["error"], where);
  assert.doesNotMatch(response.body, LEAK, where);
  return error;
}

/** Every user row and the history length: what a refused request must leave as it was. */
export async function stateOf(t: TestApp) {
  const db = t.services.database.db;
  // Without the webhook relay's bookkeeping, which it sets on its own schedule (not a request's write).
  const users = (await db.selectFrom("user").selectAll().orderBy("id").execute()).map((row) => {
    const { webhook_relayed: _relayed, ...user } = row as typeof row & { webhook_relayed?: unknown };
    return user as typeof row;
  });
  const history = await db.selectFrom("user_history").select(db.fn.countAll().as("n")).executeTakeFirstOrThrow();
  return { users, history: Number(history.n) };
}
