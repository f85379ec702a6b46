import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices, type Services } from "../src/services.js";
import { createTestDatabase, dialect } from "./support/harness.js";

const SECRET = "migrate-test-secret-0123456789abcdef012345";
const run = promisify(execFile);

/** A fresh, empty database on the suite's dialect, dropped after the describe. */
function freshDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "valara-migrate-"));
  const state = { url: "", drop: async () => {} };
  before(async () => Object.assign(state, await createTestDatabase(dir)));
  after(async () => {
    await state.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return state;
}

// Server-mode services: they wait for SQLite's lock asynchronously, as instances in one process
// must (a CLI's synchronous wait would stall the instance holding the lock).
const open = (url: string) =>
  openServices(
    loadConfig({ DATABASE_URL: url, BETTER_AUTH_SECRET: SECRET, LOG_LEVEL: "silent" }),
    createLogger("silent"),
  );

describe(`migrations (${dialect})`, () => {
  const database = freshDatabase();

  it("two instances migrating a fresh database at the same moment both succeed, and apply it once", async () => {
    const instances: Services[] = [open(database.url), open(database.url), open(database.url)];
    try {
      const results = await Promise.all(instances.map((services) => services.migrate()));
      const applied = results.map((result) => result.applied);
      // One of them did the work; the others waited for it and found nothing left to do.
      assert.equal(applied.filter((names) => names.length > 0).length, 1, JSON.stringify(applied));
      const work = applied.find((names) => names.length > 0) ?? [];
      assert.ok(work.includes("better-auth: create table user"), JSON.stringify(work));
      assert.ok(work.includes("003_idempotency_key"), JSON.stringify(work));

      const again = await instances[0]?.migrate();
      assert.deepEqual(again, { applied: [] });
      const own = await instances[0]?.database.db
        .selectFrom("valara_migration" as never)
        .select("name" as never)
        .execute();
      assert.deepEqual(own?.map((row) => (row as { name: string }).name).sort(), [
        "001_user_created_at_index",
        "002_user_history",
        "003_idempotency_key",
      ]);
    } finally {
      await Promise.all(instances.map((services) => services.close()));
    }
  });
});

describe(`the valara CLI (${dialect})`, () => {
  const database = freshDatabase();
  const valara = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/valara.ts", ...args], {
      env: { ...process.env, DATABASE_URL: database.url, BETTER_AUTH_SECRET: SECRET, LOG_LEVEL: "warn" },
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  // Each command is a process of its own (about 2 s of start-up): three of them.
  it("migrates, creates a user and issues a key, with --json", async () => {
    const first = await valara("migrate", "--json");
    assert.ok((first.applied as string[]).includes("002_user_history"), JSON.stringify(first));

    const user = await valara("users", "create", "--email", "CLI.Agent@Example.com", "--name", "CLI Agent", "--json");
    assert.equal(user.email, "cli.agent@example.com");
    assert.equal(user.is_active, true);
    assert.equal(user.role, "user");

    // Found by email in any case.
    const key = await valara("api-keys", "create", "--user", "Cli.Agent@example.COM", "--json");
    assert.equal(key.user_id, user.id);
    assert.match(String(key.key), /^vk_/);
  });
});
