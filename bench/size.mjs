// npm run bench:size: does the cost grow with the number of users? The project's SQLite file is
// seeded to 1,000, then 100,000 (and 1,000,000 with BENCH_MILLION=1) users with batched INSERTs,
// and copied at each size; one server per copy runs side by side, and rounds alternate the sizes
// (drift hits all alike). Three requests are measured with autocannon:
//   - PATCH /api/v1/users/{id}: a user's self-PATCH with an API key (a new title every request);
//   - GET /api/v1/users/{id}: an admin reading a seeded user from the middle of the table;
//   - GET /api/v1/users?limit=50&cursor=…: an admin's list page 90 % of the way into the table.
// The figures are compared with the 1,000-user ones (target: within 20 %).
//
//   BENCH_SIZE_ROUNDS=5 BENCH_SIZE_DURATION=4 BENCH_CONNECTIONS=10 BENCH_MILLION=1 BENCH_KEEP=1
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import {
  assertFreshDist,
  env,
  envInt,
  http,
  load,
  machine,
  median,
  nextValue,
  RESULTS_DIR,
  ROOT,
  round1,
  round2,
  round3,
  startProjectServer,
  stopAll,
  valara,
  waitQuiet,
} from "./lib.mjs";

const options = {
  rounds: envInt("BENCH_SIZE_ROUNDS", 5),
  duration: envInt("BENCH_SIZE_DURATION", 4),
  warmup: envInt("BENCH_WARMUP", 2),
  connections: envInt("BENCH_CONNECTIONS", 10),
  sizes: env("BENCH_MILLION", "") === "1" ? [1_000, 100_000, 1_000_000] : [1_000, 100_000],
};
const keep = env("BENCH_KEEP", "") === "1";
const log = (message) => process.stderr.write(`[size] ${message}\n`);

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** 32 random alphanumerics, the shape of Better Auth's user ids. */
function userId() {
  const bytes = randomBytes(32);
  let id = "";
  for (const byte of bytes) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return id;
}

const SEED_EPOCH = Date.UTC(2020, 0, 1);
const COLUMNS = [
  "id",
  "name",
  "email",
  "emailVerified",
  "createdAt",
  "updatedAt",
  "role",
  "banned",
  "is_active",
  "account_status",
];
const BATCH = 500;

/** Inserts users until the table holds `total`, in multi-row INSERTs inside large transactions. */
function seedTo(file, total) {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  const have = sqlite.prepare('SELECT count(*) AS n FROM "user"').get().n;
  const placeholders = `(${COLUMNS.map(() => "?").join(", ")})`;
  const insertBatch = sqlite.prepare(
    `INSERT INTO "user" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${Array(BATCH).fill(placeholders).join(", ")}`,
  );
  const insertOne = sqlite.prepare(
    `INSERT INTO "user" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${placeholders}`,
  );
  const row = (i) => {
    const at = new Date(SEED_EPOCH + i * 1000).toISOString();
    return [userId(), `Seeded Agent ${i}`, `agent${i}@seed.example.com`, 0, at, at, "user", 0, 1, "active"];
  };
  const insert = sqlite.transaction((from, to) => {
    let i = from;
    for (; i + BATCH <= to; i += BATCH) {
      const values = [];
      for (let j = i; j < i + BATCH; j++) values.push(...row(j));
      insertBatch.run(values);
    }
    for (; i < to; i++) insertOne.run(row(i));
  });
  const started = Date.now();
  for (let from = have; from < total; from += 50_000) insert(from, Math.min(total, from + 50_000));
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  const count = sqlite.prepare('SELECT count(*) AS n FROM "user"').get().n;
  sqlite.close();
  return { count, seconds: round1((Date.now() - started) / 1000) };
}

/** A seeded user from the middle of the table, and the list position 90 % of the way in. */
function probes(file) {
  const sqlite = new Database(file, { readonly: true });
  const count = sqlite.prepare('SELECT count(*) AS n FROM "user"').get().n;
  const at = (offset) =>
    sqlite.prepare('SELECT "id", "createdAt" FROM "user" ORDER BY "createdAt", "id" LIMIT 1 OFFSET ?').get(offset);
  const middle = at(Math.floor(count / 2));
  const deep = at(Math.floor(count * 0.9));
  sqlite.close();
  return { middle, deep };
}

/**
 * Seeds the shared file to `size` users, copies it (with the development secret) into a folder of
 * its own, and starts a server on the copy; every endpoint is checked before anything is measured.
 */
async function startSize(ctx, size) {
  const seeded = seedTo(ctx.file, size);
  log(`${seeded.count} users (seeded in ${seeded.seconds} s)`);
  const dir = join(ctx.tmp, `size-${size}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(ctx.file, join(dir, "valara.db"));
  copyFileSync(join(ctx.dir, "auth-secret"), join(dir, "auth-secret"));
  const { middle, deep } = probes(ctx.file);
  const { encodeCursor } = await import(pathToFileURL(join(ROOT, "dist", "http", "cursor.js")).href);
  const secret = readFileSync(join(dir, "auth-secret"), "utf8").trim();
  const cursor = encodeCursor(secret, `users.list:${JSON.stringify({ role: null, active: null })}`, [
    deep.createdAt,
    deep.id,
  ]);
  const { server, base } = await startProjectServer({
    label: `project (${size})`,
    dir,
    databaseUrl: `file:${join(dir, "valara.db")}`,
  });
  const admin = { authorization: `Bearer ${ctx.adminKey}` };
  const endpoints = [
    {
      name: "PATCH self",
      request: {
        method: "PATCH",
        path: `/api/v1/users/${ctx.agentId}`,
        headers: { authorization: `Bearer ${ctx.agentKey}`, "content-type": "application/json" },
        body: () => JSON.stringify({ title: nextValue("Senior Agent") }),
      },
    },
    { name: "GET one user", request: { method: "GET", path: `/api/v1/users/${middle.id}`, headers: admin } },
    {
      name: "GET list page (limit 50, 90 % deep)",
      request: { method: "GET", path: `/api/v1/users?limit=50&cursor=${encodeURIComponent(cursor)}`, headers: admin },
    },
  ];
  for (const { name, request } of endpoints) {
    const check = await http(`${base}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body ? JSON.parse(request.body()) : undefined,
    });
    const ok = check.status === 200 && (name.startsWith("GET list") ? check.json.data.length === 50 : check.json.id);
    if (!ok) throw new Error(`${name} answered ${check.status} ${JSON.stringify(check.json).slice(0, 300)}`);
  }
  return { size, users: seeded.count, server, base, endpoints, results: {} };
}

/**
 * Every size's server runs side by side; after a warm-up, each round measures each endpoint on
 * each size in turn (1,000 → 100,000 → 1,000,000, then the next endpoint), so that drift in this
 * shared machine hits every size alike instead of one size's block.
 */
async function measureSizes(targets) {
  for (const t of targets) {
    for (const { name, request } of t.endpoints) {
      await load(t.base, request, { duration: options.warmup, connections: options.connections });
      t.results[name] = [];
    }
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const [index, { name }] of targets[0].endpoints.entries()) {
      for (const t of targets) {
        const { request } = t.endpoints[index];
        const quiet = await waitQuiet();
        const stopRss = t.server.sampleRss();
        const result = await load(t.base, request, { duration: options.duration, connections: options.connections });
        const rss = stopRss();
        t.results[name].push({ ...result, ...rss, quiet });
        log(
          `round ${round}/${options.rounds} ${t.size} users, ${name}: ${result.req_per_s} req/s, p50 ${result.p50_ms} ms, ` +
            `p99 ${result.p99_ms} ms, non-2xx ${result.non2xx}, cpu other ${rss.cpu.other_pct}%`,
        );
      }
    }
  }
  return targets.map((t) => ({
    users: t.users,
    endpoints: Object.fromEntries(
      Object.entries(t.results).map(([name, list]) => [
        name,
        {
          req_per_s: round1(median(list.map((r) => r.req_per_s))),
          p50_ms: round3(median(list.map((r) => r.p50_ms))),
          p99_ms: round3(median(list.map((r) => r.p99_ms))),
          non2xx: list.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
          peak_rss_mb: Math.max(...list.map((r) => r.peak_rss_mb)),
          cpu_other_pct: round1(median(list.map((r) => r.cpu.other_pct))),
          rounds: list,
        },
      ]),
    ),
  }));
}

async function main() {
  assertFreshDist();
  const tmp = mkdtempSync(join(tmpdir(), "valara-size-"));
  const dir = join(tmp, "project");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "valara.db");
  const url = `file:${file}`;
  const report = { date: new Date().toISOString(), machine: machine(), options, sizes: [] };
  try {
    const extraEnv = { DATABASE_URL: url };
    await valara(["migrate"], { cwd: dir, extraEnv });
    const admin = await valara(
      ["users", "create", "--email", "admin@example.com", "--name", "Bench Admin", "--role", "admin"],
      {
        cwd: dir,
        extraEnv,
      },
    );
    const adminKey = (await valara(["api-keys", "create", "--user", admin.id], { cwd: dir, extraEnv })).key;
    const agent = await valara(["users", "create", "--email", "agent@example.com", "--name", "Bench Agent"], {
      cwd: dir,
      extraEnv,
    });
    const agentKey = (await valara(["api-keys", "create", "--user", agent.id], { cwd: dir, extraEnv })).key;
    const ctx = { tmp, dir, file, adminKey, agentId: agent.id, agentKey };
    const targets = [];
    try {
      for (const size of options.sizes) targets.push(await startSize(ctx, size));
      report.sizes = await measureSizes(targets);
    } finally {
      for (const t of targets) await t.server.stop().catch(() => {});
    }
  } finally {
    await stopAll();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }

  const baseline = report.sizes[0];
  const lines = [
    "| users | request | req/s | p50 ms | p99 ms | non-2xx | p50 vs 1,000 | p99 vs 1,000 | req/s vs 1,000 |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  report.comparison = [];
  for (const size of report.sizes) {
    for (const [name, e] of Object.entries(size.endpoints)) {
      const b = baseline.endpoints[name];
      const ratio = {
        p50: round2(e.p50_ms / b.p50_ms),
        p99: round2(e.p99_ms / b.p99_ms),
        req_per_s: round2(e.req_per_s / b.req_per_s),
      };
      if (size !== baseline) {
        report.comparison.push({
          users: size.users,
          request: name,
          ...ratio,
          within_20_percent: ratio.p50 <= 1.2 && ratio.p99 <= 1.2 && ratio.req_per_s >= 1 / 1.2,
        });
      }
      lines.push(
        `| ${size.users.toLocaleString("en-US")} | ${name} | ${Math.round(e.req_per_s).toLocaleString("en-US")} | ${e.p50_ms} | ${e.p99_ms} | ${e.non2xx} | ${ratio.p50}× | ${ratio.p99}× | ${ratio.req_per_s}× |`,
      );
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "size.json"), `${JSON.stringify(report, null, 2)}\n`);
  const verdict = report.comparison.map(
    (c) =>
      `- [${c.within_20_percent ? "met" : "NOT MET"}] ${c.users.toLocaleString("en-US")} users, ${c.request}: p50 ${c.p50}×, p99 ${c.p99}×, req/s ${c.req_per_s}×`,
  );
  process.stdout.write(
    `${lines.join("\n")}\n\nwithin 20 % of the 1,000-user figures:\n${verdict.join("\n")}\n\nwrote ${relative(ROOT, join(RESULTS_DIR, "size.json"))}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`size bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
