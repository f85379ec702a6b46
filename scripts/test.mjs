#!/usr/bin/env node
// `npm test`: the whole suite once per database in DIALECTS (default "sqlite,postgres"), one run
// after the other, each with TEST_DIALECT set (see test/support/harness.ts). Output streams as it
// comes; a line per dialect closes the run, and the exit code is non-zero if any run failed.
//
//   DIALECTS=sqlite npm test                 SQLite only
//   npm test -- test/history.test.ts         some files, on every dialect
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KNOWN = ["sqlite", "postgres"];
const dialects = (process.env.DIALECTS ?? "sqlite,postgres")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = dialects.filter((name) => !KNOWN.includes(name));
if (dialects.length === 0 || unknown.length > 0) {
  console.error(`DIALECTS must list some of ${KNOWN.join(", ")}; got "${process.env.DIALECTS}"`);
  process.exit(2);
}

const files = process.argv.slice(2);
const testFiles =
  files.length > 0
    ? files
    : readdirSync("test")
        .filter((name) => name.endsWith(".test.ts"))
        .sort()
        .map((name) => join("test", name));

/** Runs the suite on one dialect; resolves with its counts from the TAP summary. */
function runSuite(dialect, tapFile) {
  const args = [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    // Readable progress on the terminal; TAP to a file for the counts.
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tapFile}`,
    ...testFiles,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, TEST_DIALECT: dialect },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const stop = (signal) => child.kill(signal);
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      let tap = "";
      try {
        tap = readFileSync(tapFile, "utf8");
      } catch {}
      // The last summary in the file is the run's own (subtests print none of these at column 0).
      const count = (name) => {
        const all = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))];
        return all.length > 0 ? Number(all.at(-1)[1]) : 0;
      };
      resolve({
        dialect,
        exitCode: code ?? 1,
        signal,
        passed: count("pass"),
        failed: count("fail"),
        cancelled: count("cancelled"),
        skipped: count("skipped"),
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

const workDir = mkdtempSync(join(tmpdir(), "valara-test-run-"));
const results = [];
const started = Date.now();
try {
  for (const dialect of dialects) {
    console.log(`\n=== ${dialect}: ${testFiles.length} test files ===\n`);
    results.push(await runSuite(dialect, join(workDir, `${dialect}.tap`)));
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

console.log("");
let ok = true;
for (const r of results) {
  const failedRun = r.exitCode !== 0 || r.failed > 0 || r.cancelled > 0;
  if (failedRun) ok = false;
  const extra = [
    r.skipped ? `${r.skipped} skipped` : "",
    r.cancelled ? `${r.cancelled} cancelled` : "",
    r.exitCode !== 0 && r.failed === 0 && r.cancelled === 0 ? `exit ${r.signal ?? r.exitCode}` : "",
  ].filter(Boolean);
  console.log(
    `${r.dialect}: ${r.passed} passed, ${r.failed} failed${extra.length ? `, ${extra.join(", ")}` : ""} (${r.seconds.toFixed(1)} s)`,
  );
}
console.log(`total: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(ok ? 0 : 1);
