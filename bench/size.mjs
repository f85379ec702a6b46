// npm run bench:size: does the cost grow with the number of users? The project's SQLite file is
// seeded to 1,000, then 100,000 (and 1,000,000 with BENCH_MILLION=1) users with batched INSERTs,
// and copied at each size; one server per copy runs side by side, and rounds alternate the sizes
// (drift hits all alike). Three requests are measured with autocannon:
//   - PATCH /api/v1/users/{id}: a user's self-PATCH with an API key (a new title every request);
//   - GET /api/v1/users/{id}: an admin reading a seeded user from the middle of the table;
//   - GET /api/v1/users?limit=50&cursor=…: an admin's list page 90 % of the way into the table.
// Two measurements, each compared with the 1,000-user figures (target: within 20 %):
//   - service latency, the verdict: one connection (nothing queues, so a request's latency is its
//     own cost), short blocks of requests alternating the sizes many times, latencies and the
//     server's CPU time pooled over the rounds;
//   - throughput and latency at 10 connections, the saturated view (for information: on a shared
//     2-core machine it moves by up to 2× between windows).
//
//   BENCH_SIZE_LATENCY_ROUNDS=30 BENCH_SIZE_LATENCY_REQUESTS=300 BENCH_SIZE_ROUNDS=5
//   BENCH_SIZE_DURATION=4 BENCH_CONNECTIONS=10 BENCH_MILLION=1 BENCH_KEEP=1
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
  percentile,
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
  latencyRounds: envInt("BENCH_SIZE_LATENCY_ROUNDS", 30),
  latencyRequests: envInt("BENCH_SIZE_LATENCY_REQUESTS", 300),
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
  for (const t of targets) for (const { name } of t.endpoints) t.results[name] = [];
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

/** Unmeasured load on every endpoint of every size first, so that no server is measured cold. */
async function warmUp(targets) {
  for (const t of targets) {
    for (const { request } of t.endpoints) {
      await load(t.base, request, { duration: options.warmup, connections: options.connections });
    }
  }
}

/**
 * Service latency: one connection, blocks of `latencyRequests` requests, alternating round →
 * endpoint → size, so that whatever else the machine does lands on every size within a second or
 * two. Every latency and the server's CPU ticks are pooled per size and endpoint over the rounds
 * (a block is too short for /proc's 10 ms ticks; the pool is not).
 */
async function measureServiceLatency(targets) {
  const pools = targets.map(() => ({}));
  // No wait for a quiet machine between rounds: the sizes alternate within seconds, so whatever
  // else runs lands on all of them alike.
  for (let round = 1; round <= options.latencyRounds; round++) {
    for (const [index, { name }] of targets[0].endpoints.entries()) {
      for (const [i, t] of targets.entries()) {
        const stop = t.server.sampleRss();
        const result = await load(t.base, t.endpoints[index].request, {
          connections: 1,
          amount: options.latencyRequests,
          keepLatencies: true,
        });
        const { cpu } = stop();
        pools[i][name] ??= { blocks: [], ticks: 0, requests: 0, failed: 0 };
        const pool = pools[i][name];
        pool.blocks.push(result.latencies);
        pool.ticks += cpu.server_ticks;
        pool.requests += result.requests;
        pool.failed += result.non2xx + result.errors + result.timeouts;
      }
    }
    if (round % 5 === 0 || round === options.latencyRounds)
      log(`service latency: round ${round}/${options.latencyRounds}`);
  }
  return pools.map((byName) =>
    Object.fromEntries(
      Object.entries(byName).map(([name, pool]) => {
        const sorted = new Float64Array(pool.blocks.reduce((n, block) => n + block.length, 0));
        let at = 0;
        for (const block of pool.blocks) {
          sorted.set(block, at);
          at += block.length;
        }
        sorted.sort();
        return [
          name,
          {
            requests: pool.requests,
            p50_ms: round3(percentile(sorted, 50)),
            p90_ms: round3(percentile(sorted, 90)),
            p99_ms: round3(percentile(sorted, 99)),
            non2xx: pool.failed,
            // USER_HZ is 100: a tick is 10 ms of CPU.
            cpu_ms_per_request: round3((pool.ticks * 10) / pool.requests),
          },
        ];
      }),
    ),
  );
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
      await warmUp(targets);
      const service = await measureServiceLatency(targets);
      report.sizes = await measureSizes(targets);
      for (const [i, size] of report.sizes.entries()) size.service_latency = service[i];
    } finally {
      for (const t of targets) await t.server.stop().catch(() => {});
    }
  } finally {
    await stopAll();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }

  report.comparison = compare(report.sizes);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "size.json"), `${JSON.stringify(report, null, 2)}\n`);
  const verdict = report.comparison.map(
    (c) =>
      `- [${c.within_20_percent ? "met" : "NOT MET"}] ${c.users.toLocaleString("en-US")} users, ${c.request}: ` +
      `p50 ${c.p50}×, p99 ${c.p99}× (one connection; CPU per request ${c.cpu}×; at ${options.connections} connections ` +
      `p50 ${c.saturated.p50}×, p99 ${c.saturated.p99}×, req/s ${c.saturated.req_per_s}×)`,
  );
  process.stdout.write(
    `${tables(report.sizes).join("\n")}\n\nwithin 20 % of the 1,000-user service latency:\n${verdict.join("\n")}\n\n` +
      `wrote ${relative(ROOT, join(RESULTS_DIR, "size.json"))}\n`,
  );
}

const ratio = (value, base) => round2(value / base);
const users = (n) => n.toLocaleString("en-US");

/** Each size against the first (1,000 users). The verdict is on the one-connection latency. */
function compare(sizes) {
  const [baseline, ...others] = sizes;
  return others.flatMap((size) =>
    Object.entries(size.service_latency).map(([name, s]) => {
      const b = baseline.service_latency[name];
      const e = size.endpoints[name];
      const be = baseline.endpoints[name];
      const p50 = ratio(s.p50_ms, b.p50_ms);
      const p99 = ratio(s.p99_ms, b.p99_ms);
      return {
        users: size.users,
        request: name,
        p50,
        p99,
        cpu: ratio(s.cpu_ms_per_request, b.cpu_ms_per_request),
        saturated: {
          p50: ratio(e.p50_ms, be.p50_ms),
          p99: ratio(e.p99_ms, be.p99_ms),
          req_per_s: ratio(e.req_per_s, be.req_per_s),
        },
        within_20_percent: p50 <= 1.2 && p99 <= 1.2,
      };
    }),
  );
}

/** Markdown tables: service latency (one connection) and the saturated view. */
function tables(sizes) {
  const [baseline] = sizes;
  const service = [
    "| users | request | requests | p50 ms | p90 ms | p99 ms | non-2xx | server CPU ms / request | p50 vs 1,000 | p99 vs 1,000 | CPU vs 1,000 |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const saturated = [
    `| users | request | req/s | p50 ms | p99 ms | non-2xx | p50 vs 1,000 | p99 vs 1,000 | req/s vs 1,000 |`,
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const size of sizes) {
    for (const [name, s] of Object.entries(size.service_latency)) {
      const b = baseline.service_latency[name];
      service.push(
        `| ${users(size.users)} | ${name} | ${users(s.requests)} | ${s.p50_ms} | ${s.p90_ms} | ${s.p99_ms} | ${s.non2xx} | ${s.cpu_ms_per_request} | ` +
          `${ratio(s.p50_ms, b.p50_ms)}× | ${ratio(s.p99_ms, b.p99_ms)}× | ${ratio(s.cpu_ms_per_request, b.cpu_ms_per_request)}× |`,
      );
    }
    for (const [name, e] of Object.entries(size.endpoints)) {
      const b = baseline.endpoints[name];
      saturated.push(
        `| ${users(size.users)} | ${name} | ${users(Math.round(e.req_per_s))} | ${e.p50_ms} | ${e.p99_ms} | ${e.non2xx} | ` +
          `${ratio(e.p50_ms, b.p50_ms)}× | ${ratio(e.p99_ms, b.p99_ms)}× | ${ratio(e.req_per_s, b.req_per_s)}× |`,
      );
    }
  }
  return [
    `Service latency, one connection (${options.latencyRounds} rounds × ${options.latencyRequests} requests per size and request, pooled):`,
    "",
    ...service,
    "",
    `Saturated, ${options.connections} connections (medians of ${options.rounds} rounds × ${options.duration} s):`,
    "",
    ...saturated,
  ];
}

main().catch((error) => {
  process.stderr.write(`size bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
