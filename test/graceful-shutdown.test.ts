import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { createTestDatabase, holdUserLockAt } from "./support/harness.js";
import { prepareDatabase, startServerProcess } from "./support/server-process.js";

const SECRET = "graceful-shutdown-secret-0123456789abcdef";

describe("graceful shutdown on SIGTERM", () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-shutdown-"));
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  let user: { id: string; key: string };

  before(async () => {
    const database = await createTestDatabase(dir);
    dropDatabase = database.drop;
    env = {
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: SECRET,
      LOG_LEVEL: "info",
      REQUEST_TIMEOUT_MS: "8000",
    };
    [user] = (await prepareDatabase(env, [{ name: "Shut Down" }])) as [{ id: string; key: string }];
  });
  after(async () => {
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes in-flight requests, refuses new ones, and exits 0", async () => {
    const { child, exited, baseUrl: base } = await startServerProcess(env);
    // Hold the user's write lock, as another process would, so the PATCHes are still in flight
    // when SIGTERM arrives.
    const release = await holdUserLockAt(env.DATABASE_URL as string, user.id);
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      fetch(`${base}/api/v1/users/${user.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${user.key}`, "content-type": "application/json" },
        body: JSON.stringify({ [["title", "city", "tagline", "bio", "office_name"][i] as string]: `value ${i}` }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A request arriving now is refused (connection refused, or 503 on a kept-alive socket):
    // either way a load balancer sends it elsewhere.
    const late = await fetch(`${base}/healthz`).then(
      (response) => response.status,
      () => "refused",
    );
    assert.ok(late === "refused" || late === 503, `a request after SIGTERM got ${late}`);
    await release();

    const statuses = await Promise.all(
      inFlight.map(async (response) => {
        try {
          return (await response).status;
        } catch (error) {
          return String((error as Error & { cause?: unknown }).cause ?? error);
        }
      }),
    );
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    assert.equal(await exited, 0);

    const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
    try {
      const row = await services.database.db
        .selectFrom("user")
        .select(["title", "city", "tagline", "bio", "office_name"])
        .where("id", "=", user.id)
        .executeTakeFirst();
      assert.deepEqual(row, {
        title: "value 0",
        city: "value 1",
        tagline: "value 2",
        bio: "value 3",
        office_name: "value 4",
      });
    } finally {
      await services.close();
    }
  });
});
