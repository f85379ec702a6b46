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

const SECRET = "webhook-multi-secret-0123456789abcdef0123";
const LOAD_MS = 2500;
const AGENTS = 6;

interface FeedItem {
  event_id: string;
  event_type: string;
  position: number;
  data: { user_id: string; history_id?: string };
}

describe(`two instances on one database: the feed and deliveries (${dialect})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-hook-multi-"));
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  let admin: { id: string; key: string };
  let agents: Array<{ id: string; key: string }>;
  let receiver: Receiver;
  let servers: ServerProcess[] = [];

  before(async () => {
    const database = await createTestDatabase(dir);
    dropDatabase = database.drop;
    env = {
      ...WEBHOOK_TEST_ENV,
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: SECRET,
      RATE_LIMIT_READ: "1000000",
      RATE_LIMIT_WRITE: "1000000",
      RATE_LIMIT_LIST: "1000000",
    };
    const made = await prepareDatabase(env, [
      { name: "Admin", role: "admin" },
      ...Array.from({ length: AGENTS }, (_, i) => ({ name: `Agent ${i}` })),
    ]);
    [admin, ...agents] = made as [{ id: string; key: string }, ...Array<{ id: string; key: string }>];
    receiver = await startReceiver();
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  after(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null) server.child.kill("SIGKILL");
      await server.exited;
    }
    await receiver.close();
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (base: string, key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  /** Reads the feed from `after` to its current end through `base`; the items and the cursor to poll from. */
  async function readOn(base: string, after: string | undefined): Promise<{ items: FeedItem[]; cursor: string }> {
    const items: FeedItem[] = [];
    let cursor = after;
    for (;;) {
      const query = `limit=50${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`;
      const page = await call(base, admin.key, "GET", `/api/v1/events?${query}`);
      assert.equal(page.status, 200, JSON.stringify(page.json));
      items.push(...(page.json.data as FeedItem[]));
      assert.equal(typeof page.json.next_cursor, "string");
      cursor = page.json.next_cursor as string;
      if (!page.json.has_more) return { items, cursor };
    }
  }

  it("concurrent PATCHes through both: the feed holds every change once, positions in commit order, no gaps", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const created = await call(a.baseUrl, admin.key, "POST", "/api/v1/webhooks/endpoints", {
      url: receiver.url,
      event_types: ["user.updated"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));

    // A reader polls the feed through B with its cursors while the writes go on: if a position
    // were ever handed out before an earlier one committed, this reader would skip it for good.
    let writing = true;
    const polled: FeedItem[] = [];
    const poller = (async () => {
      let cursor: string | undefined;
      while (writing) {
        const read = await readOn(b.baseUrl, cursor);
        polled.push(...read.items);
        cursor = read.cursor;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return cursor;
    })();

    const clients = agents.flatMap((agent, index) =>
      [0, 1].map(async (client) => {
        for (let n = 1; writing; n++) {
          const base = (n + client) % 2 === 0 ? a.baseUrl : b.baseUrl;
          const field = client === 0 ? "title" : "city";
          const answer = await call(base, agent.key, "PATCH", `/api/v1/users/${agent.id}`, {
            [field]: `${field} ${index}.${n}`,
          });
          assert.equal(answer.status, 200, JSON.stringify(answer.json));
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    writing = false;
    await Promise.all(clients);
    const lastCursor = await poller;

    const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
    let history: Array<{ seq: number; user_id: string }>;
    try {
      history = (await services.database.db.selectFrom("user_history").select(["seq", "user_id"]).execute()).map(
        (row) => ({ seq: Number(row.seq), user_id: row.user_id }),
      );
    } finally {
      await services.close();
    }
    assert.ok(history.length > 50, `only ${history.length} changes were made`);

    // The live reader, caught up, has exactly the whole feed.
    const deadline = Date.now() + 15_000;
    let cursor = lastCursor;
    const updates = () => polled.filter((item) => item.event_type === "user.updated").length;
    while (updates() < history.length && Date.now() < deadline) {
      const read = await readOn(b.baseUrl, cursor);
      polled.push(...read.items);
      cursor = read.cursor;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const whole = (await readOn(a.baseUrl, undefined)).items;
    assert.deepEqual(
      polled.map((item) => item.event_id),
      whole.map((item) => item.event_id),
      "the reader that paged during the writes skipped nothing and saw nothing twice",
    );
    assert.deepEqual(
      whole.map((item) => item.position),
      whole.map((_, index) => index + 1),
      "positions 1..N, no gaps",
    );
    const changes = whole.filter((item) => item.event_type === "user.updated").map((item) => item.data.history_id);
    assert.equal(changes.length, history.length, "every change is in the feed");
    assert.equal(new Set(changes).size, changes.length, "exactly once");
    assert.deepEqual(new Set(changes), new Set(history.map((row) => `chg_${row.seq}`)));
    // Commit order: one user's changes commit in history order (its row lock orders them).
    for (const agent of agents) {
      const seqs = whole
        .filter((item) => item.event_type === "user.updated" && item.data.user_id === agent.id)
        .map((item) => Number(String(item.data.history_id).slice(4)));
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        `${agent.id}'s changes in commit order`,
      );
    }

    // Deliveries (workers on both instances): every change, and one user's in commit order.
    await receiver.waitFor(
      (got) => new Set(got.map((entry) => entry.body.event_id)).size >= history.length,
      30_000,
      `${history.length} deliveries`,
    );
    for (const agent of agents) {
      const firsts: number[] = [];
      const seen = new Set<string>();
      for (const entry of receiver.received) {
        if (entry.body.data.user_id !== agent.id || seen.has(entry.body.event_id)) continue;
        seen.add(entry.body.event_id);
        firsts.push(Number(String(entry.body.data.history_id).slice(4)));
      }
      assert.deepEqual(
        firsts,
        [...firsts].sort((x, y) => x - y),
        `${agent.id}'s deliveries arrived in commit order`,
      );
    }
  });
});
