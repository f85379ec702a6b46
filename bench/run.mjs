// npm run bench: PATCH /api/v1/users/{id} of the project, side by side with Better Auth's own
// update-user and with the raw floor (Fastify + two prepared SQLite statements), in one run on this
// machine, alternating A B C A B C … so that drift hits every target alike.
//
//   BENCH_ROUNDS=5 BENCH_DURATION=10 BENCH_CONNECTIONS=10 BENCH_WARMUP=3 BENCH_STATEMENTS=1000
//   --postgres (or BENCH_PG=1): also the project on PostgreSQL against Better Auth on PostgreSQL.
//   BENCH_KEEP=1 keeps the temporary folder (databases, server logs).
//
// Builds nothing: dist/ comes from `npm ci` / `npm run build` (a stale dist/ is refused).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { writeChart } from "./chart.mjs";
import {
  assertFreshDist,
  BENCH_DIR,
  ChildServer,
  createPgDatabase,
  dbQueriesTotal,
  env,
  envInt,
  freePort,
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
  secretEnvFor,
  startProjectServer,
  stopAll,
  valara,
  waitQuiet,
} from "./lib.mjs";

const options = {
  rounds: envInt("BENCH_ROUNDS", 5),
  duration: envInt("BENCH_DURATION", 10),
  connections: envInt("BENCH_CONNECTIONS", 10),
  warmup: envInt("BENCH_WARMUP", 3),
  statements: envInt("BENCH_STATEMENTS", 1000),
  postgres: process.argv.includes("--postgres") || env("BENCH_PG", "") === "1",
  // Also the raw floor with synchronous = FULL (an fsync per commit): what machine-crash durability costs.
  extra: process.argv.includes("--extra") || env("BENCH_EXTRA", "") === "1",
};
const keep = env("BENCH_KEEP", "") === "1";
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/** A: the project. Users and keys are made with its CLI, as a user would. */
async function setupProject(dir, databaseUrl, label) {
  mkdirSync(dir, { recursive: true });
  const secretEnv = secretEnvFor(databaseUrl);
  const extraEnv = { DATABASE_URL: databaseUrl, ...secretEnv };
  const user = await valara(["users", "create", "--email", "bench@example.com", "--name", "Bench User"], {
    cwd: dir,
    extraEnv,
  });
  const key = await valara(["api-keys", "create", "--user", user.id, "--name", "bench"], { cwd: dir, extraEnv });
  return { dir, databaseUrl, label, user, key: key.key, secretEnv };
}

async function startProject(setup) {
  const { server, base } = await startProjectServer({
    label: setup.label,
    dir: setup.dir,
    databaseUrl: setup.databaseUrl,
    extraEnv: setup.secretEnv,
  });
  const request = {
    method: "PATCH",
    path: `/api/v1/users/${setup.user.id}`,
    headers: { authorization: `Bearer ${setup.key}`, "content-type": "application/json" },
    body: () => JSON.stringify({ title: nextValue("Senior Agent") }),
  };
  const title = nextValue("Check");
  const check = await http(`${base}${request.path}`, {
    method: "PATCH",
    headers: { authorization: request.headers.authorization },
    body: { title },
  });
  if (check.status !== 200 || check.json.title !== title) {
    throw new Error(`${setup.label}: check PATCH answered ${check.status} ${JSON.stringify(check.json)}`);
  }
  return { name: setup.label, target: "project", server, base, request };
}

/** B: Better Auth's update-user, as its documentation sets it up. */
async function startBetterAuth(dir, databaseUrl, label) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = new ChildServer(label, {
    args: [join(BENCH_DIR, "better-auth-server.mjs")],
    cwd: dir,
    env: {
      NODE_ENV: "",
      PORT: String(port),
      BA_DATABASE: databaseUrl,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
    },
    logFile: join(dir, "server.log"),
  });
  const base = `http://127.0.0.1:${port}`;
  await server.waitReady(async () => (await http(`${base}/api/auth/ok`)).status === 200);
  // A browser sends its Origin with a sign-up; Better Auth refuses one without (CSRF check).
  const signUp = await http(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { origin: base },
    body: { email: "bench@example.com", password: "bench-password-1234", name: "Bench User" },
  });
  const token = signUp.headers.get("set-auth-token") ?? signUp.json?.token;
  if (signUp.status !== 200 || !token) {
    throw new Error(`${label}: sign-up answered ${signUp.status} ${JSON.stringify(signUp.json)}`);
  }
  const request = {
    method: "POST",
    path: "/api/auth/update-user",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: () => JSON.stringify({ name: nextValue("Bench User") }),
  };
  const name = nextValue("Check");
  const check = await http(`${base}${request.path}`, {
    method: "POST",
    headers: { authorization: request.headers.authorization },
    body: { name },
  });
  const session = await http(`${base}/api/auth/get-session`, {
    headers: { authorization: request.headers.authorization },
  });
  if (check.status !== 200 || session.json?.user?.name !== name) {
    throw new Error(`${label}: check update-user answered ${check.status} ${JSON.stringify(check.json)}`);
  }
  return { name: label, target: "better-auth", server, base, request };
}

/**
 * C: the raw floor, on a copy of the project's SQLite file (same schema, same user and key); on
 * PostgreSQL, on the project's own database (one target is loaded at a time).
 */
async function startRawFloor(dir, projectSetup, { name = "raw-floor", sync = "NORMAL" } = {}) {
  mkdirSync(dir, { recursive: true });
  let store = { RAW_PG: projectSetup.databaseUrl };
  if (!projectSetup.databaseUrl.startsWith("postgres")) {
    store = { RAW_DB: join(dir, "raw.db"), RAW_SYNC: sync };
    copyFileSync(projectSetup.databaseUrl.slice("file:".length), store.RAW_DB);
  }
  const port = await freePort();
  const server = new ChildServer(name, {
    args: [join(BENCH_DIR, "raw-floor-server.mjs")],
    cwd: dir,
    env: { PORT: String(port), ...store },
    logFile: join(dir, "server.log"),
  });
  const base = `http://127.0.0.1:${port}`;
  const request = {
    method: "PATCH",
    path: `/api/v1/users/${projectSetup.user.id}`,
    headers: { authorization: `Bearer ${projectSetup.key}`, "content-type": "application/json" },
    body: () => JSON.stringify({ title: nextValue("Senior Agent") }),
  };
  const title = nextValue("Check");
  await server.waitReady(async () => {
    const check = await http(`${base}${request.path}`, {
      method: "PATCH",
      headers: { authorization: request.headers.authorization },
      body: { title },
    });
    if (check.status !== 200 && check.status !== undefined) throw new Error(`check PATCH answered ${check.status}`);
    return check.json.title === title;
  });
  return { name, target: sync === "NORMAL" ? "raw-floor-nosync" : "raw-floor", server, base, request };
}

/** Warm-up, then N rounds alternating the targets; per round: load + peak RSS of the server. */
async function rounds(targets, phase) {
  for (const t of targets) {
    log(`${phase}: warm-up ${t.name} (${options.warmup} s)`);
    await load(t.base, t.request, { duration: options.warmup, connections: options.connections });
  }
  const perTarget = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const t of targets) {
      const quiet = await waitQuiet();
      const stopRss = t.server.sampleRss();
      const result = await load(t.base, t.request, { duration: options.duration, connections: options.connections });
      const rss = stopRss();
      perTarget[t.name].push({ round, ...result, ...rss, quiet });
      log(
        `${phase} round ${round}/${options.rounds} ${t.name.padEnd(22)} ${String(result.req_per_s).padStart(8)} req/s  ` +
          `p50 ${result.p50_ms} ms  p99 ${result.p99_ms} ms  non-2xx ${result.non2xx}  peak RSS ${rss.peak_rss_mb} MB  ` +
          `cpu server ${rss.cpu.server_pct}% client ${rss.cpu.client_pct}% other ${rss.cpu.other_pct}%` +
          (quiet.waited_s > 1 ? `  (waited ${quiet.waited_s} s for a quiet machine)` : ""),
      );
    }
  }
  return Object.fromEntries(
    targets.map((t) => {
      const list = perTarget[t.name];
      return [
        t.name,
        {
          target: t.target,
          req_per_s: round1(median(list.map((r) => r.req_per_s))),
          p50_ms: round3(median(list.map((r) => r.p50_ms))),
          p99_ms: round3(median(list.map((r) => r.p99_ms))),
          non2xx: list.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
          peak_rss_mb: round1(median(list.map((r) => r.peak_rss_mb))),
          max_peak_rss_mb: Math.max(...list.map((r) => r.peak_rss_mb)),
          hwm_mb: t.server.hwmMb(),
          rss_after_start_mb: t.server.readyRssMb,
          cpu_server_pct: round1(median(list.map((r) => r.cpu.server_pct))),
          // The server's own CPU time per request (user + system, all its threads): less sensitive
          // than req/s to other work sharing the machine. fsync waits are not CPU time.
          cpu_ms_per_request: round3(median(list.map(cpuMsPerRequest))),
          cpu_client_pct: round1(median(list.map((r) => r.cpu.client_pct))),
          cpu_other_pct: round1(median(list.map((r) => r.cpu.other_pct))),
          rounds: list,
        },
      ];
    }),
  );
}

const cpuMsPerRequest = (r) => ((r.cpu.server_pct / 100) * machine().nproc * r.duration_s * 1000) / r.requests;

/** valara_db_queries_total before and after `n` self-PATCHes (one connection, one after another). */
async function statementsPerPatch(project) {
  const before = await dbQueriesTotal(project.base);
  const result = await load(project.base, project.request, { amount: options.statements, connections: 1 });
  const after = await dbQueriesTotal(project.base);
  const ok = result.status_counts[200] ?? 0;
  return {
    patches: options.statements,
    ok_200: ok,
    statements: after - before,
    per_patch: round3((after - before) / options.statements),
  };
}

function table(phase, summary, ratios) {
  const lines = [
    `\n${phase}`,
    "| target | req/s | p50 ms | p99 ms | non-2xx | peak RSS MB (median / max) | server CPU ms / request | CPU % server / client / other |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [name, s] of Object.entries(summary)) {
    lines.push(
      `| ${name} | ${Math.round(s.req_per_s).toLocaleString("en-US")} | ${s.p50_ms} | ${s.p99_ms} | ${s.non2xx} | ${s.peak_rss_mb} / ${s.max_peak_rss_mb} | ${s.cpu_ms_per_request} | ${s.cpu_server_pct} / ${s.cpu_client_pct} / ${s.cpu_other_pct} |`,
    );
  }
  for (const [name, value] of Object.entries(ratios)) lines.push(`${name}: ${value}×`);
  return lines.join("\n");
}

function gitState() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: ROOT, encoding: "utf8" }).trim();
    return { head, src_dirty: dirty !== "" };
  } catch {
    return { head: null, src_dirty: null };
  }
}

async function main() {
  const stale = assertFreshDist();
  const tmp = mkdtempSync(join(tmpdir(), "valara-bench-"));
  log(
    `temporary folder ${tmp}; ${options.rounds} rounds × ${options.duration} s at ${options.connections} connections`,
  );
  const started = [];
  const pgDatabases = [];
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    git: gitState(),
    dist_stale_files: stale,
    options,
    sqlite: null,
    postgres: null,
  };
  try {
    // ---- SQLite: A B C ----
    const projectSetup = await setupProject(
      join(tmp, "project"),
      `file:${join(tmp, "project", "valara.db")}`,
      "project",
    );
    const raw = await startRawFloor(join(tmp, "raw"), projectSetup); // copies the DB before the project writes
    started.push(raw);
    const rawNoSync = options.extra
      ? await startRawFloor(join(tmp, "raw-fullsync"), projectSetup, { name: "raw-floor (sync=FULL)", sync: "FULL" })
      : undefined;
    if (rawNoSync) started.push(rawNoSync);
    const project = await startProject(projectSetup);
    started.push(project);
    const betterAuth = await startBetterAuth(
      join(tmp, "better-auth"),
      `file:${join(tmp, "better-auth", "ba.db")}`,
      "better-auth",
    );
    started.push(betterAuth);

    const sqlite = await rounds([project, betterAuth, raw, ...(rawNoSync ? [rawNoSync] : [])], "sqlite");
    const statements = await statementsPerPatch(project);
    log(`statements per self-PATCH: ${statements.per_patch} (${statements.statements} for ${statements.patches})`);
    report.sqlite = {
      summary: sqlite,
      ratios: {
        project_over_better_auth: round2(sqlite.project.req_per_s / sqlite["better-auth"].req_per_s),
        project_over_raw_floor: round2(sqlite.project.req_per_s / sqlite["raw-floor"].req_per_s),
      },
      statements,
    };
    for (const t of [project, betterAuth, raw, ...(rawNoSync ? [rawNoSync] : [])]) {
      t.exit = await t.server.stop();
      started.splice(started.indexOf(t), 1);
    }

    // ---- PostgreSQL: A B ----
    if (options.postgres) {
      const suffix = `${process.pid}_${Date.now().toString(36)}`;
      const projectDb = await createPgDatabase(`valara_bench_${suffix}`);
      pgDatabases.push(projectDb);
      const baDb = await createPgDatabase(`better_auth_bench_${suffix}`);
      pgDatabases.push(baDb);
      const pgSetup = await setupProject(join(tmp, "project-pg"), projectDb.url, "project (pg)");
      const projectPg = await startProject(pgSetup);
      started.push(projectPg);
      const betterAuthPg = await startBetterAuth(join(tmp, "better-auth-pg"), baDb.url, "better-auth (pg)");
      started.push(betterAuthPg);
      // The raw floor on PostgreSQL: how far a PATCH on this stack can go on this machine at all.
      const rawPg = await startRawFloor(join(tmp, "raw-pg"), pgSetup, { name: "raw-floor (pg)" });
      started.push(rawPg);
      const postgres = await rounds([projectPg, betterAuthPg, rawPg], "postgres");
      const pgStatements = await statementsPerPatch(projectPg);
      log(`statements per self-PATCH on PostgreSQL: ${pgStatements.per_patch}`);
      report.postgres = {
        summary: postgres,
        ratios: {
          project_over_better_auth: round2(postgres["project (pg)"].req_per_s / postgres["better-auth (pg)"].req_per_s),
          project_over_raw_floor: round2(postgres["project (pg)"].req_per_s / postgres["raw-floor (pg)"].req_per_s),
          raw_floor_over_better_auth: round2(
            postgres["raw-floor (pg)"].req_per_s / postgres["better-auth (pg)"].req_per_s,
          ),
        },
        statements: pgStatements,
      };
      for (const t of [projectPg, betterAuthPg, rawPg]) {
        await t.server.stop();
        started.splice(started.indexOf(t), 1);
      }
    }
  } finally {
    for (const t of started) await t.server.stop().catch(() => {});
    await stopAll();
    for (const db of pgDatabases) await db.drop().catch((error) => log(`could not drop a database: ${error.message}`));
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }

  report.targets = evaluate(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  const charts = writeChart(join(RESULTS_DIR, "chart.svg"), chartData(report));

  const out = [
    `machine: ${report.machine.nproc} cores (${report.machine.cpu_model}), ${report.machine.memory_gib} GiB, Node ${report.machine.node}; client and servers share the cores`,
    table("SQLite (medians of rounds)", report.sqlite.summary, report.sqlite.ratios),
    `statements per self-PATCH: ${report.sqlite.statements.per_patch}`,
  ];
  if (report.postgres) {
    out.push(table("PostgreSQL (medians of rounds)", report.postgres.summary, report.postgres.ratios));
    out.push(`statements per self-PATCH (pg): ${report.postgres.statements.per_patch}`);
  }
  out.push("\ntargets:");
  for (const t of report.targets)
    out.push(`- [${t.met === null ? "n/a" : t.met ? "met" : "NOT MET"}] ${t.target}: ${t.measured}`);
  out.push(`\nwrote ${[join(RESULTS_DIR, "latest.json"), ...charts].map((f) => relative(ROOT, f)).join(", ")}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function evaluate(report) {
  const s = report.sqlite;
  const p = s.summary.project;
  const pg = report.postgres;
  const pgProject = pg?.summary["project (pg)"];
  const allPeaks = [p.max_peak_rss_mb, pgProject?.max_peak_rss_mb].filter((v) => v !== undefined);
  return [
    {
      target: "Project PATCH ≥ 10× Better Auth update-user (SQLite)",
      measured: `${s.ratios.project_over_better_auth}× (${p.req_per_s} vs ${s.summary["better-auth"].req_per_s} req/s)`,
      met: s.ratios.project_over_better_auth >= 10,
    },
    {
      target: "Project PATCH ≥ 5× Better Auth update-user (PostgreSQL)",
      measured: pg
        ? `${pg.ratios.project_over_better_auth}× (${pgProject.req_per_s} vs ${pg.summary["better-auth (pg)"].req_per_s} req/s); ` +
          `the raw floor on PostgreSQL: ${pg.ratios.raw_floor_over_better_auth}× (${pg.summary["raw-floor (pg)"].req_per_s} req/s), ` +
          `the project ${round1(pg.ratios.project_over_raw_floor * 100)} % of it`
        : "not run (use --postgres)",
      met: pg ? pg.ratios.project_over_better_auth >= 5 : null,
    },
    {
      target: "≥ 50 % of the raw floor (SQLite)",
      measured: `${round1(s.ratios.project_over_raw_floor * 100)} % (${p.req_per_s} vs ${s.summary["raw-floor"].req_per_s} req/s)`,
      met: s.ratios.project_over_raw_floor >= 0.5,
    },
    {
      target: "p99 ≤ 5 ms at 10 connections (project, SQLite)",
      measured: `${p.p99_ms} ms (median of rounds; p50 ${p.p50_ms} ms)${pgProject ? `; PostgreSQL ${pgProject.p99_ms} ms` : ""}`,
      met: p.p99_ms <= 5,
    },
    {
      target: "zero non-2xx (project)",
      measured: `${p.non2xx}${pgProject ? ` (PostgreSQL ${pgProject.non2xx})` : ""}`,
      met: p.non2xx === 0 && (pgProject ? pgProject.non2xx === 0 : true),
    },
    {
      target: "self-PATCH ≤ 3 SQL statements",
      measured: `${s.statements.per_patch} per PATCH${pg ? ` (PostgreSQL ${pg.statements.per_patch})` : ""}`,
      met: s.statements.per_patch <= 3 && (pg ? pg.statements.per_patch <= 3 : true),
    },
    {
      target: "peak RSS ≤ 150 MB (project)",
      measured: `${Math.max(...allPeaks)} MB max over rounds (VmHWM ${p.hwm_mb} MB)`,
      met: Math.max(...allPeaks, p.hwm_mb) <= 150,
    },
  ];
}

function chartData(report) {
  const groups = [
    {
      title: "SQLite",
      bars: Object.entries(report.sqlite.summary).map(([name, s]) => ({
        label:
          name === "project"
            ? "project PATCH"
            : name === "better-auth"
              ? "Better Auth update-user"
              : name === "raw-floor"
                ? "raw floor, synchronous=NORMAL"
                : "raw floor, synchronous=FULL",
        target: s.target,
        value: s.req_per_s,
        note: `(p99 ${round1(s.p99_ms)} ms)`,
      })),
    },
  ];
  if (report.postgres) {
    groups.push({
      title: "PostgreSQL",
      bars: Object.entries(report.postgres.summary).map(([name, s]) => ({
        label: name.startsWith("project")
          ? "project PATCH"
          : name.startsWith("raw-floor")
            ? "raw floor"
            : "Better Auth update-user",
        target: s.target,
        value: s.req_per_s,
        note: `(p99 ${round1(s.p99_ms)} ms)`,
      })),
    });
  }
  const m = report.machine;
  return {
    title: "PATCH a profile: median req/s (higher is better)",
    subtitle: `${report.options.rounds} alternating rounds × ${report.options.duration} s, ${report.options.connections} connections, autocannon; ${m.nproc} cores shared by client and server; Node ${m.node}; ${report.date.slice(0, 10)}`,
    groups,
  };
}

/** `node bench/run.mjs --chart-only`: redraws the chart from results/latest.json. */
function chartOnly() {
  const report = JSON.parse(readFileSync(join(RESULTS_DIR, "latest.json"), "utf8"));
  const files = writeChart(join(RESULTS_DIR, "chart.svg"), chartData(report));
  process.stdout.write(`wrote ${files.join(", ")}\n`);
}

(process.argv.includes("--chart-only") ? Promise.resolve().then(chartOnly) : main()).catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
