import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import { createApiKey } from "../../src/cli/api-keys.commands.js";
import { createUser } from "../../src/cli/users.commands.js";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { openServices, type Services } from "../../src/services.js";
import type { User } from "../../src/users/user-object.js";

/** A real app on a real, freshly migrated SQLite file of its own. */
export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

/** Starts the real app (real Better Auth, real migrations) on a temporary SQLite database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "valara-test-"));
  const config = loadConfig({
    DATABASE_URL: `file:${join(dir, "valara.db")}`,
    LOG_LEVEL: "silent",
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const services = openServices(config, logger);
  await services.migrate();
  const app = await buildApp({ services, logger });
  await app.ready();
  return {
    app,
    services,
    config,
    dir,
    close: async () => {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
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

/** PATCH /api/v1/users/{id} with a JSON body. */
export const patchUser = (t: TestApp, id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PATCH", `/api/v1/users/${encodeURIComponent(id)}`, body, options);

/** The user as stored, read straight from the database (not through the API under test). */
export async function storedUser(t: TestApp, id: string) {
  return t.services.database.db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
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
