// npm run bench:profile: the project's server under the PATCH load with `node --cpu-prof`, stopped
// with SIGINT (graceful), then the .cpuprofile summarised: top self time by function, self time by
// package/file, and inclusive time of the suspects (Kysely compile, better-sqlite3 prepare, pino, …).
//
//   BENCH_PROFILE_DURATION=10 BENCH_CONNECTIONS=10 BENCH_KEEP=1
//   --postgres (or BENCH_PG=1): the server on a fresh PostgreSQL database instead of SQLite
//   (results in profile-postgres.{json,md})
//   node bench/profile.mjs FILE.cpuprofile   summarises an existing profile only
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  assertFreshDist,
  createPgDatabase,
  env,
  envInt,
  http,
  load,
  machine,
  nextValue,
  RESULTS_DIR,
  ROOT,
  round1,
  secretEnvFor,
  startProjectServer,
  stopAll,
  valara,
  waitQuiet,
} from "./lib.mjs";

const duration = envInt("BENCH_PROFILE_DURATION", 10);
const connections = envInt("BENCH_CONNECTIONS", 10);
const postgres = process.argv.includes("--postgres") || env("BENCH_PG", "") === "1";
const resultName = postgres ? "profile-postgres" : "profile";
const log = (message) => process.stderr.write(`[profile] ${message}\n`);

/** Where a frame's code lives: a package, a file of ours, Node's internals, or V8/native. */
function origin(url) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:"))
    return url
      .replace(/^node:(internal\/)?/, "node:")
      .split("/")
      .slice(0, 2)
      .join("/");
  const modules = url.lastIndexOf("/node_modules/");
  if (modules !== -1) {
    const parts = url.slice(modules + "/node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const root = `file://${ROOT}/`;
  return url.startsWith(root) ? url.slice(root.length) : url;
}

// Inclusive-time suspects: a sample counts once for a suspect if any frame of its stack matches.
const SUSPECTS = [
  [
    "Better Auth / better-call code on the path",
    (f) => /node_modules\/(better-auth|better-call|@better-auth)\//.test(f.url),
  ],
  ["Kysely (query building + compiling + driver)", (f) => /node_modules\/kysely\//.test(f.url)],
  [
    "  of which Kysely compileQuery",
    (f) => /node_modules\/kysely\//.test(f.url) && /^compileQuery$|^compile$/.test(f.functionName),
  ],
  ["better-sqlite3 prepare()", (f) => f.functionName === "prepare" && (f.url === "" || /better-sqlite3/.test(f.url))],
  [
    "SQLite executing statements (self time of Kysely's SqliteConnection.executeQuery)",
    (f, leaf) => leaf && f.functionName === "executeQuery" && /sqlite-driver/.test(f.url),
  ],
  [
    "SQLite executing the hot path's statements (self time of sqlite-connection.js `rows`)",
    (f, leaf) => leaf && f.functionName === "rows" && /dist\/db\/sqlite-connection\.js$/.test(f.url),
  ],
  [
    "SQLite BEGIN IMMEDIATE / SAVEPOINT / RELEASE / COMMIT of the group commit (self time of database.js `run`)",
    (f, leaf) => leaf && f.functionName === "run" && /dist\/db\/database\.js$/.test(f.url),
  ],
  [
    "pino logging (serialise + write)",
    (f) => /node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs)/.test(f.url),
  ],
  ["fs.writeSync of log lines (sonic-boom)", (f) => /node_modules\/sonic-boom\//.test(f.url)],
  ["socket writes of responses (writev)", (f) => f.url === "" && f.functionName === "writev"],
  [
    "crypto (SHA-256 key hash, ETag, HMAC)",
    (f) => /^node:internal\/crypto/.test(f.url) || /^(createHash|createHmac|digest)$/.test(f.functionName),
  ],
  ["TypeBox", (f) => /node_modules\/@sinclair\/typebox\//.test(f.url)],
  [
    "response serialisation (Fastify's compiled serializer; nullable fields checked with Ajv at run time)",
    (f) => f.functionName === "serialize" && /fastify\/lib\/reply\.js/.test(f.url),
  ],
  [
    "  of which Ajv anyOf checks inside the serializer",
    (f) => /node_modules\/ajv\//.test(f.url) || /^validate\d+$/.test(f.functionName),
  ],
  ["JSON.parse / JSON.stringify", (f) => f.url === "" && /^(parse|stringify)$/.test(f.functionName)],
  ["prom-client (metrics)", (f) => /node_modules\/prom-client\//.test(f.url)],
  ["ulid (request ids)", (f) => /node_modules\/ulid\//.test(f.url)],
  ["async-mutex (SQLite write gate)", (f) => /node_modules\/async-mutex\//.test(f.url)],
  ["project code: users/ (patch reading, validation, diff, user object, ETag)", (f) => /\/dist\/users\//.test(f.url)],
  ["project code: auth/ (authenticate)", (f) => /\/dist\/auth\//.test(f.url)],
  ["project code: history/", (f) => /\/dist\/history\//.test(f.url)],
  ["project code: rate-limit/", (f) => /\/dist\/rate-limit\//.test(f.url)],
  ["project code: db/ (transaction, counter)", (f) => /\/dist\/db\//.test(f.url)],
  ["project code: http/ (request id, budget, validator)", (f) => /\/dist\/http\//.test(f.url)],
  ["garbage collector", (f) => f.functionName === "(garbage collector)"],
];

/**
 * `window` [fromUs, toUs] on the monotonic clock (V8's profile timestamps and process.hrtime share
 * it on Linux) keeps only the samples taken under load: start-up and shutdown are left out.
 */
export function summarise(profile, { top = 15, window } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  let total = 0;
  let idle = 0;
  const inclusive = new Map(SUSPECTS.map(([name]) => [name, 0]));
  const byOrigin = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window[0] || at > window[1])) continue;
    const node = nodes.get(profile.samples[i]);
    const frame = node.callFrame;
    total += delta;
    if (frame.functionName === "(idle)") {
      idle += delta;
      continue;
    }
    const key = `${frame.functionName || "(anonymous)"}\t${origin(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    const where = frame.url
      ? origin(frame.url)
      : frame.functionName.startsWith("(")
        ? frame.functionName
        : "(native / V8)";
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + delta);
    const hit = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const f = nodes.get(id).callFrame;
      for (const [name, test] of SUSPECTS) if (!hit.has(name) && test(f, id === node.id)) hit.add(name);
    }
    for (const name of hit) inclusive.set(name, inclusive.get(name) + delta);
  }
  const busy = total - idle;
  const pct = (us) => round1((100 * us) / busy);
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    total_ms: round1(total / 1000),
    busy_ms: round1(busy / 1000),
    idle_pct_of_wall: round1((100 * idle) / total),
    top_self: sorted(self)
      .slice(0, top)
      .map(([key, us]) => {
        const [fn, where] = key.split("\t");
        return { function: fn, where, self_ms: round1(us / 1000), self_pct: pct(us) };
      }),
    self_by_origin: sorted(byOrigin)
      .slice(0, 20)
      .map(([where, us]) => ({ where, self_ms: round1(us / 1000), self_pct: pct(us) })),
    inclusive: SUSPECTS.map(([name]) => ({
      name,
      ms: round1(inclusive.get(name) / 1000),
      pct: pct(inclusive.get(name)),
    })),
  };
}

function markdown(summary, meta) {
  const lines = [];
  lines.push(
    `Profile of \`node --cpu-prof\` with npm start's command on ${meta.database ?? "sqlite"}, under ${meta.connections} connections of self-PATCH for ${meta.duration} s ` +
      `(${meta.requests} requests, ${meta.req_per_s} req/s while profiled), samples of the load window only. ` +
      `Main thread busy ${summary.busy_ms} ms of ${summary.total_ms} ms (idle ${summary.idle_pct_of_wall} %); ` +
      "percentages are of busy time. Native calls are charged to the JS function that made them" +
      (meta.database === "postgres"
        ? "; PostgreSQL's own work is in its processes, not here (`npm run bench -- --postgres` splits the CPU)."
        : ": the self time of `rows` (dist/db/sqlite-connection.js) and `run` (dist/db/database.js) is SQLite executing the hot path's " +
          "statements and the group commit's BEGIN/SAVEPOINT/RELEASE/COMMIT; Kysely's `SqliteConnection.executeQuery` self time is SQLite executing what still " +
          "goes through Kysely (none of a self-PATCH)."),
    "",
    "Top self time by function:",
    "",
    "| # | function | where | self ms | self % |",
    "|---:|---|---|---:|---:|",
  );
  for (const [i, row] of summary.top_self.entries()) {
    lines.push(`| ${i + 1} | \`${row.function}\` | ${row.where} | ${row.self_ms} | ${row.self_pct} |`);
  }
  lines.push("", "Self time by package / file:", "", "| where | self ms | self % |", "|---|---:|---:|");
  for (const row of summary.self_by_origin) lines.push(`| ${row.where} | ${row.self_ms} | ${row.self_pct} |`);
  lines.push(
    "",
    "Inclusive time (a sample counts once if any frame of its stack matches):",
    "",
    "| on the stack | ms | % of busy |",
    "|---|---:|---:|",
  );
  for (const row of summary.inclusive) lines.push(`| ${row.name} | ${row.ms} | ${row.pct} |`);
  return lines.join("\n");
}

async function profileRun() {
  assertFreshDist();
  const tmp = mkdtempSync(join(tmpdir(), "valara-profile-"));
  const dir = join(tmp, "project");
  const profDir = join(tmp, "prof");
  mkdirSync(dir, { recursive: true });
  const pgDatabase = postgres ? await createPgDatabase("valara_bench_profile") : null;
  const url = pgDatabase?.url ?? `file:${join(dir, "valara.db")}`;
  const secretEnv = secretEnvFor(url);
  try {
    const extraEnv = { DATABASE_URL: url, ...secretEnv };
    const user = await valara(["users", "create", "--email", "bench@example.com", "--name", "Bench User"], {
      cwd: dir,
      extraEnv,
    });
    const key = (await valara(["api-keys", "create", "--user", user.id], { cwd: dir, extraEnv })).key;
    const { server, base } = await startProjectServer({
      dir,
      databaseUrl: url,
      extraEnv: secretEnv,
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
    });
    const request = {
      method: "PATCH",
      path: `/api/v1/users/${user.id}`,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: () => JSON.stringify({ title: nextValue("Senior Agent") }),
    };
    const check = await http(`${base}${request.path}`, {
      method: "PATCH",
      headers: request.headers,
      body: { title: "x" },
    });
    if (check.status !== 200) throw new Error(`check PATCH answered ${check.status}`);
    await waitQuiet();
    log(`profiling ${duration} s of self-PATCH at ${connections} connections`);
    const from = Number(process.hrtime.bigint() / 1000n);
    const result = await load(base, request, { duration, connections });
    const to = Number(process.hrtime.bigint() / 1000n);
    const exit = await server.stop("SIGINT", 30_000);
    log(`server stopped (exit ${exit}); ${result.req_per_s} req/s, p99 ${result.p99_ms} ms while profiled`);
    const file = readdirSync(profDir).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error("no .cpuprofile was written");
    const profile = JSON.parse(readFileSync(join(profDir, file), "utf8"));
    return {
      profile,
      window: [from, to],
      meta: {
        database: postgres ? "postgres" : "sqlite",
        duration,
        connections,
        requests: result.requests,
        req_per_s: result.req_per_s,
        p99_ms: result.p99_ms,
      },
    };
  } finally {
    await stopAll();
    await pgDatabase?.drop();
    if (env("BENCH_KEEP", "") !== "1") rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
}

async function main() {
  const given = process.argv.slice(2).find((arg) => !arg.startsWith("--"));
  const { profile, meta, window } = given
    ? {
        profile: JSON.parse(readFileSync(given, "utf8")),
        meta: { duration: "?", connections: "?", requests: "?", req_per_s: "?" },
      }
    : await profileRun();
  const summary = summarise(profile, { window });
  const text = markdown(summary, meta);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `${resultName}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...meta, ...summary }, null, 2)}\n`,
  );
  writeFileSync(join(RESULTS_DIR, `${resultName}.md`), `${text}\n`);
  process.stdout.write(`${text}\n\nwrote ${relative(ROOT, join(RESULTS_DIR, resultName))}.{json,md}\n`);
}

main().catch((error) => {
  process.stderr.write(`profile failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
