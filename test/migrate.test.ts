import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { ownMigrations } from "../src/db/migrate.js";
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
        "004_user_history_plain_rowid",
        "005_webhooks",
      ]);
    } finally {
      await Promise.all(instances.map((services) => services.close()));
    }
  });
});

describe(`upgrading history to a plain rowid (${dialect})`, () => {
  const database = freshDatabase();

  it("004 keeps every history row and its number; new rows follow on, and SQLite drops AUTOINCREMENT", async () => {
    const services = open(database.url);
    try {
      await services.migrate();
      const { db } = services.database;
      // A database as 003 left it: the history table exactly as 002 creates it, 004 and 005 not run.
      await db
        .deleteFrom("valara_migration" as never)
        .where("name" as never, "in", ["004_user_history_plain_rowid", "005_webhooks"] as never)
        .execute();
      await db.schema.dropTable("user_history").execute();
      for (const table of ["webhook_endpoint", "webhook_event", "webhook_delivery", "webhook_relay_state"]) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.dropIndex("user_unrelayed_idx").execute();
      await db.schema.alterTable("user").dropColumn("webhook_relayed").execute();
      await ownMigrations(dialect)["002_user_history"]?.up(db);
      const entry = (n: number) => ({
        user_id: `u${n % 2}`,
        at: `2026-01-0${n}T00:00:00.000Z`,
        actor_id: "a",
        request_id: `r${n}`,
        changes: `{"n":${n}}`,
      });
      for (const n of [1, 2, 3]) await db.insertInto("user_history").values(entry(n)).execute();
      const columns = ["seq", "user_id", "at", "actor_id", "request_id", "changes"] as const;
      const before = await db.selectFrom("user_history").select(columns).orderBy("seq").execute();

      assert.deepEqual((await services.migrate()).applied, ["004_user_history_plain_rowid", "005_webhooks"]);
      assert.deepEqual(await db.selectFrom("user_history").select(columns).orderBy("seq").execute(), before);
      const next = await db.insertInto("user_history").values(entry(4)).returning("seq").executeTakeFirstOrThrow();
      assert.equal(Number(next.seq), Math.max(...before.map((row) => Number(row.seq))) + 1);
      const pageOfU0 = await db
        .selectFrom("user_history")
        .select("request_id")
        .where("user_id", "=", "u0")
        .orderBy("seq", "desc")
        .execute();
      assert.deepEqual(
        pageOfU0.map((row) => row.request_id),
        ["r4", "r2"],
      );

      if (dialect === "sqlite") {
        const schema = await sql<{
          type: string;
          name: string;
          sql: string;
        }>`select type, name, sql from sqlite_master where tbl_name = 'user_history'`.execute(db);
        const table = schema.rows.find((row) => row.type === "table");
        assert.ok(table && !/autoincrement/i.test(table.sql), table?.sql);
        assert.ok(
          schema.rows.some((row) => row.name === "user_history_user_seq_idx"),
          JSON.stringify(schema.rows),
        );
        const sequence = await sql`select name from sqlite_sequence where name = 'user_history'`.execute(db);
        assert.equal(sequence.rows.length, 0);
      }
    } finally {
      await services.close();
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
