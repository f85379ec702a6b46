import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import type { SendOptions, TestApp } from "./support/harness.js";
import { errorOf, holdUserLock, makeUser, patchUser, send, startTestApp, storedUser } from "./support/harness.js";

let t: TestApp;
/** Each describe gets its own app on its own fresh database. */
function ownApp() {
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
}

interface Entry {
  id: string;
  at: string;
  actor_id: string;
  request_id: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}
interface Page {
  data: Entry[];
  next_cursor: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const missingId = () => randomBytes(24).toString("hex").slice(0, 32);
const put = (id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PUT", `/api/v1/users/${encodeURIComponent(id)}`, body, options);
const history = (id: string, key: string, query = "") =>
  send(t, "GET", `/api/v1/users/${encodeURIComponent(id)}/history${query}`, undefined, { key });

async function page(id: string, key: string, query = ""): Promise<Page> {
  const response = await history(id, key, query);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Page;
}

/** The whole history of a user, newest first (one page of 200). */
async function entries(id: string, key: string): Promise<Entry[]> {
  const result = await page(id, key, "?limit=200");
  assert.equal(result.next_cursor, null);
  return result.data;
}

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(errorOf(response).code, code, response.body);
}

/** A write that must answer 200; returns its X-Request-Id. */
function requestIdOf(response: LightMyRequestResponse): string {
  assert.equal(response.statusCode, 200, response.body);
  const id = response.headers["x-request-id"];
  assert.equal(typeof id, "string");
  return id as string;
}

describe("history: what a write records", () => {
  ownApp();

  it("a self-PATCH records one entry: at, the owner as actor, its request id, snake_case changes", async () => {
    const agent = await makeUser(t);
    const startedAt = Date.now();
    const requestId = requestIdOf(
      await patchUser(t, agent.id, { title: "Broker", cellPhone: "+1-555-0123" }, { key: agent.key }),
    );
    const [entry, ...rest] = await entries(agent.id, agent.key);
    assert.equal(rest.length, 0);
    assert.ok(entry);
    assert.match(entry.at, ISO);
    assert.ok(Math.abs(Date.parse(entry.at) - startedAt) < 60_000);
    assert.equal(entry.actor_id, agent.id);
    assert.equal(entry.request_id, requestId);
    assert.equal(typeof entry.id, "string");
    assert.deepEqual(entry.changes, {
      title: { from: null, to: "Broker" },
      cell_phone: { from: null, to: "+1-555-0123" },
    });
  });

  it("an admin's PATCH and PUT record the admin as actor, with API values (booleans as booleans)", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const patchId = requestIdOf(await patchUser(t, agent.id, { display_name: "Ann" }, { key: admin.key }));
    const putId = requestIdOf(
      await put(agent.id, { isActive: false, role: "admin", licenseState: "tx" }, { key: admin.key }),
    );
    const reactivateId = requestIdOf(await put(agent.id, { is_active: true }, { key: admin.key }));
    const [reactivate, putEntry, patchEntry] = await entries(agent.id, admin.key);
    assert.equal(patchEntry?.actor_id, admin.id);
    assert.equal(patchEntry?.request_id, patchId);
    assert.deepEqual(patchEntry?.changes, { display_name: { from: null, to: "Ann" } });
    assert.equal(putEntry?.actor_id, admin.id);
    assert.equal(putEntry?.request_id, putId);
    assert.deepEqual(putEntry?.changes, {
      license_state: { from: null, to: "TX" },
      is_active: { from: true, to: false },
      role: { from: "user", to: "admin" },
    });
    assert.equal(reactivate?.request_id, reactivateId);
    assert.deepEqual(reactivate?.changes, { is_active: { from: false, to: true } });
  });

  it("a client-supplied X-Request-Id is the entry's request_id", async () => {
    const agent = await makeUser(t);
    const headers = { "x-request-id": `client-${randomBytes(6).toString("hex")}` };
    const requestId = requestIdOf(await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key, headers }));
    assert.equal(requestId, headers["x-request-id"]);
    assert.equal((await entries(agent.id, agent.key))[0]?.request_id, headers["x-request-id"]);
  });

  it("only the fields that really changed are in an entry", async () => {
    const agent = await makeUser(t);
    requestIdOf(await patchUser(t, agent.id, { title: "A", city: "Austin" }, { key: agent.key }));
    requestIdOf(await patchUser(t, agent.id, { title: "B", city: "Austin" }, { key: agent.key }));
    const [newest] = await entries(agent.id, agent.key);
    assert.deepEqual(newest?.changes, { title: { from: "A", to: "B" } });
  });

  it("a no-op (same values, or {}) records nothing", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    requestIdOf(await patchUser(t, agent.id, { title: "Same", bio: "b" }, { key: agent.key }));
    requestIdOf(await patchUser(t, agent.id, { title: "Same" }, { key: agent.key }));
    requestIdOf(await patchUser(t, agent.id, { title: " Same ", bio: "b" }, { key: agent.key }));
    requestIdOf(await patchUser(t, agent.id, {}, { key: agent.key }));
    requestIdOf(await put(agent.id, {}, { key: admin.key }));
    requestIdOf(await put(agent.id, { is_active: true, role: "user", title: "Same" }, { key: admin.key }));
    assert.equal((await entries(agent.id, agent.key)).length, 1);
  });

  it("rejected writes (422, 403, 412) record nothing", async () => {
    const [agent, other] = [await makeUser(t), await makeUser(t)];
    const response = await patchUser(t, agent.id, { title: "First" }, { key: agent.key });
    requestIdOf(response);
    const stale = response.headers.etag as string;
    requestIdOf(await patchUser(t, agent.id, { title: "Second" }, { key: agent.key }));
    expectError(
      await patchUser(t, agent.id, { title: "x", avatar_url: "nope" }, { key: agent.key }),
      422,
      "validation_failed",
    );
    expectError(await patchUser(t, agent.id, { title: "x" }, { key: other.key }), 403, "forbidden");
    expectError(await patchUser(t, agent.id, { role: "admin" }, { key: agent.key }), 403, "admin_only_fields");
    expectError(await put(agent.id, { title: "x" }, { key: agent.key }), 403, "forbidden");
    const precondition = { key: agent.key, headers: { "if-match": stale } };
    expectError(await patchUser(t, agent.id, { title: "x" }, precondition), 412, "precondition_failed");
    const all = await entries(agent.id, agent.key);
    assert.deepEqual(
      all.map((entry) => entry.changes.title?.to),
      ["Second", "First"],
    );
  });
});

describe("history: order and pagination", () => {
  ownApp();

  it("newest first; limit and next_cursor walk every entry exactly once", async () => {
    const agent = await makeUser(t);
    const requestIds: string[] = [];
    for (let i = 1; i <= 12; i++) {
      requestIds.push(requestIdOf(await patchUser(t, agent.id, { title: `Title ${i}` }, { key: agent.key })));
    }
    const walked: Entry[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const result = await page(agent.id, agent.key, query);
      sizes.push(result.data.length);
      walked.push(...result.data);
      cursor = result.next_cursor;
    } while (cursor !== null && sizes.length < 10);
    assert.deepEqual(sizes, [5, 5, 2]);
    assert.equal(new Set(walked.map((entry) => entry.id)).size, 12, "no entry twice");
    assert.deepEqual(
      walked.map((entry) => entry.request_id),
      [...requestIds].reverse(),
      "newest first",
    );
    assert.deepEqual(
      walked.map((entry) => entry.changes.title?.to),
      Array.from({ length: 12 }, (_, i) => `Title ${12 - i}`),
    );
    const times = walked.map((entry) => Date.parse(entry.at));
    assert.ok(
      times.every((time, i) => i === 0 || time <= (times[i - 1] as number)),
      "at never increases",
    );
    assert.deepEqual(walked, await entries(agent.id, agent.key), "the pages equal the whole list");
  });

  it("exactly limit entries: next_cursor is null", async () => {
    const agent = await makeUser(t);
    for (const title of ["a", "b", "c"]) requestIdOf(await patchUser(t, agent.id, { title }, { key: agent.key }));
    const result = await page(agent.id, agent.key, "?limit=3");
    assert.equal(result.data.length, 3);
    assert.equal(result.next_cursor, null);
    assert.deepEqual(await page(agent.id, agent.key), { data: await entries(agent.id, agent.key), next_cursor: null });
  });

  it("a tampered cursor: 422 invalid_cursor", async () => {
    const agent = await makeUser(t);
    for (const title of ["a", "b", "c"]) requestIdOf(await patchUser(t, agent.id, { title }, { key: agent.key }));
    const cursor = (await page(agent.id, agent.key, "?limit=1")).next_cursor as string;
    assert.equal(typeof cursor, "string");
    const [payload, signature] = cursor.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ seq: 1_000_000 })).toString("base64url");
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    for (const bad of [`${forged}.${signature}`, `${payload}.${flipped}`, `${cursor}x`, "garbage", `${cursor}.x`]) {
      expectError(await history(agent.id, agent.key, `?cursor=${encodeURIComponent(bad)}`), 422, "invalid_cursor");
    }
  });

  it("a cursor from one user's history used on another's: 422 invalid_cursor", async () => {
    const [admin, first, second] = [await makeUser(t, "admin"), await makeUser(t), await makeUser(t)];
    for (const agent of [first, second]) {
      for (const title of ["a", "b"]) requestIdOf(await patchUser(t, agent.id, { title }, { key: agent.key }));
    }
    const cursor = (await page(first.id, admin.key, "?limit=1")).next_cursor as string;
    assert.equal(typeof cursor, "string");
    const query = `?limit=1&cursor=${encodeURIComponent(cursor)}`;
    assert.equal((await page(first.id, admin.key, query)).data.length, 1);
    expectError(await history(second.id, admin.key, query), 422, "invalid_cursor");
    expectError(await history(second.id, second.key, query), 422, "invalid_cursor");
  });

  it("limit 0, 201 or abc: 422 validation_failed", async () => {
    const agent = await makeUser(t);
    for (const limit of ["0", "201", "abc", "-1", ""]) {
      expectError(await history(agent.id, agent.key, `?limit=${limit}`), 422, "validation_failed");
    }
    assert.equal((await history(agent.id, agent.key, "?limit=200")).statusCode, 200);
    assert.equal((await history(agent.id, agent.key, "?limit=1")).statusCode, 200);
  });
});

describe("history: who may read it", () => {
  ownApp();

  it("the owner, an admin, and `me`", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    requestIdOf(await patchUser(t, agent.id, { title: "Mine" }, { key: agent.key }));
    const own = await entries(agent.id, agent.key);
    assert.equal(own.length, 1);
    assert.deepEqual(await entries(agent.id, admin.key), own);
    assert.deepEqual(await entries("me", agent.key), own);
    assert.deepEqual(await entries("me", admin.key), [], "`me` is the admin's own (empty) history");
  });

  it("another non-admin, or a missing id: 404 user_not_found; an admin on a missing id: 404", async () => {
    const [admin, agent, other] = [await makeUser(t, "admin"), await makeUser(t), await makeUser(t)];
    requestIdOf(await patchUser(t, agent.id, { title: "Private" }, { key: agent.key }));
    const foreign = await history(agent.id, other.key);
    expectError(foreign, 404, "user_not_found");
    assert.ok(!foreign.body.includes("Private"));
    expectError(await history(missingId(), other.key), 404, "user_not_found");
    expectError(await history(missingId(), admin.key), 404, "user_not_found");
  });

  it("no credentials: 401", async () => {
    const agent = await makeUser(t);
    const response = await send(t, "GET", `/api/v1/users/${agent.id}/history`);
    assert.equal(response.statusCode, 401, response.body);
    errorOf(response);
  });
});

describe("history: recorded in the same transaction as the change", () => {
  let baseUrl: string;
  before(async () => {
    t = await startTestApp();
    baseUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  after(() => t.close());

  it("20 concurrent PATCHes of one field: stored value = newest entry's `to`; entries form a chain", async () => {
    const agent = await makeUser(t);
    const values = Array.from({ length: 20 }, (_, i) => `Concurrent ${i}`);
    // A second connection holds the user's write lock (SQLite: the database's) while the requests
    // arrive, so they all read the same row and then race for the write once it is released.
    const release = await holdUserLock(t, agent.id);
    const pending = Promise.all(
      values.map((title) =>
        fetch(`${baseUrl}/api/v1/users/${agent.id}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${agent.key}`, "content-type": "application/json" },
          body: JSON.stringify({ title }),
        }),
      ),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await release();
    }
    const responses = await pending;
    const statuses = responses.map((response) => response.status);
    assert.deepEqual(
      statuses,
      values.map(() => 200),
      String(statuses),
    );
    const requestIds = new Set(responses.map((response) => response.headers.get("x-request-id")));
    const all = await entries(agent.id, agent.key);
    assert.equal(all.length, 20, "one entry per change");
    assert.deepEqual(new Set(all.map((entry) => entry.request_id)), requestIds);
    assert.deepEqual(new Set(all.map((entry) => entry.changes.title?.to)), new Set(values));
    assert.equal((await storedUser(t, agent.id))?.title, all[0]?.changes.title?.to);
    const chain = [...all].reverse();
    assert.equal(chain[0]?.changes.title?.from, null, "the oldest entry starts from the original value");
    for (let i = 1; i < chain.length; i++) {
      assert.equal(chain[i]?.changes.title?.from, chain[i - 1]?.changes.title?.to, `entry ${i} follows entry ${i - 1}`);
    }
  });
});
