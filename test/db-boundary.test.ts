import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

// Reads the source itself: no database, the same on every dialect.
const SRC = resolve(import.meta.dirname, "../src");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });

const FILES = sourceFiles(SRC).map((path) => ({ name: relative(SRC, path), text: readFileSync(path, "utf8") }));

// Ways of asking which database this is, or of reaching past the Database interface.
const ASKS_THE_DIALECT = [
  /\bdialect\s*[!=]==/,
  /[!=]==\s*["'](sqlite|postgres)["']/,
  /["'](sqlite|postgres)["']\s*[!=]==/,
  /\.dialect\b/,
  /\bDialectName\b/,
  /\.(syncWriter|writeGate|autocommit|group)\b/,
];

// Better Auth is told which database it is on; nothing else is.
const ALLOWED = [{ file: "auth/better-auth.ts", line: "database: { db: database.db, type: database.dialect }," }];

describe("the dialect is a detail of src/db/", () => {
  it("no file outside src/db/ asks which database it runs on", () => {
    const found: string[] = [];
    for (const { name, text } of FILES) {
      if (name.startsWith(`db/`)) continue;
      text.split("\n").forEach((line, i) => {
        if (ALLOWED.some((allowed) => allowed.file === name && line.trim() === allowed.line)) return;
        if (ASKS_THE_DIALECT.some((pattern) => pattern.test(line))) found.push(`src/${name}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(found, [], "use the Database's members (encode, isoTimestamp, forUpdate, writeNow, …)");
  });

  it("no module of src/ imports itself back through others (no import cycles)", () => {
    const imports = new Map<string, string[]>();
    for (const { name, text } of FILES) {
      const targets = [...text.matchAll(/^\s*(?:import|export)\b[^"']*?\bfrom\s+["'](\.[^"']+)["']/gm)].map((match) =>
        relative(SRC, resolve(SRC, dirname(name), (match[1] as string).replace(/\.js$/, ".ts"))),
      );
      imports.set(name, targets);
    }
    const cycles: string[] = [];
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (name: string) => {
      if (path.includes(name)) {
        cycles.push([...path.slice(path.indexOf(name)), name].join(" → "));
        return;
      }
      if (done.has(name)) return;
      path.push(name);
      for (const target of imports.get(name) ?? []) visit(target);
      path.pop();
      done.add(name);
    };
    for (const name of imports.keys()) visit(name);
    assert.deepEqual(cycles, []);
  });
});
