import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { createTestDatabase, dialect } from "./support/harness.js";
import { prepareDatabase, type ServerProcess, startServerProcess } from "./support/server-process.js";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

const SECRET = "webhook-crash-secret-0123456789abcdef0123";
const LOAD_MS = 1500;

describe(`webhooks survive kill -9 (${dialect})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-hook-crash-"));
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  let admin: { id: string; key: string };
  let agents: Array<{ id: string; key: string }>;
  let receiver: Receiver;
  const servers: ServerProcess[] = [];

  before(async () => {
    const database = await createTestDatabase(dir);
    dropDatabase = database.drop;
    env = {
      ...WEBHOOK_TEST_ENV,
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: SECRET,
      RATE_LIMIT_READ: "1000000",
      RATE_LIMIT_WRITE: "1000000",
    };
    const made = await prepareDatabase(env, [
      { name: "Admin", role: "admin" },
      { name: "Agent A" },
      { name: "Agent B" },
      { name: "Agent C" },
    ]);
    [admin, ...agents] = made as [{ id: string; key: string }, ...Array<{ id: string; key: string }>];
    receiver = await startReceiver();
    // Deliveries stay in flight a while: the kill lands in the middle of some.
    receiver.delayMs = 150;
  });
  after(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
      await server.exited;
    }
    await receiver.close();
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every history row committed, read from the database itself. */
  async function committedHistory(): Promise<Array<{ seq: number; user_id: string }>> {
    const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
    try {
      const rows = await services.database.db.selectFrom("user_history").select(["seq", "user_id"]).execute();
      return rows.map((row) => ({ seq: Number(row.seq), user_id: row.user_id }));
    } finally {
      await services.close();
    }
  }

  it("after a restart every committed change is delivered (same event ids), none that was not committed", async () => {
    const first = await startServerProcess(env);
    servers.push(first);
    const created = await fetch(`${first.baseUrl}/api/v1/webhooks/endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.key}`, "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url, event_types: ["user.updated"] }),
    });
    assert.equal(created.status, 201, await created.text());

    let killed = false;
    let acknowledged = 0;
    const clients = agents.map(async (agent) => {
      for (let n = 1; !killed; n++) {
        try {
          const response = await fetch(`${first.baseUrl}/api/v1/users/${agent.id}`, {
            method: "PATCH",
            headers: { authorization: `Bearer ${agent.key}`, "content-type": "application/json" },
            body: JSON.stringify({ title: `title ${n}` }),
          });
          await response.arrayBuffer();
          if (response.status === 200) acknowledged++;
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    // The delivery workers start with the first due delivery (their thread loads in a moment, longer
    // through the test's TypeScript loader on a busy machine): the kill must land among deliveries.
    for (let waited = 0; receiver.received.length === 0 && waited < 20_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const deliveredBeforeKill = receiver.received.length;
    first.child.kill("SIGKILL");
    killed = true;
    await first.exited;
    await Promise.all(clients);
    // The kill has landed mid-delivery. From here the receiver answers at once: one user's events
    // go one at a time (per-user order), so at 150 ms each a backlog of 700 changes from three
    // users would take 40 s to drain, which is arithmetic, not a lost delivery.
    receiver.delayMs = 0;
    assert.ok(acknowledged > 20, `only ${acknowledged} PATCHes were acknowledged`);
    assert.ok(deliveredBeforeKill > 0, "deliveries were under way when the server was killed");

    const second = await startServerProcess(env);
    servers.push(second);
    const history = await committedHistory();
    assert.ok(history.length >= acknowledged, "every acknowledged PATCH has its history row");
    const wanted = new Set(history.map((row) => `chg_${row.seq}`));
    await receiver.waitFor(
      (got) => [...wanted].every((id) => got.some((entry) => entry.body.data.history_id === id)),
      40_000,
      `${wanted.size} committed changes`,
    );
    const eventIdsByChange = new Map<string, Set<string>>();
    for (const entry of receiver.received) {
      const change = String(entry.body.data.history_id);
      assert.ok(wanted.has(change), `${change} was announced but never committed`);
      const ids = eventIdsByChange.get(change) ?? new Set();
      ids.add(entry.body.event_id);
      eventIdsByChange.set(change, ids);
    }
    for (const [change, ids] of eventIdsByChange)
      assert.equal(ids.size, 1, `${change} came with ${ids.size} event ids`);

    // SIGTERM: the workers stop inside the drain and leave no delivery leased.
    second.child.kill("SIGTERM");
    assert.equal(await second.exited, 0, second.output());
    const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
    try {
      const leased = await services.database.db
        .selectFrom("webhook_delivery")
        .select("id")
        .where("lease_owner", "is not", null)
        .execute();
      assert.deepEqual(leased, [], "no delivery left half-claimed after a clean stop");
      const pending = await services.database.db
        .selectFrom("webhook_delivery")
        .select("status")
        .where("status", "!=", "succeeded")
        .execute();
      assert.deepEqual(pending, [], "every delivery succeeded");
    } finally {
      await services.close();
    }
  });
});
