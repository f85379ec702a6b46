// Shared helpers of the benchmark: child servers, readiness, RSS sampling, autocannon rounds,
// exact latency percentiles, the project's CLI, and staleness of dist/.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import autocannon from "autocannon";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH_DIR, "..");
/** Where results go: bench/results, or BENCH_RESULTS_DIR (e.g. for a trial run that must not replace them). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR
  ? resolve(process.env.BENCH_RESULTS_DIR)
  : join(BENCH_DIR, "results");
const run = promisify(execFile);

export const env = (name, fallback) => {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
};
export const envInt = (name, fallback) => {
  const value = Number(env(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export const median = (values) => {
  const sorted = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A TCP port nobody listens on right now (loopback). */
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Refuses to measure a stale build: every src/**\/*.ts must have its dist/**\/*.js at least as new.
 * Returns the list of stale files (empty when fresh).
 */
export function staleDist() {
  const stale = [];
  // tsc leaves an output file alone when its content would not change (a comment-only edit), so
  // the build's own stamp (written by `npm run build`) is the time to compare with, when present.
  const stamp = join(ROOT, "dist", ".built");
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : undefined;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const built = join(ROOT, "dist", relative(join(ROOT, "src"), path)).replace(/\.ts$/, ".js");
        if (!existsSync(built) || (builtAt ?? statSync(built).mtimeMs) < statSync(path).mtimeMs) {
          stale.push(relative(ROOT, path));
        }
      }
    }
  };
  walk(join(ROOT, "src"));
  return stale;
}

export function assertFreshDist() {
  if (!existsSync(join(ROOT, "dist", "server.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (or `npm ci`) first");
  }
  const stale = staleDist();
  if (stale.length > 0 && env("BENCH_ALLOW_STALE", "") !== "1") {
    throw new Error(
      `dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 3).join(", ")}…): ` +
        "run `npm run build` first (or BENCH_ALLOW_STALE=1 to measure the old build anyway)",
    );
  }
  return stale;
}

/** Runs the project's CLI (`node bin/valara.js … --json`) with the given environment; parses stdout. */
export async function valara(args, { cwd, extraEnv }) {
  const { stdout } = await run(process.execPath, [join(ROOT, "bin", "valara.js"), ...args, "--json"], {
    cwd,
    env: { ...process.env, LOG_LEVEL: "warn", ...extraEnv },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** The machine, for the report. */
export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  return {
    nproc: cpus().length,
    cpu_model: model,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

/**
 * A server in its own process. stdout/stderr go to `logFile` (or /dev/null). `ready` is polled
 * until it resolves true. Tracks peak RSS: VmRSS polled every 50 ms per window, and VmHWM.
 */
const running = new Set();
process.on("exit", () => {
  for (const server of running) server.child.kill("SIGKILL");
});

/** Stops every child server still running (on failure paths). */
export async function stopAll() {
  for (const server of [...running]) await server.stop().catch(() => {});
}

export class ChildServer {
  constructor(name, { args, cwd, env: childEnv, inheritEnv = true, logFile, nodeArgs = [] }) {
    this.name = name;
    const out = openSync(logFile ?? "/dev/null", "a");
    this.child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd,
      env: inheritEnv ? { ...process.env, ...childEnv } : childEnv,
      stdio: ["ignore", out, out],
    });
    this.exited = once(this.child, "exit");
    running.add(this);
    this.exited.then(() => running.delete(this));
    this.logFile = logFile;
  }

  get pid() {
    return this.child.pid;
  }

  async waitReady(check, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      try {
        if (await check()) {
          this.readyRssMb = round1(procStatus(this.pid).rss / 1024);
          return;
        }
      } catch (error) {
        lastError = error;
      }
      await sleep(100);
    }
    const tail = this.logFile && existsSync(this.logFile) ? readFileSync(this.logFile, "utf8").slice(-2000) : "";
    throw new Error(`${this.name} did not become ready (${lastError?.message ?? "exited"})\n${tail}`);
  }

  /**
   * Starts polling VmRSS; returns a function that stops and gives {peak_rss_mb, hwm_mb} and the CPU
   * split of the window: this server, the bench process (the load generator), and everything else
   * on the machine (other work sharing the cores), each in % of all cores.
   */
  sampleRss() {
    const cpuStart = cpuSnapshot(this.pid);
    let peak = 0;
    const tick = () => {
      const { rss } = procStatus(this.pid);
      if (rss > peak) peak = rss;
    };
    tick();
    const timer = setInterval(tick, 50);
    return () => {
      clearInterval(timer);
      tick();
      const { hwm } = procStatus(this.pid);
      return {
        peak_rss_mb: round1(peak / 1024),
        hwm_mb: round1(hwm / 1024),
        cpu: cpuSplit(cpuStart, cpuSnapshot(this.pid)),
      };
    };
  }

  hwmMb() {
    return round1(procStatus(this.pid).hwm / 1024);
  }

  /** SIGINT (graceful), then SIGKILL after `graceMs`. Resolves with the exit code or signal. */
  async stop(signal = "SIGINT", graceMs = 10_000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const [code, sig] = await this.exited;
    clearTimeout(timer);
    return code ?? sig;
  }
}

/** CPU time a process has used so far (user + system), in ms, from /proc/<pid>/stat; 0 once it is gone. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * 10; // utime, stime (fields 14, 15) in ticks of 10 ms (USER_HZ 100)
  } catch {
    return 0;
  }
}

// CPU accounting from /proc, in clock ticks (USER_HZ = 100 on Linux).
function cpuSnapshot(pid) {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  const server = processCpuMs(pid) / 10; // in ticks, like /proc/stat's
  const usage = process.cpuUsage();
  return { busy, total: busy + idle + iowait, server, bench: (usage.user + usage.system) / 10_000 };
}

function cpuSplit(a, b) {
  const total = b.total - a.total || 1;
  const server = b.server - a.server;
  const bench = b.bench - a.bench;
  const busy = b.busy - a.busy;
  const pct = (ticks) => round1((100 * Math.max(0, ticks)) / total);
  return {
    server_ticks: server,
    server_pct: pct(server),
    client_pct: pct(bench),
    other_pct: pct(busy - server - bench),
    idle_pct: pct(total - busy),
  };
}

export const round1 = (n) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : null);
export const round2 = (n) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);
export const round3 = (n) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null);

/** p-th percentile (0–100) of a sorted Float64Array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * One autocannon window. `request` is {method, path, headers, body?: () => string}; `body` is
 * called for every request (a new value each time). Latencies are kept exactly (autocannon's own
 * histogram has 1 ms resolution): p50/p99 here are over every response, in milliseconds.
 */
export async function load(url, request, { duration, connections, amount, keepLatencies = false } = {}) {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statusCounts = {};
  const options = {
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.body ? { setupRequest: (req) => ({ ...req, body: request.body() }) } : {}),
      },
    ],
  };
  const instance = autocannon(options);
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = responseTime;
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const sorted = latencies.subarray(0, count).sort();
  return {
    req_per_s: round1(result.requests.average),
    requests: count,
    duration_s: result.duration,
    p50_ms: round3(percentile(sorted, 50)),
    p90_ms: round3(percentile(sorted, 90)),
    p99_ms: round3(percentile(sorted, 99)),
    max_ms: round3(sorted[count - 1] ?? null),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_counts: statusCounts,
    autocannon_p50_ms: result.latency.p50,
    autocannon_p99_ms: result.latency.p99,
    ...(keepLatencies ? { latencies: sorted.slice() } : {}),
  };
}

/** fetch with a JSON body; returns {status, headers, json}. */
export async function http(url, { method = "GET", headers = {}, body } = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** A fresh PostgreSQL database on 127.0.0.1:5432 (trust auth, user postgres); returns its URL and a drop(). */
export async function createPgDatabase(name) {
  const { default: pg } = await import("pg");
  const base = env("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432");
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: `${base}/${name}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Reads valara_db_queries_total from the project's GET /metrics. */
export async function dbQueriesTotal(base) {
  const { status, json } = await http(`${base}/metrics`);
  if (status !== 200) throw new Error(`GET /metrics answered ${status}`);
  const match = /^valara_db_queries_total(?:\{[^}]*\})?\s+([0-9.e+]+)$/m.exec(json);
  if (!match) throw new Error("valara_db_queries_total not found in /metrics");
  return Number(match[1]);
}

/** A unique text value per call, never repeated across the process (so every PATCH changes something). */
let counter = 0;
export const nextValue = (prefix) => `${prefix} ${process.pid}-${++counter}`;

/**
 * README, "PostgreSQL and several instances": on PostgreSQL every process (server and CLI) shares
 * an exported BETTER_AUTH_SECRET; on SQLite the development secret is generated beside the
 * database file, as `npm start` does. The variables to add for `databaseUrl`.
 */
export function secretEnvFor(databaseUrl) {
  return databaseUrl.startsWith("postgres") ? { BETTER_AUTH_SECRET: randomBytes(32).toString("base64") } : {};
}

/** The project's server exactly as `npm start` runs it, with only the bench's variables changed. */
export function projectEnv(databaseUrl, port) {
  const childEnv = { ...process.env };
  for (const name of ["NODE_ENV", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "REDIS_URL", "METRICS_TOKEN", "LOG_LEVEL"]) {
    delete childEnv[name];
  }
  return {
    ...childEnv,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "info", // the default, spelled out so that a LOG_LEVEL in the shell cannot change it
    // High enough never to trigger (the configuration's maximum, per 60 s), so the limiter still runs.
    RATE_LIMIT_READ: "1000000",
    RATE_LIMIT_LIST: "1000000",
    RATE_LIMIT_WRITE: "1000000",
  };
}

/** `npm start`'s command (`node [flags] dist/server.js`) from package.json: its node flags and script. */
export function startCommand() {
  const start = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
  const [node, ...rest] = start.trim().split(/\s+/);
  const script = rest.pop();
  if (node !== "node" || !script?.endsWith(".js")) throw new Error(`cannot read npm start's command: ${start}`);
  return { flags: rest, script: join(ROOT, script) };
}

/**
 * The server as `npm start` runs it (same node flags, same script, in its own process, without
 * npm in between so that its RSS and CPU are the server's own), default logging (pino JSON lines,
 * info) to <dir>/server.log as a service's logs would go; waits for GET /healthz.
 */
export async function startProjectServer({ label = "project", dir, databaseUrl, extraEnv = {}, nodeArgs = [] }) {
  const port = await freePort();
  const start = startCommand();
  const server = new ChildServer(label, {
    args: [start.script],
    nodeArgs: [...start.flags, ...nodeArgs],
    cwd: dir,
    env: { ...projectEnv(databaseUrl, port), ...extraEnv },
    inheritEnv: false,
    logFile: join(dir, "server.log"),
  });
  const base = `http://127.0.0.1:${port}`;
  await server.waitReady(async () => (await http(`${base}/healthz`)).status === 200);
  return { server, base };
}

/** Busy share of all cores over `ms`, from /proc/stat. */
export async function machineBusyPct(ms = 1000) {
  const read = () => {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy, total: busy + idle + iowait };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return round1((100 * (b.busy - a.busy)) / (b.total - a.total || 1));
}

/**
 * This machine may be shared: before a measured window, wait (up to BENCH_QUIET_MAX seconds,
 * default 10; 0 turns it off) until the machine is below BENCH_QUIET_PCT % busy (default 15) over
 * one second while our servers are idle. Returns {waited_s, busy_pct} for the record.
 */
export async function waitQuiet() {
  const max = Number(env("BENCH_QUIET_MAX", "10"));
  const threshold = Number(env("BENCH_QUIET_PCT", "15"));
  if (!(max > 0)) return { waited_s: 0, busy_pct: null };
  const started = Date.now();
  let busy = await machineBusyPct(500);
  while (busy > threshold && Date.now() - started < max * 1000) busy = await machineBusyPct(1000);
  return { waited_s: round1((Date.now() - started) / 1000), busy_pct: busy };
}
