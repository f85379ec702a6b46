import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import SQLite from "better-sqlite3";
import { createApiKey } from "../src/cli/api-keys.commands.js";
import { createUser } from "../src/cli/users.commands.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";

const SECRET = "graceful-shutdown-secret-0123456789abcdef";

/** Starts the real server entry in its own process and resolves once it listens. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Server listening")) resolve({ child, exited });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${output}`)));
  });
}

describe("graceful shutdown on SIGTERM", () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-shutdown-"));
  const file = join(dir, "valara.db");
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = {
    DATABASE_URL: `file:${file}`,
    PORT: String(port),
    BETTER_AUTH_SECRET: SECRET,
    LOG_LEVEL: "info",
    REQUEST_TIMEOUT_MS: "8000",
  };
  let user: { id: string; key: string };

  before(async () => {
    const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
    await services.migrate();
    const created = await createUser(services, { email: "shutdown@example.com", name: "Shut Down" });
    user = { id: created.id, key: (await createApiKey(services, { user: created.id })).key };
    await services.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finishes in-flight requests, refuses new ones, and exits 0", async () => {
    const { child, exited } = await startServer(env);
    const base = `http://127.0.0.1:${port}`;
    // Hold the write lock so the PATCHes are still in flight when SIGTERM arrives.
    const other = new SQLite(file);
    other.prepare("BEGIN IMMEDIATE").run();
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      fetch(`${base}/api/v1/users/${user.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${user.key}`, "content-type": "application/json" },
        body: JSON.stringify({ [["title", "city", "tagline", "bio", "office_name"][i] as string]: `value ${i}` }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A request arriving now is refused (connection refused, or 503 on a kept-alive socket):
    // either way a load balancer sends it elsewhere.
    const late = await fetch(`${base}/healthz`).then(
      (response) => response.status,
      () => "refused",
    );
    assert.ok(late === "refused" || late === 503, `a request after SIGTERM got ${late}`);
    other.prepare("ROLLBACK").run();
    other.close();

    const statuses = await Promise.all(
      inFlight.map(async (response) => {
        try {
          return (await response).status;
        } catch (error) {
          return String((error as Error & { cause?: unknown }).cause ?? error);
        }
      }),
    );
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    assert.equal(await exited, 0);

    const check = new SQLite(file, { readonly: true });
    const row = check.prepare("select title, city, tagline, bio, office_name from user where id = ?").get(user.id);
    check.close();
    assert.deepEqual(row, {
      title: "value 0",
      city: "value 1",
      tagline: "value 2",
      bio: "value 3",
      office_name: "value 4",
    });
  });
});
