import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildApp } from "../../src/app.js";
import { createApiKey } from "../../src/cli/api-keys.commands.js";
import { createUser } from "../../src/cli/users.commands.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { DialectName } from "../../src/db/database.js";
import { createLogger } from "../../src/logger.js";
import type { RateLimitStore } from "../../src/rate-limit/store.js";
import { openServices, type Services } from "../../src/services.js";
import type { User } from "../../src/users/user-object.js";
import type { Resolver } from "../../src/webhooks/address-guard.js";

/** The database the suite runs on: TEST_DIALECT=sqlite (default) or postgres. */
export const dialect: DialectName = (() => {
  const name = process.env.TEST_DIALECT ?? "sqlite";
  if (name !== "sqlite" && name !== "postgres") throw new Error(`TEST_DIALECT must be sqlite or postgres, not ${name}`);
  return name;
})();

/**
 * A date as `dialect` stores it (ISO text on SQLite, as Better Auth writes it; a Date on
 * PostgreSQL), for tests that write rows directly. Spelled here, apart from the app's own encoding.
 */
export const toDbDate = (dialect: DialectName, date: Date): Date | string =>
  dialect === "sqlite" ? date.toISOString() : date;

/** The PostgreSQL server tests create their databases on (trust authentication, user postgres). */
export const TEST_PG_SERVER = process.env.TEST_PG_SERVER ?? "postgres://postgres@127.0.0.1:5432";

/** Runs `work` on a short-lived client of the PostgreSQL server's maintenance database. */
async function onPgServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// A closed pool's sockets may still be ending when the test drops the database: wait for them a
// moment (dropping WITH (FORCE) at once would kill them mid-goodbye, an uncaught error in the
// test process), then force whatever is left, such as a lock a failed test never released.
async function dropPgDatabase(name: string): Promise<void> {
  await onPgServer(async (client) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006") throw error; // object_in_use
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/**
 * A fresh, empty database of its own: `{url, drop}`. SQLite: `valara.db` in `dir`; PostgreSQL:
 * `valara_t_<random>` on TEST_PG_SERVER, dropped by `drop()`.
 */
export async function createTestDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === "sqlite") return { url: `file:${join(dir, "valara.db")}`, drop: async () => {} };
  const name = `valara_t_${randomBytes(8).toString("hex")}`;
  await onPgServer((client) => client.query(`CREATE DATABASE ${name}`));
  return { url: `${TEST_PG_SERVER}/${name}`, drop: () => dropPgDatabase(name) };
}

/** A real app on a real, freshly migrated database of its own. */
export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  /** A temporary folder of the test's own (it holds the SQLite file on SQLite). */
  dir: string;
  close(): Promise<void>;
}

/**
 * Starts the real app (real Better Auth, real migrations) on a database of its own, on the
 * suite's dialect; `env.DATABASE_URL` shares an existing one instead (a second instance).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  {
    logDestination,
    rateLimitStore,
    dashboardRoot,
    webhookResolver,
  }: {
    logDestination?: { write(line: string): void };
    rateLimitStore?: RateLimitStore;
    dashboardRoot?: string;
    webhookResolver?: Resolver;
  } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "valara-test-"));
  const database = env.DATABASE_URL ? undefined : await createTestDatabase(dir);
  const cleanUp = async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      DATABASE_URL: database?.url ?? "",
      LOG_LEVEL: "silent",
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
      ...env,
    });
    const logger = createLogger(config.logLevel, { destination: logDestination });
    const services = openServices(config, logger);
    let app: FastifyInstance;
    try {
      await services.migrate();
      app = await buildApp({ services, logger, rateLimitStore, dashboardRoot, webhookResolver });
      await app.ready();
    } catch (error) {
      await services.close();
      throw error;
    }
    return {
      app,
      services,
      config,
      dir,
      close: async () => {
        await app.close();
        await services.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Holds the user's row as another process's writer would, until the returned function is called:
 * on SQLite the whole database's write lock (BEGIN IMMEDIATE on a second connection), on
 * PostgreSQL the row's lock (SELECT … FOR UPDATE in an open transaction on a connection of its own).
 * Writes of that user wait; reads do not.
 */
export function holdUserLock(t: TestApp, userId: string): Promise<() => Promise<void>> {
  return holdUserLockAt(t.config.databaseUrl, userId);
}

/** `holdUserLock` on the database at `databaseUrl` (`file:…` or `postgres://…`). */
export async function holdUserLockAt(databaseUrl: string, userId: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith("file:")) {
    const other = new SQLite(databaseUrl.slice("file:".length));
    other.prepare("BEGIN IMMEDIATE").run();
    return async () => {
      other.prepare("ROLLBACK").run();
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const locked = await client.query('SELECT id FROM "user" WHERE id = $1 FOR UPDATE', [userId]);
    if (locked.rowCount !== 1) throw new Error(`no user ${userId} to lock`);
  } catch (error) {
    await client.end();
    throw error;
  }
  return async () => {
    try {
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
  };
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export interface TestUser {
  user: User;
  id: string;
  key: string;
  keyId: string;
}

/** A new user with a random email and an API key of their own. */
export async function makeUser(t: TestApp, role: "user" | "admin" = "user", name = "Test Agent"): Promise<TestUser> {
  const user = await createUser(t.services, { email: `agent-${unique()}@example.com`, name, role });
  const key = await createApiKey(t.services, { user: user.id });
  return { user, id: user.id, key: key.key, keyId: key.id };
}

export interface SendOptions {
  key?: string;
  headers?: Record<string, string>;
  contentType?: string | null;
}

/** Sends a JSON request the way a client would; `body` is serialised unless it is a string. */
export function send(
  t: TestApp,
  method: "GET" | "PATCH" | "PUT" | "POST" | "DELETE",
  url: string,
  body?: unknown,
  options: SendOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (body !== undefined && options.contentType !== null)
    headers["content-type"] = options.contentType ?? "application/json";
  return t.app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** The Caller an API key authenticates as, for tests that call the services directly. */
export async function callerWithKey(t: TestApp, key: string) {
  const { authenticate } = await import("../../src/auth/credentials.js");
  return authenticate(t.services.database.reads, { authorization: `Bearer ${key}` }, t.services.secret, ["admin"]);
}

/** PATCH /api/v1/users/{id} with a JSON body. */
export const patchUser = (t: TestApp, id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PATCH", `/api/v1/users/${encodeURIComponent(id)}`, body, options);

/**
 * The user as stored, read straight from the database (not through the API under test). Without
 * `webhook_relayed`: the webhook relay's bookkeeping, which it sets on its own schedule once the
 * user's sign-up is announced (not part of the user).
 */
export async function storedUser(t: TestApp, id: string) {
  const row = await t.services.database.db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return row;
  const { webhook_relayed: _relayed, ...user } = row as typeof row & { webhook_relayed?: unknown };
  return user as typeof row;
}

/** Asserts the contract's error envelope and returns its error object. */
export function errorOf(response: LightMyRequestResponse) {
  const body = response.json() as {
    error: { code: string; message: string; request_id: string; details: Record<string, unknown> };
  };
  if (!body.error || typeof body.error.code !== "string" || typeof body.error.message !== "string") {
    throw new Error(`not an error envelope: ${response.body}`);
  }
  if (body.error.request_id !== response.headers["x-request-id"]) {
    throw new Error(
      `request_id ${body.error.request_id} differs from X-Request-Id ${response.headers["x-request-id"]}`,
    );
  }
  return body.error;
}
