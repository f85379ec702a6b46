import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { expectError, LEAK } from "./support/assertions.js";
import {
  createTestDatabase,
  errorOf,
  makeUser,
  patchUser,
  type SendOptions,
  send,
  startTestApp,
  type TestApp,
  type TestUser,
} from "./support/harness.js";
import { rawHttp, rawRequest } from "./support/raw-http.js";

// OWASP API8:2023 (security misconfiguration), issue 6: no stack traces or SQL, nosniff, CORS
// closed by default, production refusing to start without a secret, secrets never logged.

const EVIL = "https://evil.example";

describe("API8: what responses give away", () => {
  let t: TestApp;
  let agent: TestUser;
  let admin: TestUser;
  before(async () => {
    t = await startTestApp({ METRICS_ENABLED: "true" });
    [agent, admin] = [await makeUser(t), await makeUser(t, "admin")];
  });
  after(() => t.close());

  it("forced errors (bad JSON, bad cursors, wrong types, bad queries, auth routes) show no stack and no SQL", async () => {
    const as = (key: string) => ({ key });
    const probes: Array<[string, Promise<LightMyRequestResponse>]> = [
      ["malformed JSON", patchUser(t, agent.id, '{"title": "x', as(agent.key))],
      ["JSON array", patchUser(t, agent.id, "[1,2]", as(agent.key))],
      ["wrong types", patchUser(t, agent.id, { title: 1, bio: { $gt: "" }, phone: [1], name: null }, as(agent.key))],
      ["SQL in a key", patchUser(t, agent.id, { "title'; DROP TABLE user;--": "x" }, as(agent.key))],
      ["garbage cursor", send(t, "GET", "/api/v1/users?cursor=garbage", undefined, as(admin.key))],
      [
        "forged cursor",
        send(
          t,
          "GET",
          `/api/v1/users?cursor=${Buffer.from('{"c":"\'"}').toString("base64url")}.x`,
          undefined,
          as(admin.key),
        ),
      ],
      ["history cursor", send(t, "GET", `/api/v1/users/${agent.id}/history?cursor=a.b`, undefined, as(agent.key))],
      ["limit=abc", send(t, "GET", "/api/v1/users?limit=abc", undefined, as(admin.key))],
      ["limit=1e999", send(t, "GET", "/api/v1/users?limit=1e999", undefined, as(admin.key))],
      ["history limit=-1", send(t, "GET", `/api/v1/users/${agent.id}/history?limit=-1`, undefined, as(agent.key))],
      ["active=maybe", send(t, "GET", "/api/v1/users?active=maybe&role=root&x=1", undefined, as(admin.key))],
      ["SQL in an id", send(t, "GET", "/api/v1/users/'%20OR%20'1'='1", undefined, as(admin.key))],
      ["no route", send(t, "DELETE", `/api/v1/users/${agent.id}`, undefined, as(admin.key))],
      ["auth: bad JSON", send(t, "POST", "/api/auth/sign-in/email", "{oops")],
      ["auth: wrong types", send(t, "POST", "/api/auth/sign-up/email", { email: 1, password: ["x"], name: {} })],
      ["auth: unknown route", send(t, "POST", "/api/auth/no-such-thing", {})],
    ];
    for (const [label, pending] of probes) {
      const response = await pending;
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${label}: ${response.statusCode} ${response.body}`,
      );
      errorOf(response);
      assert.doesNotMatch(response.body, LEAK, label);
      assert.doesNotMatch(response.body, /"stack"|\bstack\b|\.ts\b|\.js\b/, label);
    }
  });

  it("malformed URLs (bad percent-encoding, a 5,000-character id) answer in the envelope with X-Request-Id", async () => {
    const wrong: string[] = [];
    const urls = ["/api/v1/users/%", "/api/v1/users/%zz", "/api/v1/users/%C0%AF", `/api/v1/users/${"L".repeat(5_000)}`];
    for (const url of urls) {
      const response = await send(t, "GET", url, undefined, { key: agent.key });
      const label = `GET ${url.slice(0, 30)} → ${response.statusCode} ${response.body.slice(0, 120)}`;
      try {
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, "a 4xx");
        assert.ok(errorOf(response).message.length < 300, "the message does not echo the whole URL");
        assert.equal(response.headers["x-content-type-options"], "nosniff");
      } catch (error) {
        wrong.push(`${label}: ${(error as Error).message.split("\n")[0]?.slice(0, 100)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("X-Content-Type-Options: nosniff on every kind of response", async () => {
    const current = await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key });
    const responses: Array<[string, LightMyRequestResponse]> = [
      ["200 user", current],
      [
        "304",
        await send(t, "GET", "/api/v1/users/me", undefined, {
          key: agent.key,
          headers: { "if-none-match": String(current.headers.etag) },
        }),
      ],
      ["200 PATCH", await patchUser(t, agent.id, { title: "nosniff" }, { key: agent.key })],
      ["200 list", await send(t, "GET", "/api/v1/users", undefined, { key: admin.key })],
      ["401", await send(t, "GET", "/api/v1/users/me")],
      ["403", await patchUser(t, admin.id, { title: "x" }, { key: agent.key })],
      ["404 route", await send(t, "GET", "/nowhere")],
      ["413", await patchUser(t, agent.id, `{"bio":"${"x".repeat(70_000)}"}`, { key: agent.key })],
      ["415", await patchUser(t, agent.id, "title=x", { key: agent.key, contentType: "text/plain" })],
      ["422", await patchUser(t, agent.id, "{", { key: agent.key })],
      ["healthz", await send(t, "GET", "/healthz")],
      ["openapi", await send(t, "GET", "/openapi.json")],
      ["docs", await send(t, "GET", "/docs")],
      ["metrics", await send(t, "GET", "/metrics")],
      ["auth route", await send(t, "GET", "/api/auth/get-session")],
      [
        "auth error",
        await send(t, "POST", "/api/auth/sign-in/email", { email: "nobody@example.com", password: "wrong-password" }),
      ],
      ["OPTIONS", await t.app.inject({ method: "OPTIONS", url: "/api/v1/users/me" })],
    ];
    const missing = responses.filter(([, response]) => response.headers["x-content-type-options"] !== "nosniff");
    assert.deepEqual(
      missing.map(([label, response]) => `${label} (${response.statusCode})`),
      [],
    );
  });

  it("CORS is closed by default: no Access-Control-Allow-Origin for a foreign origin, preflight or not", async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: "OPTIONS",
        url: "/api/v1/users/me",
        headers: {
          origin,
          "access-control-request-method": "PATCH",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    for (const origin of [EVIL, "null", "http://127.0.0.1:3000"]) {
      const answers = [
        await preflight(origin),
        await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key, headers: { origin } }),
        await send(t, "POST", "/api/auth/sign-in/email", { email: "a@b.co", password: "x" }, { headers: { origin } }),
      ];
      for (const response of answers) {
        assert.equal(response.headers["access-control-allow-origin"], undefined, `${origin}: ${response.statusCode}`);
        assert.equal(response.headers["access-control-allow-credentials"], undefined, origin);
        assert.ok(response.statusCode < 500);
      }
    }
  });
});

describe("API8: numbers in the environment are plain digits", () => {
  // TypeBox's conversion alone read "1e4" as 1 and "0x10" as 16: REQUEST_TIMEOUT_MS=1e4 would have
  // given every request a 1 ms budget.
  it("refuses exponents, fractions, hex and signs in every integer variable, naming it", () => {
    const base = { DATABASE_URL: "file:/nonexistent/valara.db" };
    const integers = ["PORT", "RATE_LIMIT_WRITE", "REQUEST_TIMEOUT_MS", "SHUTDOWN_DRAIN_MS", "LOG_BUFFER_BYTES"];
    for (const name of integers) {
      for (const value of ["1e5", "70000.5", "0x10000", "+70000", "-1"]) {
        assert.throws(
          () => loadConfig({ ...base, [name]: value }),
          (error: unknown) =>
            error instanceof ConfigError && error.message.includes(`${name}: expected a whole number in digits`),
          `${name}=${value}`,
        );
      }
    }
    const ok = loadConfig({ ...base, PORT: " 8080 ", REQUEST_TIMEOUT_MS: "10000", LOG_BUFFER_BYTES: "70000" });
    assert.deepEqual([ok.port, ok.requestTimeoutMs, ok.logBufferBytes], [8080, 10_000, 70_000]);
  });
});

describe("API8: production refuses to start without a secret", () => {
  it("loadConfig throws a ConfigError naming BETTER_AUTH_SECRET (unset, empty, too short)", () => {
    const base = { NODE_ENV: "production", DATABASE_URL: "file:/nonexistent/valara.db" };
    for (const secret of [undefined, "", "short-secret"]) {
      const env = secret === undefined ? base : { ...base, BETTER_AUTH_SECRET: secret };
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && /BETTER_AUTH_SECRET/.test(error.message),
      );
    }
    const ok = loadConfig({ ...base, BETTER_AUTH_SECRET: randomBytes(32).toString("hex") });
    assert.equal(ok.production, true);
  });

  it("the server process exits non-zero, names the variable and creates no database", () => {
    const dir = mkdtempSync(join(tmpdir(), "valara-prod-"));
    try {
      const { BETTER_AUTH_SECRET: _dropped, ...env } = process.env;
      const database = join(dir, "valara.db");
      const result = spawnSync(process.execPath, ["--import", "tsx", "src/server.ts"], {
        env: { ...env, NODE_ENV: "production", PORT: "0", DATABASE_URL: `file:${database}` },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.notEqual(result.status, 0, `exit ${result.status}, signal ${result.signal}: ${result.stdout}`);
      assert.match(result.stderr, /BETTER_AUTH_SECRET/);
      assert.equal(existsSync(database), false, "it stopped before opening the database");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("API8: secrets never reach the log", () => {
  it("keys, session tokens, cookies, passwords and the signing secret stay out of a trace-level log", async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "valara-log-"));
    const database = await createTestDatabase(dir);
    const secret = `signing-${randomBytes(24).toString("hex")}`;
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: "trace", BETTER_AUTH_SECRET: secret });
    const logger = createLogger(config.logLevel, { destination: { write: (line: string) => void lines.push(line) } });
    const services = openServices(config, logger);
    await services.migrate();
    const app = await buildApp({ services, logger });
    const close = async () => {
      await app.close();
      await services.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    };
    const t: TestApp = { app, services, config, dir, close };
    try {
      const port = Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port);
      const email = `log-${randomBytes(6).toString("hex")}@example.com`;
      const password = `pw-${randomBytes(12).toString("hex")}`;
      const signedUp = await send(t, "POST", "/api/auth/sign-up/email", { email, password, name: "Logged Agent" });
      assert.equal(signedUp.statusCode, 200, signedUp.body);
      const token = String(signedUp.headers["set-auth-token"]);
      const signedIn = await send(t, "POST", "/api/auth/sign-in/email", { email, password });
      const cookie = String(signedIn.headers["set-cookie"]).split(";")[0] as string;
      await send(t, "POST", "/api/auth/sign-in/email", { email, password: `${password}-wrong` });
      const agent = await makeUser(t);
      const minted = await send(t, "POST", "/api/auth/api-key/create", { name: "logged" }, { key: token });
      const mintedKey = String(minted.json().key);
      const basic = Buffer.from(`${email}:${password}`).toString("base64");
      const bare = token.split(".")[0] as string;
      const ways: SendOptions[] = [
        { key: agent.key },
        { key: token },
        { key: bare },
        { key: mintedKey },
        { headers: { "x-api-key": agent.key } },
        { headers: { cookie } },
        { headers: { authorization: `Basic ${basic}` } },
      ];
      for (const options of ways) {
        await send(t, "GET", "/api/v1/users/me", undefined, options);
        await send(t, "GET", "/api/auth/get-session", undefined, options);
      }
      await patchUser(t, agent.id, { title: "Logged" }, { key: agent.key, headers: { "x-idempotency-key": "log-1" } });
      await send(t, "GET", "/api/v1/users/me", undefined, { key: `${agent.key}x` });
      // A request the HTTP parser refuses, carrying the key: Fastify traces such client errors.
      await rawRequest(
        port,
        rawHttp("GET", "/api/v1/users/me", { authorization: `Bearer ${agent.key}`, "x-bad": "a\u0001b" }),
      );
      // An error that gets logged: the history table is gone under a write.
      await services.database.db.schema.dropTable("user_history").execute();
      const failed = await patchUser(t, agent.id, { title: "Boom" }, { key: agent.key });
      expectError(failed, 500, "internal_error");
      const log = lines.join("");
      assert.match(log, /"level":(50|60)/, "the error was logged");
      assert.match(log, /"level":10/, "trace lines were captured");
      const secrets = {
        apiKey: agent.key,
        mintedKey,
        token,
        bare,
        cookie: cookie.split("=")[1] as string,
        password,
        secret,
        basic,
      };
      const leaks: string[] = [];
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(value.length >= 16, `${name} is a real secret`);
        const bytes = Buffer.from(value).toJSON().data.join(",");
        const at = lines.find((line) => line.includes(value) || line.includes(bytes));
        if (at) leaks.push(`${name} in: ${at.slice(0, 160)}`);
      }
      assert.deepEqual(leaks, []);
    } finally {
      await close();
    }
  });
});
