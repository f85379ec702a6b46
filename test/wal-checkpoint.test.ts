import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import SQLite from "better-sqlite3";
import { dialect, makeUser, patchUser, startTestApp } from "./support/harness.js";

/** The title stored in the database file itself, ignoring its WAL (read from a copy of the file alone). */
function titleInMainFile(file: string, copy: string, userId: string): string | null {
  try {
    copyFileSync(file, copy);
    const sqlite = new SQLite(copy);
    try {
      const row = sqlite.prepare('select "title" from "user" where "id" = ?').get(userId) as
        | { title: string }
        | undefined;
      return row?.title ?? null;
    } finally {
      sqlite.close();
    }
  } catch {
    return null; // copied mid-checkpoint: try again
  }
}

describe("SQLite's WAL is checkpointed by the server's worker thread", () => {
  it("a committed PATCH reaches the database file without the writer checkpointing", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    const t = await startTestApp();
    try {
      const agent = await makeUser(t);
      assert.equal((await patchUser(t, "me", { title: "Checkpointed" }, { key: agent.key })).statusCode, 200);
      // A handful of writes is far below the writer's own threshold (SQLite's 1,000 pages), so
      // only the worker can have copied this into the file.
      const file = t.config.databaseUrl.slice("file:".length);
      const copy = join(t.dir, "main-file-only.db");
      let title: string | null = null;
      for (let attempt = 0; attempt < 60 && title !== "Checkpointed"; attempt++) {
        await sleep(50);
        title = titleInMainFile(file, copy, agent.id);
      }
      assert.equal(title, "Checkpointed");
    } finally {
      await t.close();
    }
  });

  it("a clean close leaves the database in its one file: the WAL is folded in and removed", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    // A file outside the app's own folder, which its close() removes.
    const dir = mkdtempSync(join(tmpdir(), "valara-wal-close-"));
    context.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "valara.db");
    const t = await startTestApp({ DATABASE_URL: `file:${file}` });
    let agent: Awaited<ReturnType<typeof makeUser>>;
    try {
      agent = await makeUser(t);
      // The reader has read (authentication), so it holds the file open beside the writer.
      assert.equal((await patchUser(t, "me", { title: "Folded in" }, { key: agent.key })).statusCode, 200);
      assert.ok(existsSync(`${file}-wal`), "the WAL exists while the server runs");
    } finally {
      await t.close();
    }
    assert.equal(existsSync(`${file}-wal`), false, "no WAL left after close");
    const sqlite = new SQLite(file, { readonly: true });
    try {
      const row = sqlite.prepare('select "title" from "user" where "id" = ?').get(agent.id) as { title: string };
      assert.equal(row.title, "Folded in");
    } finally {
      sqlite.close();
    }
  });
});
