#!/usr/bin/env node
// The dashboard's weight on a first visit: the JavaScript and CSS that dist/app/index.html loads
// (scripts, stylesheets, module preloads; lazily imported chunks are not part of a first visit),
// gzipped as the server sends them, against the contract's 150 KB budget (§9). Exits 1 over it.
//
//   npm run web:size [-- --json]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = "dist/app";
const BUDGET_BYTES = 150 * 1024;

const indexPath = join(ROOT, "index.html");
if (!existsSync(indexPath)) {
  console.error(`${indexPath} is missing: run npm run build first`);
  process.exit(2);
}
const html = readFileSync(indexPath, "utf8");
const urls = new Set();
for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(match[1]);
for (const match of html.matchAll(/<link\b[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref="([^"]+)"/g)) {
  urls.add(match[1]);
}

const files = [...urls].map((url) => {
  const path = join(ROOT, url.replace(/^\/app\//, ""));
  const gz = existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`) : gzipSync(readFileSync(path), { level: 9 });
  const br = existsSync(`${path}.br`) ? readFileSync(`${path}.br`).length : undefined;
  return { url, bytes: readFileSync(path).length, gzipped: gz.length, brotli: br };
});
const total = files.reduce((sum, file) => sum + file.gzipped, 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ files, gzipped_bytes: total, budget_bytes: BUDGET_BYTES }));
} else {
  for (const file of files) {
    const br = file.brotli === undefined ? "" : `, ${kb(file.brotli)} brotli`;
    console.log(`${file.url}  ${kb(file.bytes)} raw, ${kb(file.gzipped)} gzipped${br}`);
  }
  console.log(`first visit, JS + CSS gzipped: ${kb(total)} of a ${kb(BUDGET_BYTES)} budget`);
}
process.exit(total <= BUDGET_BYTES ? 0 : 1);
