import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, dialect } from "./support/harness.js";
import { prepareDatabase, type ServerProcess, startServerProcess } from "./support/server-process.js";

const SECRET = "multi-instance-secret-0123456789abcdef0123";

// Several instances behind a load balancer is the PostgreSQL deployment; it runs once, with the
// PostgreSQL pass of the suite.
describe("two server processes on one PostgreSQL database", {
  skip: dialect !== "postgres" && "PostgreSQL only",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-multi-"));
  let database: { url: string; drop(): Promise<void> };
  let servers: ServerProcess[] = [];
  let env: Record<string, string>;
  const users: Record<string, { id: string; key: string }> = {};

  before(async () => {
    database = await createTestDatabase(dir);
    env = { DATABASE_URL: database.url, BETTER_AUTH_SECRET: SECRET, RATE_LIMIT_WRITE: "0" };
    const roles = { agent: "user", admin: "admin", victim: "user" } as const;
    const made = await prepareDatabase(
      env,
      Object.entries(roles).map(([name, role]) => ({ name, role })),
    );
    Object.keys(roles).forEach((name, index) => {
      users[name] = made[index] as { id: string; key: string };
    });
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });

  after(async () => {
    for (const server of servers) server.child.kill("SIGTERM");
    await Promise.all(servers.map((server) => server.exited));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (server: ServerProcess, method: string, path: string, key: string, body?: unknown, headers = {}) =>
    fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const at = (i: number) => servers[i % servers.length] as ServerProcess;

  it("concurrent PATCHes of different fields through different instances lose nothing", {
    timeout: 30_000,
  }, async () => {
    const { id, key } = users.agent!;
    const fields = ["title", "tagline", "city", "bio", "office_name", "brokerage_name", "first_name", "last_name"];
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(
        fields.map((field, i) => call(at(i), "PATCH", `/api/v1/users/${id}`, key, { [field]: `${field} ${round}` })),
      );
      assert.deepEqual(
        responses.map((response) => response.status),
        fields.map(() => 200),
      );
    }
    const user = await (await call(at(0), "GET", `/api/v1/users/${id}`, key)).json();
    for (const field of fields) assert.equal(user[field], `${field} 2`);
  });

  it("an idempotency key sent to both instances at once runs the change exactly once", {
    timeout: 30_000,
  }, async () => {
    const { id, key } = users.agent!;
    for (let attempt = 0; attempt < 5; attempt++) {
      const headers = { "x-idempotency-key": `both-${attempt}-${Date.now()}` };
      const body = { display_name: `Once ${attempt}` };
      const responses = await Promise.all(
        [0, 1].map((i) => call(at(i), "PATCH", `/api/v1/users/${id}`, key, body, headers)),
      );
      const outcomes = await Promise.all(
        responses.map(async (response) => ({
          status: response.status,
          replay: response.headers.get("x-idempotent-replay"),
          code: response.status === 200 ? null : (await response.json()).error.code,
        })),
      );
      const ran = outcomes.filter((outcome) => outcome.status === 200 && outcome.replay === null);
      assert.equal(ran.length, 1, JSON.stringify(outcomes));
      const other = outcomes.find((outcome) => outcome !== ran[0]);
      assert.ok(
        (other?.status === 200 && other.replay === "true") || other?.code === "idempotency_key_in_progress",
        JSON.stringify(outcomes),
      );
      const history = await (await call(at(0), "GET", `/api/v1/users/${id}/history?limit=200`, key)).json();
      const records = history.data.filter(
        (entry: { changes: Record<string, { to: unknown }> }) => entry.changes.display_name?.to === body.display_name,
      );
      assert.equal(records.length, 1);
    }
  });

  it("an ETag from one instance is honoured by the other, and a stale one refused", { timeout: 30_000 }, async () => {
    const { id, key } = users.agent!;
    const read = await call(at(0), "GET", `/api/v1/users/${id}`, key);
    const etag = read.headers.get("etag") as string;
    const first = await call(at(1), "PATCH", `/api/v1/users/${id}`, key, { city: "Denver" }, { "if-match": etag });
    assert.equal(first.status, 200);
    const stale = await call(at(0), "PATCH", `/api/v1/users/${id}`, key, { city: "Reno" }, { "if-match": etag });
    assert.equal(stale.status, 412);
    const notModified = await call(at(0), "GET", `/api/v1/users/${id}`, key, undefined, {
      "if-none-match": first.headers.get("etag") as string,
    });
    assert.equal(notModified.status, 304);
  });

  it("a user deactivated through one instance is locked out on every instance at once", {
    timeout: 30_000,
  }, async () => {
    const victim = users.victim!;
    for (const i of [0, 1]) assert.equal((await call(at(i), "GET", "/api/v1/users/me", victim.key)).status, 200);
    const put = await call(at(0), "PUT", `/api/v1/users/${victim.id}`, users.admin!.key, { is_active: false });
    assert.equal(put.status, 200);
    for (const i of [0, 1]) {
      const response = await call(at(i), "GET", "/api/v1/users/me", victim.key);
      assert.equal(response.status, 401);
      assert.equal((await response.json()).error.code, "account_inactive");
    }
  });

  it("a rolling restart under load fails no request a load balancer would not retry", { timeout: 30_000 }, async () => {
    const { id, key } = users.agent!;
    let stop = false;
    let sent = 0;
    const failures: string[] = [];
    // A load balancer's rule: a refused connection is retried on the other instance; anything else
    // (a reset, a 5xx) reaches the client.
    const client = async (n: number) => {
      while (!stop) {
        const index = sent++;
        let answered = false;
        for (let tries = 0; tries < 2 && !answered; tries++) {
          try {
            const response = await call(at(n + index + tries), "PATCH", `/api/v1/users/${id}`, key, {
              tagline: `load ${index}`,
            });
            await response.arrayBuffer();
            if (response.status !== 200) failures.push(`status ${response.status}`);
            answered = true;
          } catch (error) {
            const code = String((error as { cause?: { code?: string } }).cause?.code);
            if (code !== "ECONNREFUSED") {
              failures.push(code);
              answered = true;
            }
          }
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(client));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const restarting = servers[1] as ServerProcess;
    restarting.child.kill("SIGTERM");
    assert.equal(await restarting.exited, 0);
    servers[1] = await startServerProcess(env);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(sent > 50, `only ${sent} requests were sent`);
  });
});
