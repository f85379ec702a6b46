#!/usr/bin/env node
// `npm test`: the whole suite once per database in DIALECTS (default "sqlite,postgres"), one run
// after the other, each with TEST_DIALECT set (see test/support/harness.ts); then the browser
// tests (test/browser/, Debian's Chromium driving the dashboard, on SQLite) once. Output streams
// as it comes; a line per run closes it, and the exit code is non-zero if any run failed. Without
// Chromium the browser tests are skipped, saying so, except under CI=true, where that fails.
//
//   DIALECTS=sqlite npm test                 SQLite only
//   npm test -- test/history.test.ts         some files, on every dialect
//   npm test -- test/browser/sign-in.test.ts one browser test file
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const inCi = process.env.CI === "true";

const testsIn = (dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => join(dir, name));
const isBrowserFile = (path) => /^(\.\/)?test\/browser\//.test(path.replaceAll("\\", "/"));
const files = process.argv.slice(2);
const testFiles = files.length > 0 ? files.filter((path) => !isBrowserFile(path)) : testsIn("test");
const browserFiles = files.length > 0 ? files.filter(isBrowserFile) : testsIn(join("test", "browser"));

/**
 * Runs test files as one run named `label`; resolves with its counts from the TAP summary. Browser
 * files run one at a time: each starts a server and a Chromium of its own, on two shared cores.
 */
function runSuite(label, dialect, tapFile, runFiles, concurrency = 2) {
  const args = [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${concurrency}`,
    // Readable progress on the terminal; TAP to a file for the counts.
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tapFile}`,
    ...runFiles,
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
        label,
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
let browserNote = "";
try {
  for (const dialect of testFiles.length > 0 ? dialects : []) {
    console.log(`\n=== ${dialect}: ${testFiles.length} test files ===\n`);
    results.push(await runSuite(dialect, dialect, join(workDir, `${dialect}.tap`), testFiles));
  }
  if (browserFiles.length > 0 && !existsSync(CHROMIUM_PATH)) {
    browserNote = inCi
      ? `browser: FAILED (no Chromium at ${CHROMIUM_PATH}; CI=true never skips them: apt-get install -y chromium)`
      : `browser tests: SKIPPED (no Chromium at ${CHROMIUM_PATH}; apt-get install -y chromium)`;
  } else if (browserFiles.length > 0) {
    console.log(`\n=== browser: ${browserFiles.length} test files (Chromium at ${CHROMIUM_PATH}, SQLite) ===\n`);
    // Built once here, not by each file (they would race): dist/app if missing or older than web/.
    execFileSync(process.execPath, ["scripts/ensure-web-build.mjs"], { stdio: ["ignore", "inherit", "inherit"] });
    results.push(await runSuite("browser", "sqlite", join(workDir, "browser.tap"), browserFiles, 1));
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
    `${r.label}: ${r.passed} passed, ${r.failed} failed${extra.length ? `, ${extra.join(", ")}` : ""} (${r.seconds.toFixed(1)} s)`,
  );
}
if (browserNote) {
  console.log(browserNote);
  if (inCi) ok = false;
}
console.log(`total: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(ok ? 0 : 1);
