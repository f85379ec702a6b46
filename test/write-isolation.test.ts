import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeUser, patchUser, send, startTestApp, storedUser, type TestApp } from "./support/harness.js";

/**
 * A transaction open on the app's own database handle (as Better Auth's are) while requests come
 * in: reads see only committed data and do not wait for it; a PATCH waits for it and is not
 * swept into it (on SQLite the two share one connection, where a PATCH that ran "at once" would
 * have joined the open transaction and been rolled back with it).
 */
describe("a PATCH and a read while another transaction is open on the app's database", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** Opens a transaction that sets `title` and holds it until the returned function rolls it back. */
  async function openTransaction(userId: string, title: string): Promise<() => Promise<void>> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const done = t.services.database.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("user").set({ title }).where("id", "=", userId).execute();
        opened();
        await held;
        throw new Error("roll back");
      })
      .catch(() => {});
    await isOpen;
    return async () => {
      release();
      await done;
    };
  }

  it("GET /me answers from committed data without waiting for the open transaction", { timeout: 10_000 }, async () => {
    const agent = await makeUser(t);
    assert.equal((await patchUser(t, "me", { title: "Committed" }, { key: agent.key })).statusCode, 200);
    const rollBack = await openTransaction(agent.id, "Uncommitted");
    try {
      const response = await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().title, "Committed");
    } finally {
      await rollBack();
    }
  });

  it("a PATCH waits for the open transaction and survives its rollback", { timeout: 10_000 }, async () => {
    const agent = await makeUser(t);
    const rollBack = await openTransaction(agent.id, "Uncommitted");
    const patched = patchUser(t, "me", { title: "From PATCH", city: "Austin" }, { key: agent.key });
    let settled = false;
    patched.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(settled, false, "the PATCH must not commit inside someone else's open transaction");
    await rollBack();
    const response = await patched;
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().title, "From PATCH");
    const stored = await storedUser(t, agent.id);
    assert.equal(stored?.title, "From PATCH");
    assert.equal(stored?.city, "Austin");
    const history = await send(t, "GET", `/api/v1/users/${agent.id}/history`, undefined, { key: agent.key });
    assert.deepEqual(history.json().data[0].changes.title, { from: null, to: "From PATCH" });
  });
});

describe("a column added to the user table while the app runs (another instance's newer migration)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("authenticates, reads and PATCHes as before", async () => {
    const agent = await makeUser(t);
    // Every hot statement has run once on the app's connections before the schema changes.
    for (let i = 0; i < 12; i++) {
      assert.equal((await patchUser(t, "me", { title: `Before ${i}` }, { key: agent.key })).statusCode, 200);
    }
    await t.services.database.db.schema.alterTable("user").addColumn("added_by_a_newer_release", "text").execute();
    for (let i = 0; i < 12; i++) {
      const patched = await patchUser(t, "me", { title: `After ${i}` }, { key: agent.key });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().title, `After ${i}`);
    }
    const read = await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key });
    assert.equal(read.statusCode, 200, read.body);
  });
});
