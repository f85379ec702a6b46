import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";

/** Counts the SQL statements the process runs while `work` runs (transaction control aside). */
async function countStatements(t: TestApp, work: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const stop = t.services.database.queries.watch(() => count++);
  try {
    await work();
  } finally {
    stop();
  }
  return count;
}

describe("statement budget (contract §8)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("a self-PATCH with an API key costs at most three statements, authentication included", async () => {
    const agent = await makeUser(t);
    let status = 0;
    const statements = await countStatements(t, async () => {
      status = (await patchUser(t, agent.id, { title: `Agent ${Date.now()}`, city: "Austin" }, { key: agent.key }))
        .statusCode;
    });
    assert.equal(status, 200);
    assert.ok(statements >= 1 && statements <= 3, `self-PATCH ran ${statements} statements`);
  });

  it("a self-PATCH with a session token stays within three statements", async () => {
    const email = `budget-${Date.now()}@example.com`;
    const signUp = await send(t, "POST", "/api/auth/sign-up/email", {
      email,
      password: "a-long-password-1",
      name: "Budget",
    });
    assert.equal(signUp.statusCode, 200, signUp.body);
    const token = signUp.headers["set-auth-token"] as string;
    const id = signUp.json().user.id as string;
    let status = 0;
    const statements = await countStatements(t, async () => {
      status = (await patchUser(t, id, { tagline: "Fast" }, { key: token })).statusCode;
    });
    assert.equal(status, 200);
    assert.ok(statements <= 3, `self-PATCH ran ${statements} statements`);
  });

  it("a no-op PATCH costs only the authentication read", async () => {
    const agent = await makeUser(t);
    const statements = await countStatements(t, () => patchUser(t, agent.id, {}, { key: agent.key }));
    assert.equal(statements, 1);
  });

  it("reading the caller's own user costs one statement and writes nothing", async () => {
    const agent = await makeUser(t);
    const statements = await countStatements(t, () =>
      send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key }),
    );
    assert.equal(statements, 1);
  });
});
