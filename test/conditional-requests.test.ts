import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
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

const STRONG = /^"[\x21\x23-\x7e]+"$/;
const get = (path: string, options: SendOptions = {}) => send(t, "GET", path, undefined, options);
const put = (id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PUT", `/api/v1/users/${encodeURIComponent(id)}`, body, options);
const historyCount = async (userId: string) =>
  (await t.services.database.db.selectFrom("user_history").select("seq").where("user_id", "=", userId).execute())
    .length;

/** A 200 carrying a strong ETag; returns the tag. */
function strongEtag(response: LightMyRequestResponse): string {
  assert.equal(response.statusCode, 200, response.body);
  const etag = response.headers.etag;
  assert.equal(typeof etag, "string", "an ETag is sent");
  assert.match(etag as string, STRONG, "a strong, quoted entity tag (no W/)");
  return etag as string;
}

const etagOf = async (id: string, key: string) => strongEtag(await get(`/api/v1/users/${id}`, { key }));

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(errorOf(response).code, code, response.body);
}

describe("ETags on reads and writes", () => {
  ownApp();

  it("GET by id, GET /me, PATCH and PUT all carry a strong ETag of the same representation", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const byId = await etagOf(agent.id, agent.key);
    assert.equal(strongEtag(await get("/api/v1/users/me", { key: agent.key })), byId);
    assert.equal(await etagOf(agent.id, admin.key), byId, "the same user has the same tag whoever reads it");
    const patched = strongEtag(await patchUser(t, agent.id, { title: "Patched" }, { key: agent.key }));
    assert.equal(await etagOf(agent.id, agent.key), patched, "the PATCH response's tag is the new GET tag");
    const putTag = strongEtag(await put(agent.id, { email_verified: true }, { key: admin.key }));
    assert.equal(await etagOf(agent.id, agent.key), putTag, "the PUT response's tag is the new GET tag");
  });

  it("the ETag changes when the user changes, and not otherwise", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const first = await etagOf(agent.id, agent.key);
    assert.equal(await etagOf(agent.id, agent.key), first, "stable across reads");
    assert.equal(strongEtag(await patchUser(t, agent.id, {}, { key: agent.key })), first, "{} is a no-op");
    const changed = strongEtag(await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key }));
    assert.notEqual(changed, first);
    assert.equal(strongEtag(await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key })), changed);
    assert.equal(strongEtag(await put(agent.id, { role: "user" }, { key: admin.key })), changed, "same role: no-op");
    const promoted = strongEtag(await put(agent.id, { role: "admin" }, { key: admin.key }));
    assert.notEqual(promoted, changed);
    assert.equal(await etagOf(agent.id, agent.key), promoted);
  });

  it("two users never share a tag", async () => {
    const [first, second] = [await makeUser(t), await makeUser(t)];
    assert.notEqual(await etagOf(first.id, first.key), await etagOf(second.id, second.key));
  });
});

describe("If-None-Match on GET", () => {
  ownApp();

  it("current tag: 304 with an empty body; on /me too", async () => {
    const agent = await makeUser(t);
    const etag = await etagOf(agent.id, agent.key);
    for (const path of [`/api/v1/users/${agent.id}`, "/api/v1/users/me"]) {
      const response = await get(path, { key: agent.key, headers: { "if-none-match": etag } });
      assert.equal(response.statusCode, 304, response.body);
      assert.equal(response.body, "");
      assert.equal(response.headers.etag, etag);
    }
  });

  it("a stale tag: 200 with the user and the new tag", async () => {
    const agent = await makeUser(t);
    const stale = await etagOf(agent.id, agent.key);
    await patchUser(t, agent.id, { title: "Newer" }, { key: agent.key });
    for (const path of [`/api/v1/users/${agent.id}`, "/api/v1/users/me"]) {
      const response = await get(path, { key: agent.key, headers: { "if-none-match": stale } });
      assert.notEqual(strongEtag(response), stale);
      assert.equal(response.json().title, "Newer");
    }
    const other = await get(`/api/v1/users/${agent.id}`, { key: agent.key, headers: { "if-none-match": '"x"' } });
    strongEtag(other);
  });

  it("`*`, a W/ version of the current tag, or a list holding it: 304 (weak comparison)", async () => {
    const agent = await makeUser(t);
    const etag = await etagOf(agent.id, agent.key);
    for (const header of ["*", `W/${etag}`, `"x", ${etag}`, `"x",W/${etag}`]) {
      const response = await get(`/api/v1/users/${agent.id}`, { key: agent.key, headers: { "if-none-match": header } });
      assert.equal(response.statusCode, 304, header);
      assert.equal(response.body, "");
    }
  });
});

describe("If-Match on PATCH and PUT", () => {
  ownApp();

  const writes = [
    ["PATCH", (id: string, body: unknown, options: SendOptions) => patchUser(t, id, body, options)],
    ["PUT", (id: string, body: unknown, options: SendOptions) => put(id, body, options)],
  ] as const;

  for (const [method, write] of writes) {
    it(`${method}: the current tag, \`*\` or a list holding it: 200`, async () => {
      const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
      const key = method === "PUT" ? admin.key : agent.key;
      let etag = await etagOf(agent.id, agent.key);
      const headers = (ifMatch: string) => ({ key, headers: { "if-match": ifMatch } });
      for (const [i, ifMatch] of [() => etag, () => "*", () => `"x", ${etag}`, () => `"a","b" ,${etag}`].entries()) {
        const response = await write(agent.id, { title: `${method} ${i}` }, headers(ifMatch()));
        etag = strongEtag(response);
        assert.equal(response.json().title, `${method} ${i}`);
        assert.equal((await storedUser(t, agent.id))?.title, `${method} ${i}`);
      }
    });

    it(`${method}: a stale tag or a W/ version of the current one: 412 precondition_failed, nothing written`, async () => {
      const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
      const key = method === "PUT" ? admin.key : agent.key;
      const stale = await etagOf(agent.id, agent.key);
      await patchUser(t, agent.id, { title: "Moved on" }, { key: agent.key });
      const current = await etagOf(agent.id, agent.key);
      for (const ifMatch of [stale, `W/${current}`, `W/${stale}`, '"nope"', current.slice(1, -1)]) {
        const [before, entries] = [await storedUser(t, agent.id), await historyCount(agent.id)];
        const response = await write(agent.id, { city: "Denied" }, { key, headers: { "if-match": ifMatch } });
        expectError(response, 412, "precondition_failed");
        assert.deepEqual(await storedUser(t, agent.id), before, `nothing written for If-Match ${ifMatch}`);
        assert.equal(await historyCount(agent.id), entries);
      }
    });
  }

  it("PUT with admin fields and a stale tag: 412, the user stays active", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const stale = await etagOf(agent.id, admin.key);
    await patchUser(t, agent.id, { title: "Changed" }, { key: agent.key });
    const response = await put(agent.id, { is_active: false }, { key: admin.key, headers: { "if-match": stale } });
    expectError(response, 412, "precondition_failed");
    assert.equal((await get("/api/v1/users/me", { key: agent.key })).statusCode, 200);
  });

  it("an unchanged user with a current tag and an unchanged body: 200 no-op with the same tag", async () => {
    const agent = await makeUser(t);
    const etag = strongEtag(await patchUser(t, agent.id, { title: "Same" }, { key: agent.key }));
    const again = await patchUser(t, agent.id, { title: "Same" }, { key: agent.key, headers: { "if-match": etag } });
    assert.equal(strongEtag(again), etag);
  });

  it("a row whose timestamps carry microseconds (written outside the service) still takes a current tag", async () => {
    const agent = await makeUser(t);
    // PostgreSQL keeps them (a JS Date does not); on SQLite this is the stored text as written.
    await sql`update "user" set "createdAt" = '2023-01-01T00:00:00.654321Z', "updatedAt" = '2024-01-01T00:00:00.123456Z' where id = ${agent.id}`.execute(
      t.services.database.db,
    );
    const etag = await etagOf(agent.id, agent.key);
    const response = await patchUser(
      t,
      agent.id,
      { title: "Micro" },
      { key: agent.key, headers: { "if-match": etag } },
    );
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await storedUser(t, agent.id))?.title, "Micro");
  });
});

describe("If-Match is checked atomically with the write", () => {
  let baseUrl: string;
  before(async () => {
    t = await startTestApp();
    baseUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  after(() => t.close());

  const patch = (key: string, id: string, body: unknown, ifMatch: string) =>
    fetch(`${baseUrl}/api/v1/users/${id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "if-match": ifMatch },
      body: JSON.stringify(body),
    });

  it("two concurrent PATCHes of different fields with the same If-Match: exactly one 200 and one 412", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    for (let round = 0; round < 6; round++) {
      const etag = await etagOf(agent.id, agent.key);
      const entries = await historyCount(agent.id);
      // A second connection holds the user's write lock (SQLite: the database's) while both
      // requests read the row, so both pass the If-Match check on the same snapshot and race for
      // the write once it is released.
      const release = await holdUserLock(t, agent.id);
      const pending = Promise.all([
        patch(agent.key, agent.id, { title: `Title ${round}` }, etag),
        patch(round % 2 ? admin.key : agent.key, agent.id, { city: `City ${round}` }, etag),
      ]);
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        await release();
      }
      const responses = await pending;
      const statuses = responses.map((response) => response.status).sort();
      assert.deepEqual(statuses, [200, 412], `round ${round}`);
      const loser = responses.find((response) => response.status === 412);
      assert.ok(loser);
      assert.equal(((await loser.json()) as { error: { code: string } }).error.code, "precondition_failed");
      const stored = await storedUser(t, agent.id);
      const titleWon = stored?.title === `Title ${round}`;
      const cityWon = stored?.city === `City ${round}`;
      assert.ok(titleWon !== cityWon, `exactly one change landed in round ${round}`);
      assert.equal(await historyCount(agent.id), entries + 1);
    }
  });
});
