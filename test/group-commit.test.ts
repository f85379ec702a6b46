import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { NOT_NOW } from "../src/db/at-once-write.js";
import type { SqliteDatabase } from "../src/db/sqlite-database.js";
import { RequestBudget } from "../src/http/request-budget.js";
import { dialect, makeUser, send, startTestApp, type TestApp } from "./support/harness.js";

const budget = () => new RequestBudget(Date.now() + 10_000);

/** Writes `value` into the scratch table in this turn's group; answers `value` once committed. */
const insertNow = (database: SqliteDatabase, value: string) =>
  database.writeNow(budget(), {
    runSteps: (sqlNow) => {
      sqlNow.rows('insert into "scratch" ("v") values (?)', [value]);
      return value;
    },
  });

/** What a reader of committed data sees (the read-only connection while a group is open). */
const committed = async (database: SqliteDatabase) =>
  (await database.reads.rows<{ v: string }>('select "v" from "scratch" order by "v"', [])).map((row) => row.v);

describe("SQLite group commit: the writes of one turn of the event loop share one transaction", () => {
  let t: TestApp;
  let database: SqliteDatabase;
  before(async () => {
    t = await startTestApp();
    // Used on SQLite only (each test skips itself elsewhere).
    database = t.services.database as SqliteDatabase;
    if (dialect !== "sqlite") return;
    await sql`create table "scratch" ("v" text not null unique)`.execute(database.db);
    await sql`create table "parent" ("id" text primary key)`.execute(database.db);
    await sql`create table "child" ("p" text references "parent" ("id") deferrable initially deferred)`.execute(
      database.db,
    );
  });
  after(() => t.close());

  it("nobody is answered before the commit; a write that fails is undone alone", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    const group = database.group;
    const first = insertNow(database, "a");
    assert.equal(group?.open, true, "the first write opened a group");
    const second = insertNow(database, "b");
    // A unique violation: thrown at once, undone alone.
    const duplicate = assert.rejects(insertNow(database, "a"), /UNIQUE constraint failed/);
    const declined = database.writeNow(budget(), {
      runSteps: (sqlNow) => {
        sqlNow.rows('insert into "scratch" ("v") values (?)', ["d"]);
        return NOT_NOW; // the work itself declines: its insert is rolled back
      },
    });
    assert.deepEqual(await committed(database), [], "nothing is visible before the group commits");
    assert.equal(group?.open, true, "all four ran in the same open group");
    assert.deepEqual(await Promise.all([first, second]), ["a", "b"]);
    await duplicate;
    assert.equal(await declined, NOT_NOW);
    assert.equal(group?.open, false);
    assert.deepEqual(await committed(database), ["a", "b"]);
  });

  it("anything Kysely runs commits the open group first, and a full transaction can follow", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    const written = insertNow(database, "k");
    assert.equal(database.group.open, true);
    // On the writer's connection, as Better Auth's statements are: no "transaction within a transaction".
    await sql`select "v" from "scratch"`.execute(database.db);
    assert.equal(database.group.open, false, "Kysely's statement committed the group");
    assert.ok((await committed(database)).includes("k"), "committed: a reader of committed data sees it");
    assert.equal(await written, "k");
    const queued = insertNow(database, "q");
    await database.runInTransaction(budget(), async (trx) => {
      await sql`insert into "scratch" ("v") values ('r')`.execute(trx);
    });
    assert.equal(await queued, "q");
    assert.deepEqual(await committed(database), ["a", "b", "k", "q", "r"]);
  });

  it("when the commit fails, every write of the group fails and none is kept", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    const innocent = assert.rejects(insertNow(database, "x"), /FOREIGN KEY constraint failed/);
    // Accepted by its statement (the foreign key is checked at COMMIT), refused by the commit.
    const orphan = database.writeNow(budget(), {
      runSteps: (sqlNow) => {
        sqlNow.rows('insert into "child" ("p") values (?)', ["missing"]);
        return "orphan";
      },
    });
    await innocent;
    await assert.rejects(orphan, /FOREIGN KEY constraint failed/);
    assert.equal(database.group.open, false);
    assert.deepEqual(await committed(database), ["a", "b", "k", "q", "r"]);
    assert.equal(await insertNow(database, "y"), "y", "the next group works");
  });

  it("many PATCHes of one user at once: each answered with its own write, the history a chain", async (context) => {
    if (dialect !== "sqlite") return context.skip("SQLite only");
    const agent = await makeUser(t);
    const titles = Array.from({ length: 12 }, (_, i) => `Title ${i}`);
    const statementsBefore = database.queries.total;
    const responses = await Promise.all(
      titles.map((title) => send(t, "PATCH", `/api/v1/users/${agent.id}`, { title }, { key: agent.key })),
    );
    assert.deepEqual(
      responses.map((response) => [response.statusCode, response.json().title]),
      titles.map((title) => [200, title]),
    );
    // Authentication, compare-and-set, history: a write after another of the same group starts
    // from the row that one wrote, with no compare-and-set that misses and no second read.
    assert.equal(database.queries.total - statementsBefore, 3 * titles.length);
    const history = await send(t, "GET", `/api/v1/users/${agent.id}/history?limit=50`, undefined, { key: agent.key });
    const entries = [...history.json().data].reverse(); // oldest first
    assert.equal(entries.length, titles.length);
    let previous = null;
    for (const entry of entries) {
      assert.equal(entry.changes.title.from, previous, "each entry replaced what the one before wrote");
      previous = entry.changes.title.to;
    }
    const stored = await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: agent.key });
    assert.equal(stored.json().title, previous, "the user holds the last write of the chain");
  });
});
