#!/usr/bin/env node
// Builds the dashboard (npm run build:web) when dist/app is missing or older than its sources,
// so that browser tests never run against a stale page. Run by `npm test` before the browser
// tests and by test/browser/support when a browser test file is run on its own.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const BUILT = "dist/app/index.html";
const SOURCES = ["web", "package-lock.json", "scripts/precompress.mjs"];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
const changedAt = Math.max(...SOURCES.filter((path) => existsSync(path)).map(newest));
if (builtAt < changedAt) {
  console.log(builtAt === 0 ? "dist/app is missing: building the dashboard" : "web/ changed: rebuilding the dashboard");
  execFileSync("npm", ["run", "--silent", "build:web"], { stdio: ["ignore", "inherit", "inherit"] });
}
