import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { RequestBudget } from "../src/http/request-budget.js";
import { runIdempotently } from "../src/idempotency/idempotency.service.js";
import type { SendOptions, TestApp } from "./support/harness.js";
import { errorOf, makeUser, patchUser, send, startTestApp, storedUser } from "./support/harness.js";

let t: TestApp;
/** Each describe gets its own app on its own fresh database. */
function ownApp() {
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
}

const newKey = () => `idem-${randomBytes(8).toString("hex")}`;
const missingId = () => randomBytes(24).toString("hex").slice(0, 32);
const db = () => t.services.database.db;
const withKey = (key: string, idem: string, headers: Record<string, string> = {}): SendOptions => ({
  key,
  headers: { "x-idempotency-key": idem, ...headers },
});
const put = (id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PUT", `/api/v1/users/${encodeURIComponent(id)}`, body, options);
const historyCount = async (userId: string) =>
  (await db().selectFrom("user_history").select("seq").where("user_id", "=", userId).execute()).length;
const claimsOf = (idem: string) => db().selectFrom("idempotency_key").selectAll().where("key", "=", idem).execute();
const future = (ms = 60_000) => new Date(Date.now() + ms).toISOString();
const past = (ms = 60_000) => new Date(Date.now() - ms).toISOString();

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(errorOf(response).code, code, response.body);
}

/** A request that ran (not a replay): 200, no X-Idempotent-Replay. */
function expectRan(response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers["x-idempotent-replay"], undefined, "not a replay");
  return response;
}

/** A replay of `first`: same status, body, ETag and request id, flagged. */
function expectReplayOf(replay: LightMyRequestResponse, first: LightMyRequestResponse) {
  assert.equal(replay.statusCode, first.statusCode, replay.body);
  assert.equal(replay.headers["x-idempotent-replay"], "true");
  assert.equal(replay.body, first.body, "exactly the first response body");
  assert.equal(replay.headers.etag, first.headers.etag);
  assert.equal(replay.headers["x-request-id"], first.headers["x-request-id"], "the first request's id");
}

/** Runs `work` and asserts the user's row and history stayed exactly as they were. */
async function writesNothing(id: string, work: () => Promise<unknown>) {
  const [before, entries] = [await storedUser(t, id), await historyCount(id)];
  await work();
  assert.deepEqual(await storedUser(t, id), before, "nothing written");
  assert.equal(await historyCount(id), entries, "no history entry");
}

/** The fingerprint the service stores for a request, learned by sending it once under another key. */
async function fingerprintFor(agent: { id: string; key: string }, body: unknown) {
  const probe = newKey();
  expectRan(await patchUser(t, agent.id, body, withKey(agent.key, probe)));
  const [row] = await claimsOf(probe);
  assert.ok(row);
  return row.fingerprint;
}

describe("idempotency: replays", () => {
  ownApp();

  it("a retry returns the first response (body, ETag, request id) and writes nothing, even after other changes", async () => {
    const agent = await makeUser(t);
    const idem = newKey();
    const first = expectRan(await patchUser(t, agent.id, { title: "First" }, withKey(agent.key, idem)));
    assert.equal(first.json().title, "First");
    const expiresIn = Date.parse((await claimsOf(idem))[0]?.expires_at ?? "") - Date.now();
    assert.ok(Math.abs(expiresIn - 24 * 3_600_000) < 60_000, "kept for 24 hours");
    expectRan(await patchUser(t, agent.id, { title: "Meanwhile", city: "Austin" }, { key: agent.key }));
    await writesNothing(agent.id, async () => {
      const replay = await patchUser(t, agent.id, { title: "First" }, withKey(agent.key, idem));
      expectReplayOf(replay, first);
      assert.equal(replay.json().title, "First", "the OLD stored response");
      assert.equal(replay.json().city, null);
    });
    assert.equal((await storedUser(t, agent.id))?.title, "Meanwhile");
    assert.equal(await historyCount(agent.id), 2);
  });

  it("Idempotency-Key works the same, on PUT, and names the same key as X-Idempotency-Key", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const idem = newKey();
    const body = { role: "admin", title: "Lead" };
    const first = expectRan(await put(agent.id, body, { key: admin.key, headers: { "idempotency-key": idem } }));
    assert.equal(first.json().role, "admin");
    await writesNothing(agent.id, async () => {
      expectReplayOf(await put(agent.id, body, { key: admin.key, headers: { "idempotency-key": idem } }), first);
      expectReplayOf(await put(agent.id, body, withKey(admin.key, idem)), first);
      const both = { "idempotency-key": idem };
      expectReplayOf(await put(agent.id, body, withKey(admin.key, idem, both)), first);
    });
  });

  it("camelCase vs snake_case (and key order) of the same body replays", async () => {
    const agent = await makeUser(t);
    const idem = newKey();
    const snake = { display_name: "Ann", cell_phone: "+1-555-0123", title: "Agent" };
    const first = expectRan(await patchUser(t, agent.id, snake, withKey(agent.key, idem)));
    await writesNothing(agent.id, async () => {
      const camel = { title: "Agent", cellPhone: "+1-555-0123", displayName: "Ann" };
      expectReplayOf(await patchUser(t, agent.id, camel, withKey(agent.key, idem)), first);
      expectReplayOf(await patchUser(t, "me", snake, withKey(agent.key, idem)), first);
    });
  });

  it("the same key with a different body: 409 idempotency_key_conflict, nothing written", async () => {
    const agent = await makeUser(t);
    const idem = newKey();
    expectRan(await patchUser(t, agent.id, { title: "One" }, withKey(agent.key, idem)));
    await writesNothing(agent.id, async () => {
      for (const body of [{ title: "Two" }, { title: "One", city: "Austin" }, {}, { city: "One" }]) {
        expectError(await patchUser(t, agent.id, body, withKey(agent.key, idem)), 409, "idempotency_key_conflict");
      }
      const ifMatch = withKey(agent.key, idem, { "if-match": "*" });
      expectError(await patchUser(t, agent.id, { title: "One" }, ifMatch), 409, "idempotency_key_conflict");
    });
  });

  it("keys are scoped per user: the same key string used by two users runs twice", async () => {
    const [first, second] = [await makeUser(t), await makeUser(t)];
    const idem = newKey();
    expectRan(await patchUser(t, "me", { title: "Shared key" }, withKey(first.key, idem)));
    const other = expectRan(await patchUser(t, "me", { title: "Shared key" }, withKey(second.key, idem)));
    assert.equal(other.json().id, second.id);
    assert.equal((await storedUser(t, second.id))?.title, "Shared key");
    assert.equal(await historyCount(second.id), 1);
  });

  it("the same key on PATCH then PUT, or on another user's path: 409 idempotency_key_conflict", async () => {
    const [admin, agent, other] = [await makeUser(t, "admin"), await makeUser(t), await makeUser(t)];
    const idem = newKey();
    expectRan(await patchUser(t, agent.id, { title: "Via PATCH" }, withKey(admin.key, idem)));
    await writesNothing(other.id, async () => {
      expectError(
        await put(agent.id, { title: "Via PATCH" }, withKey(admin.key, idem)),
        409,
        "idempotency_key_conflict",
      );
      const crossUser = await patchUser(t, other.id, { title: "Via PATCH" }, withKey(admin.key, idem));
      expectError(crossUser, 409, "idempotency_key_conflict");
    });
  });
});

describe("idempotency: what is stored", () => {
  ownApp();

  it("rejected requests (422, 403, 401, 415) store nothing; the key then runs normally", async () => {
    const [agent, other] = [await makeUser(t), await makeUser(t)];
    let idem = "";
    const rejected: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      [
        "422 validation",
        () => patchUser(t, agent.id, { title: "x", avatarUrl: "nope" }, withKey(agent.key, idem)),
        422,
      ],
      ["422 invalid json", () => patchUser(t, agent.id, "[1]", withKey(agent.key, idem)), 422],
      ["403 other user", () => patchUser(t, other.id, { title: "x" }, withKey(agent.key, idem)), 403],
      ["403 admin-only", () => patchUser(t, agent.id, { role: "admin" }, withKey(agent.key, idem)), 403],
      ["403 PUT", () => put(agent.id, { title: "x" }, withKey(agent.key, idem)), 403],
      ["401 bad key", () => patchUser(t, agent.id, { title: "x" }, withKey(`vk_${newKey()}`, idem)), 401],
      ["401 no key", () => patchUser(t, agent.id, { title: "x" }, { headers: { "x-idempotency-key": idem } }), 401],
      [
        "415",
        () => patchUser(t, agent.id, '{"title":"x"}', { ...withKey(agent.key, idem), contentType: "text/plain" }),
        415,
      ],
    ];
    for (const [label, request, status] of rejected) {
      idem = newKey();
      await writesNothing(agent.id, async () => {
        const response = await request();
        assert.equal(response.statusCode, status, `${label}: ${response.body}`);
        errorOf(response);
      });
      assert.deepEqual(await claimsOf(idem), [], `${label} stored nothing`);
      const title = `After ${label}`;
      const ran = expectRan(await patchUser(t, agent.id, { title }, withKey(agent.key, idem)));
      assert.equal(ran.json().title, title);
      assert.equal((await storedUser(t, agent.id))?.title, title, label);
    }
  });

  it("a 404 (admin on a missing user) is stored and replayed", async () => {
    const admin = await makeUser(t, "admin");
    const [idem, id] = [newKey(), missingId()];
    const first = await patchUser(t, id, { title: "Ghost" }, withKey(admin.key, idem));
    expectError(first, 404, "user_not_found");
    const [row] = await claimsOf(idem);
    assert.equal(row?.response_status, 404);
    const replay = await patchUser(t, id, { title: "Ghost" }, withKey(admin.key, idem));
    expectReplayOf(replay, first);
    expectError(replay, 404, "user_not_found");
  });

  it("a 412 is stored and replayed; nothing is written", async () => {
    const agent = await makeUser(t);
    const stale = expectRan(await patchUser(t, agent.id, { title: "Old" }, { key: agent.key })).headers.etag as string;
    expectRan(await patchUser(t, agent.id, { title: "New" }, { key: agent.key }));
    const idem = newKey();
    const options = withKey(agent.key, idem, { "if-match": stale });
    await writesNothing(agent.id, async () => {
      const first = await patchUser(t, agent.id, { city: "Austin" }, options);
      expectError(first, 412, "precondition_failed");
      const replay = await patchUser(t, agent.id, { city: "Austin" }, options);
      expectReplayOf(replay, first);
    });
  });

  it("key format: empty, 256 characters, non-ASCII or control characters, two different keys: 422", async () => {
    const agent = await makeUser(t);
    const bad: Array<Record<string, string>> = [
      { "x-idempotency-key": "" },
      { "x-idempotency-key": "k".repeat(256) },
      { "idempotency-key": "k".repeat(256) },
      { "x-idempotency-key": "clé-é" },
      { "x-idempotency-key": "tab\there" },
      { "x-idempotency-key": "del\x7fkey" },
      { "x-idempotency-key": newKey(), "idempotency-key": newKey() },
    ];
    for (const headers of bad) {
      await writesNothing(agent.id, async () => {
        const response = await patchUser(t, agent.id, { title: "Bad key" }, { key: agent.key, headers });
        expectError(response, 422, "validation_failed");
      });
    }
    assert.equal(
      (await db().selectFrom("idempotency_key").select("key").where("user_id", "=", agent.id).execute()).length,
      0,
    );
    expectRan(await patchUser(t, agent.id, { title: "Longest key" }, withKey(agent.key, "k".repeat(255))));
    expectRan(await patchUser(t, agent.id, { title: "Printable" }, withKey(agent.key, " !~{}\"'<>")));
  });
});

describe("idempotency: running, abandoned and expired keys", () => {
  ownApp();

  it("a retry while the first request still runs: 409 idempotency_key_in_progress; afterwards it replays", async () => {
    const agent = await makeUser(t);
    const body = { title: "Slow write" };
    const fingerprint = await fingerprintFor(agent, body);
    const idem = newKey();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const storedBody = JSON.stringify({ stored: "by the first request" });
    const running = runIdempotently(
      t.services.database,
      {
        userId: agent.id,
        key: idem,
        fingerprint,
        requestId: "req_first_still_running",
        budget: new RequestBudget(Date.now() + 10_000),
      },
      async (store) => {
        await gate;
        await store(db(), { status: 200, etag: '"first-etag"', body: storedBody });
        return "done";
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await writesNothing(agent.id, async () => {
        const retry = await patchUser(t, agent.id, body, withKey(agent.key, idem));
        expectError(retry, 409, "idempotency_key_in_progress");
        const other = await patchUser(t, agent.id, { title: "Other" }, withKey(agent.key, idem));
        expectError(other, 409, "idempotency_key_conflict");
      });
    } finally {
      release();
    }
    assert.deepEqual(await running, { result: "done" });
    const replay = await patchUser(t, agent.id, body, withKey(agent.key, idem));
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.headers["x-idempotent-replay"], "true");
    assert.equal(replay.body, storedBody);
    assert.equal(replay.headers.etag, '"first-etag"');
    assert.equal(replay.headers["x-request-id"], "req_first_still_running");
  });

  it("an abandoned claim (locked_until in the past) is taken over by the retry", async () => {
    const agent = await makeUser(t);
    const fingerprint = await fingerprintFor(agent, { title: "Taken over" });
    expectRan(await patchUser(t, agent.id, { title: "Reset" }, { key: agent.key }));
    const idem = newKey();
    const claim = { user_id: agent.id, key: idem, fingerprint, request_id: "req_abandoned_claim_x" };
    const nulls = { response_status: null, response_etag: null, response_body: null };
    await db()
      .insertInto("idempotency_key")
      .values({ ...claim, ...nulls, locked_until: future(), expires_at: future(3_600_000) })
      .execute();
    expectError(
      await patchUser(t, agent.id, { title: "Taken over" }, withKey(agent.key, idem)),
      409,
      "idempotency_key_in_progress",
    );
    await db().updateTable("idempotency_key").set({ locked_until: past() }).where("key", "=", idem).execute();
    const ran = expectRan(await patchUser(t, agent.id, { title: "Taken over" }, withKey(agent.key, idem)));
    assert.equal((await storedUser(t, agent.id))?.title, "Taken over");
    expectReplayOf(await patchUser(t, agent.id, { title: "Taken over" }, withKey(agent.key, idem)), ran);
  });

  it("an expired key (expires_at in the past) lets the request run again", async () => {
    const agent = await makeUser(t);
    const idem = newKey();
    const first = expectRan(await patchUser(t, agent.id, { title: "Again" }, withKey(agent.key, idem)));
    expectRan(await patchUser(t, agent.id, { title: "Changed since" }, { key: agent.key }));
    await db().updateTable("idempotency_key").set({ expires_at: past() }).where("key", "=", idem).execute();
    const again = expectRan(await patchUser(t, agent.id, { title: "Again" }, withKey(agent.key, idem)));
    assert.notEqual(again.headers["x-request-id"], first.headers["x-request-id"]);
    assert.equal((await storedUser(t, agent.id))?.title, "Again");
    assert.equal(await historyCount(agent.id), 3);
    expectReplayOf(await patchUser(t, agent.id, { title: "Again" }, withKey(agent.key, idem)), again);
  });

  it("statement budget: a self-PATCH without a key costs at most 3 statements", async () => {
    const agent = await makeUser(t);
    let count = 0;
    const stop = t.services.database.queries.watch(() => count++);
    let response: LightMyRequestResponse;
    try {
      response = await patchUser(t, agent.id, { title: "Budget", city: "Austin" }, { key: agent.key });
    } finally {
      stop();
    }
    expectRan(response);
    assert.ok(count >= 1 && count <= 3, `self-PATCH ran ${count} statements`);
  });
});
