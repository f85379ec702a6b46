// A bounded soak of the built server (not in CI): SOAK_CONNECTIONS (default 200) connections for
// SOAK_SECONDS (default 60) of alternating GET /api/v1/users/me and PATCH /api/v1/users/{id} on
// loopback, against `node dist/server.js` on a fresh SQLite file. Samples the server's RSS every
// second; exits non-zero on any error, timeout or non-2xx answer. Run `npm run build` first.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { staleDist } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const positive = (name, fallback) => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const SECONDS = positive("SOAK_SECONDS", 60);
const CONNECTIONS = positive("SOAK_CONNECTIONS", 200);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const run = promisify(execFile);

if (!existsSync(join(ROOT, "dist", "server.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(2);
}
const stale = staleDist();
if (stale.length > 0)
  console.warn(`warning: dist/ is older than ${stale.length} source file(s); run \`npm run build\``);

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((done) => server.once("listening", done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** The process's resident set size in MiB, or null once it is gone. */
function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), "valara-soak-"));
const port = await freePort();
const env = {
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: `file:${join(dir, "valara.db")}`,
  BETTER_AUTH_SECRET: "soak-secret-0123456789abcdef0123456789abcdef",
  HOST: "127.0.0.1",
  PORT: String(port),
  LOG_LEVEL: "warn",
  RATE_LIMIT_READ: "1000000",
  RATE_LIMIT_LIST: "1000000",
  RATE_LIMIT_WRITE: "1000000",
};
let server;
let serverOutput = "";
const cleanUp = () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
};
process.once("SIGINT", () => {
  cleanUp();
  process.exit(130);
});

try {
  // The CLI migrates the fresh database and makes the agent and the key.
  const cli = async (...args) =>
    JSON.parse((await run(process.execPath, [join(ROOT, "bin", "valara.js"), ...args, "--json"], { env })).stdout);
  const user = await cli("users", "create", "--email", "soak@example.com", "--name", "Soak Agent");
  const { key } = await cli("api-keys", "create", "--user", user.id);

  server = spawn(process.execPath, [join(ROOT, "dist", "server.js")], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout.on("data", (chunk) => (serverOutput += chunk));
  server.stderr.on("data", (chunk) => (serverOutput += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ok = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (attempt > 100 || server.exitCode !== null) throw new Error(`server did not start:\n${serverOutput}`);
    await sleep(100);
  }

  const samples = [rssMiB(server.pid)];
  const sampler = setInterval(() => samples.push(rssMiB(server.pid)), 1000);
  let counter = 0;
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  console.log(`soak: ${CONNECTIONS} connections for ${SECONDS} s against ${base} (pid ${server.pid})`);
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    requests: [
      { method: "GET", path: "/api/v1/users/me", headers: { authorization: headers.authorization } },
      {
        method: "PATCH",
        path: `/api/v1/users/${user.id}`,
        headers,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ title: `Soak title ${counter++}` }) }),
      },
    ],
  });
  clearInterval(sampler);
  samples.push(rssMiB(server.pid));

  const rss = samples.filter((value) => value !== null);
  const start = rss[0];
  const atTen = rss[Math.min(10, rss.length - 1)];
  const end = rss[rss.length - 1];
  const max = Math.max(...rss);
  const flat = end <= 1.2 * atTen;
  const mib = (value) => `${value.toFixed(1)} MiB`;
  console.log(`requests    ${result.requests.total} (${result.requests.average.toFixed(0)} req/s average)`);
  console.log(`latency     p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`errors      ${result.errors}, non-2xx ${result.non2xx}, timeouts ${result.timeouts}`);
  console.log(`rss         start ${mib(start)}, after 10 s ${mib(atTen)}, end ${mib(end)}, max ${mib(max)}`);
  console.log(`verdict     ${flat ? "memory flat" : "memory grew"} (end ${(end / atTen).toFixed(2)} × after 10 s)`);

  const alive = server.exitCode === null && server.signalCode === null;
  const failed = result.errors > 0 || result.non2xx > 0 || result.timeouts > 0 || !alive;
  if (!alive) console.error(`the server died during the soak:\n${serverOutput}`);
  else if (failed && serverOutput) console.error(`server output:\n${serverOutput.slice(-4000)}`);
  process.exitCode = failed ? 1 : 0;
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  cleanUp();
}
