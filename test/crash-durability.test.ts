import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, dialect } from "./support/harness.js";
import { prepareDatabase, type ServerProcess, startServerProcess } from "./support/server-process.js";

const SECRET = "crash-durability-secret-0123456789abcdef";
/** One writer per field, so each field's values only ever grow. */
const FIELDS = ["title", "city", "tagline", "bio", "office_name", "brokerage_name"] as const;
const LOAD_MS = 1500;

interface HistoryEntry {
  id: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** The counter in a value written as "<field> <n>", or -1 for none (null, never written). */
function counterOf(field: string, value: unknown): number {
  if (value === null || value === undefined) return -1;
  const match = new RegExp(`^${field} (\\d+)$`).exec(String(value));
  assert.ok(match, `${field} holds ${JSON.stringify(value)}, not a value a client wrote`);
  return Number(match[1]);
}

describe(`kill -9 under write load (${dialect})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-crash-"));
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  let user: { id: string; key: string };
  const servers: ServerProcess[] = [];

  before(async () => {
    const database = await createTestDatabase(dir);
    dropDatabase = database.drop;
    // Default durability settings (no SQLITE_SYNCHRONOUS); rate limits out of the way.
    env = {
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: SECRET,
      RATE_LIMIT_READ: "1000000",
      RATE_LIMIT_WRITE: "1000000",
    };
    [user] = (await prepareDatabase(env, [{ name: "Crash Test" }])) as [{ id: string; key: string }];
  });
  after(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
      await server.exited;
    }
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (base: string, method: "GET" | "PATCH", path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user.key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("keeps every acknowledged write, and the history agrees with the stored user", async (t) => {
    const first = await startServerProcess(env);
    servers.push(first);

    // Each client writes "<field> 1", "<field> 2", … back to back and remembers the highest n the
    // server acknowledged with 200.
    const acknowledged = Object.fromEntries(FIELDS.map((field) => [field, 0])) as Record<string, number>;
    const otherStatuses: number[] = [];
    let killed = false;
    const clients = FIELDS.map(async (field) => {
      for (let n = 1; !killed; n++) {
        try {
          const response = await request(first.baseUrl, "PATCH", `/api/v1/users/${user.id}`, {
            [field]: `${field} ${n}`,
          });
          await response.arrayBuffer();
          if (response.status === 200) acknowledged[field] = Math.max(acknowledged[field] as number, n);
          else otherStatuses.push(response.status);
        } catch {
          // The connection died with the server: this write may or may not have landed.
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    first.child.kill("SIGKILL");
    killed = true;
    await first.exited;
    await Promise.all(clients);
    assert.equal(first.child.signalCode, "SIGKILL");
    assert.deepEqual(otherStatuses, [], "every write before the kill answered 200");
    for (const field of FIELDS) assert.ok((acknowledged[field] as number) > 0, `no write of ${field} was acknowledged`);

    const second = await startServerProcess(env);
    servers.push(second);
    const base = second.baseUrl;

    const response = await request(base, "GET", `/api/v1/users/${user.id}`);
    assert.equal(response.status, 200, second.output());
    const stored = (await response.json()) as Record<string, unknown>;
    for (const field of FIELDS) {
      const n = counterOf(field, stored[field]);
      assert.ok(
        n >= (acknowledged[field] as number),
        `${field}: stored n=${n} but n=${acknowledged[field]} was acknowledged before the kill`,
      );
    }
    t.diagnostic(`acknowledged ${JSON.stringify(acknowledged)}; stored ${FIELDS.map((f) => stored[f]).join(", ")}`);

    // The newest history entry of each field must say it changed to the stored value.
    const newest = new Map<string, unknown>();
    let cursor: string | null = null;
    for (let page = 0; page < 100 && newest.size < FIELDS.length; page++) {
      const query: string = `?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const historyResponse = await request(base, "GET", `/api/v1/users/${user.id}/history${query}`);
      assert.equal(historyResponse.status, 200);
      const body = (await historyResponse.json()) as { data: HistoryEntry[]; next_cursor: string | null };
      for (const entry of body.data) {
        for (const [field, change] of Object.entries(entry.changes)) {
          if (!newest.has(field)) newest.set(field, change.to);
        }
      }
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    for (const field of FIELDS) {
      assert.ok(newest.has(field), `no history entry for ${field}`);
      assert.equal(newest.get(field), stored[field], `${field}: newest history entry vs stored value`);
    }

    // The restarted server is healthy and takes writes.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const patched = await request(base, "PATCH", `/api/v1/users/${user.id}`, { title: "after the crash" });
    assert.equal(patched.status, 200);
    assert.equal(((await patched.json()) as Record<string, unknown>).title, "after the crash");
    const reread = (await (await request(base, "GET", `/api/v1/users/${user.id}`)).json()) as Record<string, unknown>;
    assert.equal(reread.title, "after the crash");
  });
});
