import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PROFILE_FIELDS } from "../src/users/user-fields.js";
import { callerWithKey, makeUser, send, startTestApp, storedUser, type TestApp } from "./support/harness.js";

const TEXT_FIELDS = PROFILE_FIELDS.filter((spec) => spec.kind === "text" && spec.nullable);

describe("concurrent PATCHes over real HTTP", () => {
  let t: TestApp;
  let baseUrl: string;
  before(async () => {
    t = await startTestApp();
    baseUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  after(() => t.close());

  const patch = (key: string, id: string, body: unknown) =>
    fetch(`${baseUrl}/api/v1/users/${id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("different fields written at the same moment all land", async () => {
    const agent = await makeUser(t);
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const responses = await Promise.all(
        TEXT_FIELDS.map((spec) => patch(agent.key, agent.id, { [spec.camel]: `${spec.name}-${round}` })),
      );
      assert.deepEqual(
        responses.map((response) => response.status),
        TEXT_FIELDS.map(() => 200),
      );
    }
    const stored = (await storedUser(t, agent.id)) as unknown as Record<string, unknown>;
    for (const spec of TEXT_FIELDS) assert.equal(stored[spec.column], `${spec.name}-${rounds - 1}`, spec.name);
  });

  it("an admin and the owner writing different fields at once lose nothing", async () => {
    const agent = await makeUser(t);
    const admin = await makeUser(t, "admin");
    const writes = [];
    for (let i = 0; i < 20; i++) {
      writes.push(patch(agent.key, agent.id, { bio: `bio ${i}` }));
      writes.push(patch(admin.key, agent.id, { officeName: `office ${i}` }));
    }
    const statuses = (await Promise.all(writes)).map((response) => response.status);
    assert.ok(
      statuses.every((status) => status === 200),
      String(statuses),
    );
    const stored = await storedUser(t, agent.id);
    assert.match(stored?.bio ?? "", /^bio \d+$/);
    assert.match(stored?.office_name ?? "", /^office \d+$/);
  });
});

describe("compare-and-set when the row changed after authentication", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("re-reads and applies the change instead of failing or overwriting blindly", async () => {
    const { patchUser } = await import("../src/users/users.service.js");
    const { RequestBudget } = await import("../src/http/request-budget.js");
    const agent = await makeUser(t);
    const caller = await callerWithKey(t, agent.key);
    // Someone else changes two fields after this caller's snapshot was taken.
    await t.services.database.db
      .updateTable("user")
      .set({ title: "Changed meanwhile", city: "Dallas" })
      .where("id", "=", agent.id)
      .execute();
    const outcome = await patchUser(
      {
        database: t.services.database,
        caller,
        requestId: "req_cas_test",
        budget: new RequestBudget(Date.now() + 10_000),
        ifMatch: undefined,
        idempotencyHeaders: {},
        method: "PATCH",
      },
      agent.id,
      { title: "Mine" },
    );
    assert.equal(outcome.kind, "written");
    const updated = outcome.kind === "written" ? outcome.user : undefined;
    assert.equal(updated?.title, "Mine");
    assert.equal(updated.city, "Dallas", "the other writer's change survives");
    assert.equal((await storedUser(t, agent.id))?.title, "Mine");
    // The history records the value really replaced, not the caller's stale one.
    const history = await send(t, "GET", `/api/v1/users/${agent.id}/history`, undefined, { key: agent.key });
    const entry = history.json().data[0];
    assert.equal(entry.request_id, "req_cas_test");
    assert.deepEqual(entry.changes, { title: { from: "Changed meanwhile", to: "Mine" } });
  });
});
