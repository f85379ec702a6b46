import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  openSqliteReader,
  openSqliteWriter,
  PAGE_CACHE_KIB,
  type SqliteConnection,
} from "../src/db/sqlite-connection.js";

// The connections themselves, on a real file: no server needed, so this runs on every dialect.
describe("SQLite connections", () => {
  let dir: string;
  let writer: SqliteConnection;
  let reader: SqliteConnection;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "valara-sqlite-connection-"));
    const file = join(dir, "test.db");
    writer = openSqliteWriter(file, { busyTimeoutMs: 100, synchronous: "normal" });
    writer.handle.exec(
      "create table a (id integer primary key, name text, n real, blob blob);" +
        "create table b (id integer primary key, a_id integer, name text);" +
        "insert into a values (1, 'one', 1.5, x'0102'), (2, null, null, null);" +
        "insert into b values (10, 1, 'ten'), (11, 1, 'eleven');",
    );
    reader = openSqliteReader(file, { busyTimeoutMs: 100 });
  });
  after(() => {
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rows() gives the same objects as better-sqlite3, in the same order, for every kind of statement", () => {
    const queries: [string, unknown[]][] = [
      ["select * from a order by id", []],
      ["select * from a where id = ?", [3]],
      // Two columns named alike: the last one wins, as in better-sqlite3's own objects.
      ["select a.*, b.id, b.name from a join b on b.a_id = a.id where a.id = ? order by b.id", [1]],
      ["select count(*) as n, 'x' as label", []],
    ];
    for (const [sql, params] of queries) {
      const expected = writer.handle.prepare(sql).all(...params);
      assert.deepEqual(writer.rows(sql, params), expected, sql);
      assert.deepEqual(reader.rows(sql, params), expected, sql);
    }
  });

  it("rows() runs writes: RETURNING gives its rows, a statement without rows gives []", () => {
    assert.deepEqual(writer.rows("update a set name = ? where id = ? returning id, name", ["uno", 1]), [
      { id: 1, name: "uno" },
    ]);
    assert.deepEqual(writer.rows("insert into b (id, a_id, name) values (?, ?, ?)", [12, 2, "twelve"]), []);
    assert.deepEqual(reader.rows("select name from b where id = ?", [12]), [{ name: "twelve" }]);
    // Kysely shares the statement cache: its statements still give objects.
    assert.deepEqual(writer.statement("select name from b where id = 12").all(), [{ name: "twelve" }]);
  });

  it("caps each connection's page cache at SQLite's default, not better-sqlite3's 16 MB", () => {
    assert.equal(PAGE_CACHE_KIB, 2000);
    assert.equal(writer.handle.pragma("cache_size", { simple: true }), -PAGE_CACHE_KIB);
    assert.equal(reader.handle.pragma("cache_size", { simple: true }), -PAGE_CACHE_KIB);
  });
});
