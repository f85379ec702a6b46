import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { callerWithKey, makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

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

describe("statement budget (contract §8), with a webhook endpoint subscribed to every event", () => {
  let t: TestApp;
  let receiver: Receiver;
  before(async () => {
    t = await startTestApp(WEBHOOK_TEST_ENV);
    receiver = await startReceiver();
    const admin = await makeUser(t, "admin");
    const endpoint = await send(t, "POST", "/api/v1/webhooks/endpoints", { url: receiver.url }, { key: admin.key });
    assert.equal(endpoint.statusCode, 201, endpoint.body);
  });
  after(async () => {
    // The PATCHes of these tests were announced: the relay ran beside them, counted apart.
    await receiver.waitFor((got) => got.some((entry) => entry.body.event_type === "user.updated"));
    await t.close();
    await receiver.close();
  });

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

  it("a self-PATCH with the dashboard's session cookie stays within three statements", async () => {
    const signUp = await send(t, "POST", "/api/auth/sign-up/email", {
      email: `budget-cookie-${Date.now()}@example.com`,
      password: "a-long-password-1",
      name: "Budget",
    });
    assert.equal(signUp.statusCode, 200, signUp.body);
    const cookie = [signUp.headers["set-cookie"] ?? []]
      .flat()
      .map((line) => line.split(";")[0])
      .join("; ");
    assert.match(cookie, /better-auth\.session_token=/);
    const id = signUp.json().user.id as string;
    let status = 0;
    const statements = await countStatements(t, async () => {
      const headers = { cookie, origin: "http://127.0.0.1:3000" };
      status = (await patchUser(t, id, { tagline: "Cookie", city: "Austin" }, { headers })).statusCode;
    });
    assert.equal(status, 200);
    assert.ok(statements >= 1 && statements <= 3, `self-PATCH ran ${statements} statements`);
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

describe("how a PATCH is written", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** patchUser of the service with a budget of `remainingMs`; statements counted, auth read aside. */
  async function patchWithBudget(remainingMs: number, title: string) {
    const service = await import("../src/users/users.service.js");
    const { RequestBudget } = await import("../src/http/request-budget.js");
    const agent = await makeUser(t);
    const caller = await callerWithKey(t, agent.key);
    let written: unknown;
    const statements = await countStatements(t, async () => {
      const outcome = await service.patchUser(
        {
          database: t.services.database,
          caller,
          requestId: `req_${title.replaceAll(" ", "_")}`,
          budget: new RequestBudget(Date.now() + remainingMs),
          ifMatch: undefined,
          idempotencyHeaders: {},
          method: "PATCH",
        },
        agent.id,
        { title },
      );
      written = outcome.kind === "written" ? outcome.user.title : undefined;
    });
    const history = await send(t, "GET", `/api/v1/users/${agent.id}/history`, undefined, { key: agent.key });
    return { statements, written, history: history.json().data };
  }

  it("writes the user and its history at once, in one statement on PostgreSQL and two on SQLite", async () => {
    const { statements, written, history } = await patchWithBudget(t.config.requestTimeoutMs, "At once");
    assert.equal(written, "At once");
    assert.equal(history.length, 1);
    assert.deepEqual(history[0].changes, { title: { from: null, to: "At once" } });
    assert.equal(statements, t.services.database.dialect === "postgres" ? 1 : 2);
  });

  it("PostgreSQL: late in its budget (less left than statement_timeout) a PATCH takes the transaction", async (context) => {
    if (t.services.database.dialect !== "postgres") return context.skip("PostgreSQL only");
    const { statements, written, history } = await patchWithBudget(500, "In a transaction");
    assert.equal(written, "In a transaction");
    assert.equal(history.length, 1);
    assert.equal(statements, 2, "the compare-and-set UPDATE and the history INSERT");
  });
});
