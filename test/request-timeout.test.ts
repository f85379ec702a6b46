import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sweepExpiredKeys } from "../src/idempotency/idempotency-sweeper.plugin.js";
import {
  errorOf,
  holdUserLock,
  makeUser,
  patchUser,
  startTestApp,
  storedUser,
  type TestApp,
} from "./support/harness.js";

const historyCount = async (t: TestApp, userId: string) =>
  (await t.services.database.db.selectFrom("user_history").select("seq").where("user_id", "=", userId).execute())
    .length;

describe("the request budget (REQUEST_TIMEOUT_MS)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ REQUEST_TIMEOUT_MS: "300" });
  });
  after(() => t.close());

  it("answers 504 request_timeout when the write lock is held past the budget, and writes nothing", async () => {
    const agent = await makeUser(t);
    const before = await storedUser(t, agent.id);
    const release = await holdUserLock(t, agent.id);
    const started = Date.now();
    let response: Awaited<ReturnType<typeof patchUser>>;
    try {
      response = await patchUser(t, agent.id, { title: "Too slow" }, { key: agent.key });
    } finally {
      await release();
    }
    const elapsed = Date.now() - started;
    assert.equal(response.statusCode, 504, response.body);
    assert.equal(errorOf(response).code, "request_timeout");
    assert.ok(elapsed >= 250 && elapsed < 2_000, `answered after ${elapsed} ms`);
    assert.deepEqual(await storedUser(t, agent.id), before);
    assert.equal(await historyCount(t, agent.id), 0);

    const retry = await patchUser(t, agent.id, { title: "In time" }, { key: agent.key });
    assert.equal(retry.statusCode, 200);
    assert.equal((await storedUser(t, agent.id))?.title, "In time");
  });

  it("waits for a lock released within the budget instead of failing", async () => {
    const agent = await makeUser(t);
    const release = await holdUserLock(t, agent.id);
    setTimeout(release, 100);
    const response = await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await storedUser(t, agent.id))?.city, "Austin");
  });

  it("releases an idempotency key whose request timed out, so the retry runs", async () => {
    const agent = await makeUser(t);
    const headers = { "x-idempotency-key": `timeout-${agent.id}` };
    const release = await holdUserLock(t, agent.id);
    let first: Awaited<ReturnType<typeof patchUser>>;
    try {
      first = await patchUser(t, agent.id, { tagline: "Retry me" }, { key: agent.key, headers });
    } finally {
      await release();
    }
    assert.equal(first.statusCode, 504);
    // The key is released right after the lock goes; a client's retry comes a moment later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const retry = await patchUser(t, agent.id, { tagline: "Retry me" }, { key: agent.key, headers });
    assert.equal(retry.statusCode, 200, retry.body);
    assert.equal(retry.headers["x-idempotent-replay"], undefined);
    assert.equal((await storedUser(t, agent.id))?.tagline, "Retry me");
  });
});

describe("expired idempotency keys", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("are swept after 24 hours, and only they", async () => {
    const { db } = t.services.database;
    const row = (key: string, expiresAt: Date) => ({
      user_id: "sweep-user",
      key,
      fingerprint: "f",
      request_id: "req_x",
      locked_until: expiresAt.toISOString(),
      expires_at: expiresAt.toISOString(),
      response_status: 200,
      response_etag: null,
      response_body: "{}",
    });
    const past = new Date(Date.now() - 1_000);
    const future = new Date(Date.now() + 60_000);
    const expired = Array.from({ length: 1_200 }, (_, i) => row(`old-${i}`, past));
    for (let i = 0; i < expired.length; i += 200)
      await db
        .insertInto("idempotency_key")
        .values(expired.slice(i, i + 200))
        .execute();
    await db.insertInto("idempotency_key").values(row("fresh", future)).execute();

    assert.equal(await sweepExpiredKeys(t.services.database), 1_200);
    const left = await db.selectFrom("idempotency_key").select("key").where("user_id", "=", "sweep-user").execute();
    assert.deepEqual(left, [{ key: "fresh" }]);
  });
});
