// npm run bench:webhooks: PATCH throughput with webhooks on (one endpoint subscribed to every
// event, a receiver in a process of its own on loopback) against webhooks off, rounds alternating
// A B A B so that drift hits both alike; statements per PATCH from /metrics (the relay's and the
// workers' statements are counted apart); delivery latency, commit (the change's `changed_at`) to
// the receiver, p50/p99 under that load; the events per second the one instance delivered; and
// CPU: the server's per PATCH (with webhooks on, from the load's start to the last delivery, so
// each PATCH's delivery included) and the receiver's per event, from /proc.
//
// BENCH_NO_ENDPOINT=1: webhooks on but no endpoint (the relay's cost alone).
//
//   BENCH_ROUNDS=3 BENCH_DURATION=10 BENCH_CONNECTIONS=10 BENCH_USERS=20 BENCH_WARMUP=2
//   --postgres (or BENCH_PG=1): on PostgreSQL instead of SQLite.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import {
  assertFreshDist,
  BENCH_DIR,
  createPgDatabase,
  dbQueriesTotal,
  env,
  envInt,
  http,
  machine,
  median,
  nextValue,
  percentile,
  processCpuMs,
  RESULTS_DIR,
  round1,
  round2,
  round3,
  secretEnvFor,
  sleep,
  startProjectServer,
  stopAll,
} from "./lib.mjs";

const options = {
  rounds: envInt("BENCH_ROUNDS", 3),
  duration: envInt("BENCH_DURATION", 10),
  connections: envInt("BENCH_CONNECTIONS", 10),
  users: envInt("BENCH_USERS", 20),
  warmup: envInt("BENCH_WARMUP", 2),
  postgres: process.argv.includes("--postgres") || env("BENCH_PG", "") === "1",
};
const log = (message) => process.stderr.write(`[bench:webhooks] ${message}\n`);

/** A database with an admin and `count` users, each with an API key, made through the built services. */
async function seed(databaseUrl, secretEnv, count) {
  const { loadConfig } = await import("../dist/config.js");
  const { createLogger } = await import("../dist/logger.js");
  const { openServices } = await import("../dist/services.js");
  const { createUser } = await import("../dist/cli/users.commands.js");
  const { createApiKey } = await import("../dist/cli/api-keys.commands.js");
  const services = openServices(loadConfig({ DATABASE_URL: databaseUrl, ...secretEnv }), createLogger("silent"), {
    cli: true,
  });
  try {
    await services.migrate();
    const make = async (role, i) => {
      const user = await createUser(services, { email: `bench-${role}-${i}@example.com`, name: `Bench ${i}`, role });
      return { id: user.id, key: (await createApiKey(services, { user: user.id })).key };
    };
    const admin = await make("admin", 0);
    const users = [];
    for (let i = 0; i < count; i++) users.push(await make("user", i));
    return { admin, users };
  } finally {
    await services.close();
  }
}

/** The receiver, in a process of its own (bench/webhook-receiver.mjs), so that it does not share the load generator's. */
async function startReceiver() {
  const child = spawn(process.execPath, [join(BENCH_DIR, "webhook-receiver.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  return {
    url: `${base}/hook`,
    stats: async () => (await http(`${base}/stats`)).json,
    reset: () => http(`${base}/reset`, { method: "POST" }),
    close: () => child.kill(),
    pid: child.pid,
  };
}

/** One autocannon window of self-PATCHes spread over the users (one user per request, in turn). */
async function patchLoad(base, users, duration) {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration,
    requests: [
      {
        method: "PATCH",
        setupRequest: (request) => {
          const user = users[next++ % users.length];
          return {
            ...request,
            path: `/api/v1/users/${user.id}`,
            headers: { authorization: `Bearer ${user.key}`, "content-type": "application/json" },
            body: JSON.stringify({ title: nextValue("Senior Agent") }),
          };
        },
      },
    ],
  });
  return { req_per_s: round1(result.requests.average), requests: result.requests.total, non2xx: result.non2xx };
}

async function startTarget(label, dir, webhooks, receiverUrl) {
  mkdirSync(dir, { recursive: true });
  const pg = options.postgres ? await createPgDatabase(`valara_bench_hooks_${label}`) : null;
  const databaseUrl = pg ? pg.url : `file:${join(dir, "valara.db")}`;
  const secretEnv = { BETTER_AUTH_SECRET: "bench-webhooks-secret-0123456789abcdef012345", ...secretEnvFor("x") };
  const seeded = await seed(databaseUrl, secretEnv, options.users);
  const extraEnv = webhooks
    ? { ...secretEnv, WEBHOOKS_ENABLED: "true", WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOW_PRIVATE: "true" }
    : { ...secretEnv, WEBHOOKS_ENABLED: "false" };
  const nodeArgs =
    webhooks && process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const { server, base } = await startProjectServer({ label, dir, databaseUrl, extraEnv, nodeArgs });
  if (webhooks && !process.env.BENCH_NO_ENDPOINT) {
    const created = await http(`${base}/api/v1/webhooks/endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${seeded.admin.key}` },
      body: { url: receiverUrl },
    });
    if (created.status !== 201) throw new Error(`creating the endpoint answered ${created.status}`);
  }
  return { label, server, base, users: seeded.users, drop: pg?.drop };
}

async function main() {
  assertFreshDist();
  const dir = mkdtempSync(join(tmpdir(), "valara-bench-hooks-"));
  const receiver = await startReceiver();
  const targets = [
    await startTarget("webhooks-on", join(dir, "on"), true, receiver.url),
    await startTarget("webhooks-off", join(dir, "off"), false),
  ];
  const results = { "webhooks-on": [], "webhooks-off": [] };
  try {
    for (const target of targets) await patchLoad(target.base, target.users, options.warmup);
    await sleep(2000); // the warm-up's deliveries drain
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        const on = target.label === "webhooks-on";
        if (on) await receiver.reset();
        const before = await dbQueriesTotal(target.base);
        const cpuBefore = { server: processCpuMs(target.server.pid), receiver: processCpuMs(receiver.pid) };
        const loadStart = Date.now();
        const result = await patchLoad(target.base, target.users, options.duration);
        const loadEnd = Date.now();
        const statements = (await dbQueriesTotal(target.base)) - before; // /metrics reads run none
        const row = { round, ...result, statements_per_patch: round3(statements / result.requests) };
        const serverCpuPerPatch = () => round3((processCpuMs(target.server.pid) - cpuBefore.server) / result.requests);
        if (!on) row.server_cpu_ms_per_patch = serverCpuPerPatch();
        if (on) {
          // The backlog, if any, drains: every PATCH delivered.
          const deadline = Date.now() + 120_000;
          let stats = await receiver.stats();
          while (stats.received < result.requests - result.non2xx && Date.now() < deadline) {
            await sleep(100);
            stats = await receiver.stats();
          }
          // CPU from the load's start until the last delivery: each PATCH's own and its delivery's.
          row.server_cpu_ms_per_patch = serverCpuPerPatch();
          row.receiver_cpu_ms_per_event = round3((processCpuMs(receiver.pid) - cpuBefore.receiver) / stats.received);
          const sorted = Float64Array.from(stats.latencies).sort();
          const spanS = (stats.lastAt - loadStart) / 1000;
          Object.assign(row, {
            delivered: stats.received,
            delivery_p50_ms: round1(percentile(sorted, 50)),
            delivery_p99_ms: round1(percentile(sorted, 99)),
            delivered_per_s: round1(stats.received / spanS),
            drain_after_load_s: round2((stats.lastAt - loadEnd) / 1000),
          });
        }
        results[target.label].push(row);
        log(`round ${round} ${target.label.padEnd(13)} ${JSON.stringify(row)}`);
      }
    }
  } finally {
    receiver.close();
    await stopAll();
    for (const target of targets) await target.drop?.();
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([label, rows]) => [
      label,
      {
        req_per_s_median: median(rows.map((row) => row.req_per_s)),
        statements_per_patch_median: median(rows.map((row) => row.statements_per_patch)),
        server_cpu_ms_per_patch_median: median(rows.map((row) => row.server_cpu_ms_per_patch)),
        ...(label === "webhooks-on"
          ? {
              delivery_p50_ms_median: median(rows.map((row) => row.delivery_p50_ms)),
              delivery_p99_ms_median: median(rows.map((row) => row.delivery_p99_ms)),
              delivered_per_s_median: median(rows.map((row) => row.delivered_per_s)),
              receiver_cpu_ms_per_event_median: median(rows.map((row) => row.receiver_cpu_ms_per_event)),
            }
          : {}),
      },
    ]),
  );
  const on = summary["webhooks-on"].req_per_s_median;
  const off = summary["webhooks-off"].req_per_s_median;
  const report = {
    when: new Date().toISOString(),
    dialect: options.postgres ? "postgres" : "sqlite",
    options,
    machine: machine(),
    summary: { ...summary, on_vs_off_pct: round1(((on - off) / off) * 100) },
    rounds: results,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `webhooks-${report.dialect}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report.summary, null, 2)}\nwritten to ${file}\n`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch(async (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  await stopAll();
  process.exit(1);
});
