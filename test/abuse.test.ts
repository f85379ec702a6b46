import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { hashApiKey } from "../src/auth/credentials.js";
import { createApiKey, revokeApiKey } from "../src/cli/api-keys.commands.js";
import { ADMIN_KEYS } from "./support/arbitraries.js";
import { expectError, stateOf } from "./support/assertions.js";
import {
  errorOf,
  makeUser,
  patchUser,
  send,
  startTestApp,
  type TestApp,
  type TestUser,
  toDbDate,
} from "./support/harness.js";
import { rawHttp, rawRequest } from "./support/raw-http.js";

// OWASP API Security Top 10 (2023), issue 6: API1/API3 (authorization matrix, mass assignment),
// API2 (authentication). API4 is in abuse-resources.test.ts, API8 in abuse-config.test.ts.
// test/security.test.ts covers credentials on PATCH one by one; this file sweeps every endpoint.

const missingId = () => randomBytes(16).toString("hex");
const bool = (t: TestApp, value: boolean) => (t.services.database.dialect === "sqlite" ? Number(value) : value);
const setUser = (t: TestApp, id: string, values: Record<string, unknown>) =>
  t.services.database.db.updateTable("user").set(values).where("id", "=", id).execute();

type CallerName = "none" | "agent" | "otherAgent" | "admin" | "inactive" | "suspended" | "revoked" | "expired";
const CALLERS: CallerName[] = ["none", "agent", "otherAgent", "admin", "inactive", "suspended", "revoked", "expired"];
type Target = "self" | "other" | "missing" | "me";
interface Endpoint {
  name: string;
  method: "GET" | "PATCH" | "PUT";
  path: (id: string) => string;
  targeted: boolean;
}
const ENDPOINTS: Endpoint[] = [
  { name: "GET /users/{id}", method: "GET", path: (id) => `/api/v1/users/${id}`, targeted: true },
  { name: "PATCH /users/{id}", method: "PATCH", path: (id) => `/api/v1/users/${id}`, targeted: true },
  { name: "PUT /users/{id}", method: "PUT", path: (id) => `/api/v1/users/${id}`, targeted: true },
  { name: "GET /users/{id}/history", method: "GET", path: (id) => `/api/v1/users/${id}/history`, targeted: true },
  { name: "GET /users/me", method: "GET", path: () => "/api/v1/users/me", targeted: false },
  { name: "GET /users", method: "GET", path: () => "/api/v1/users", targeted: false },
];

/** CONTRACT §2, §4: the status and code each cell must answer. */
function expectedCell(caller: CallerName, endpoint: Endpoint, target: Target): [number, string | null] {
  if (caller === "none") return [401, "auth_required"];
  if (caller === "revoked" || caller === "expired") return [401, "api_key_invalid"];
  if (caller === "inactive" || caller === "suspended") return [401, "account_inactive"];
  if (caller === "admin") return endpoint.targeted && target === "missing" ? [404, "user_not_found"] : [200, null];
  if (endpoint.name === "GET /users") return [403, "forbidden"];
  if (!endpoint.targeted) return [200, null];
  if (endpoint.method === "PUT") return [403, "forbidden"];
  if (target === "self" || target === "me") return [200, null];
  return endpoint.method === "PATCH" ? [403, "forbidden"] : [404, "user_not_found"];
}

describe("API1/API3: every endpoint × caller × target", () => {
  let t: TestApp;
  const who = {} as Record<Exclude<CallerName, "none">, TestUser>;
  before(async () => {
    t = await startTestApp();
    for (const name of CALLERS.filter((caller) => caller !== "none")) {
      who[name as Exclude<CallerName, "none">] = await makeUser(t, name === "admin" ? "admin" : "user");
    }
    await setUser(t, who.inactive.id, { is_active: bool(t, false) });
    await setUser(t, who.suspended.id, { account_status: "suspended" });
    await revokeApiKey(t.services, who.revoked.keyId);
    const expiring = await createApiKey(t.services, { user: who.expired.id, expiresInDays: 1 });
    const past = toDbDate(t.services.database.dialect, new Date(Date.now() - 60_000));
    await t.services.database.db.updateTable("apikey").set({ expiresAt: past }).where("id", "=", expiring.id).execute();
    who.expired = { ...who.expired, key: expiring.key, keyId: expiring.id };
  });
  after(() => t.close());

  let edits = 0;
  for (const caller of CALLERS) {
    it(`${caller}: the exact status and code on every endpoint and target; refusals write nothing`, async () => {
      const me = caller === "none" ? who.agent : who[caller];
      const other = caller === "agent" ? who.otherAgent : who.agent;
      const ids: Record<Target, string> = { self: me.id, other: other.id, missing: missingId(), me: "me" };
      const mismatches: string[] = [];
      for (const endpoint of ENDPOINTS) {
        for (const target of endpoint.targeted ? (["self", "other", "missing", "me"] as const) : (["self"] as const)) {
          const [status, code] = expectedCell(caller, endpoint, target);
          const title = `Edit ${++edits}`;
          const before = await stateOf(t);
          const response = await send(
            t,
            endpoint.method,
            endpoint.path(ids[target]),
            endpoint.method === "GET" ? undefined : { title },
            caller === "none" ? {} : { key: me.key },
          );
          const cell = `${endpoint.name} on ${target}: expected ${status} ${code ?? ""}, got ${response.statusCode} ${response.body.slice(0, 160)}`;
          try {
            if (code) expectError(response, status, code);
            else assert.equal(response.statusCode, 200);
            const after = await stateOf(t);
            if (status !== 200 || endpoint.method === "GET") assert.deepEqual(after, before, "state unchanged");
            if (status !== 200) continue;
            const body = response.json();
            const targetId = target === "me" || !endpoint.targeted ? me.id : ids[target];
            if (endpoint.name.endsWith("history") || endpoint.name === "GET /users")
              assert.ok(Array.isArray(body.data));
            else assert.equal(body.id, targetId, "the named user, no one else");
            if (endpoint.method !== "GET") {
              const changed = after.users.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before.users[i]));
              assert.deepEqual(
                changed.map((row) => [row.id, row.title]),
                [[targetId, title]],
                "only the target changed",
              );
            }
          } catch (error) {
            mismatches.push(`${cell}\n      ${(error as Error).message.split("\n")[0]}`);
          }
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  const rawBodies = [
    '{"__proto__":{"role":"admin","is_active":false}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    '{"title":"x","__proto__":{"account_status":"suspended"}}',
    '{"title":{"__proto__":{"role":"admin"}}}',
    '{"__proto__":null,"role":0}',
    '{"Role":"admin"}',
    '{"ROLE":"admin","title":"x"}',
    '{"role ":"admin"}',
    '{"is-active":false}',
    '{"banned":true}',
    '{"banned":false,"banReason":"x"}',
    '{"emailVerified":"true"}',
    '{"email_verified":0,"title":"x"}',
    '{"isActive":null}',
    '{"is_active":[]}',
    '{"account_status":false}',
    '{"accountStatus":0,"bio":""}',
    '{"role":"","displayName":"x"}',
    '{"email":"","title":"x"}',
    '{"id":"someone-else"}',
    '{"createdAt":"1970-01-01T00:00:00Z"}',
    '{"updated_at":null}',
    '{"password":"hunter22hunter22"}',
    '{"user":{"role":"admin"}}',
    '{"data":{"role":"admin"}}',
    '{"role":"admin","role":""}',
  ];
  it("mass assignment: prototype keys, look-alikes, nested and falsy admin-only values write nothing (PATCH, PUT, merge-patch)", async () => {
    const agent = await makeUser(t);
    const admin = await makeUser(t, "admin");
    for (const body of rawBodies) {
      const adminOnly = Object.keys(JSON.parse(body)).some((key) => ADMIN_KEYS.includes(key));
      for (const [caller, path, method, contentType] of [
        [agent, agent.id, "PATCH", "application/json"],
        [agent, "me", "PATCH", "application/merge-patch+json"],
        [agent, agent.id, "PUT", "application/json"],
        [admin, agent.id, "PATCH", "application/json"],
        [admin, agent.id, "PUT", "application/json"],
      ] as const) {
        const before = await stateOf(t);
        const response = await send(t, method, `/api/v1/users/${path}`, body, { key: caller.key, contentType });
        const label = `${method} ${body} as ${caller === admin ? "admin" : "agent"}`;
        if (method === "PUT" && caller === agent) expectError(response, 403, "forbidden");
        else if (method === "PUT") expectError(response, 422, ["validation_failed", "admin_only_fields"]);
        else if (adminOnly) expectError(response, caller === admin ? 422 : 403, "admin_only_fields");
        else expectError(response, 422, "validation_failed");
        assert.deepEqual(await stateOf(t), before, `${label} wrote nothing`);
      }
    }
    expectError(await send(t, "GET", "/api/v1/users", undefined, { key: agent.key }), 403, "forbidden");
    assert.equal(({} as Record<string, unknown>).role, undefined, "Object.prototype untouched");
  });
});

describe("API2: broken authentication", () => {
  let t: TestApp;
  let agent: TestUser;
  let port: number;
  before(async () => {
    t = await startTestApp();
    agent = await makeUser(t);
    port = Number(new URL(await t.app.listen({ port: 0, host: "127.0.0.1" })).port);
  });
  after(() => t.close());

  async function signUp() {
    const email = `abuse-${randomBytes(6).toString("hex")}@example.com`;
    const body = { email, password: "correct-horse-battery-staple", name: "Session Agent" };
    const response = await send(t, "POST", "/api/auth/sign-up/email", body);
    assert.equal(response.statusCode, 200, response.body);
    return { token: String(response.headers["set-auth-token"]), id: response.json().user.id as string };
  }

  it("malformed Authorization headers: 401 in the envelope on read and write, nothing written", async () => {
    const key = agent.key;
    const malformed = [
      "Bearer",
      "Bearer  a b",
      `Bearer ${key} ${key}`,
      "bearer not-a-key",
      "Bearer\t\tnot-a-key",
      `Bearer ${"k".repeat(8 * 1024)}`,
      `Bearer vk_${"k".repeat(8 * 1024)}`,
      "Bearer ключ",
      `Bearer ${key}ключ`,
      `Token ${key}`,
      `Bearer "${key}"`,
      `Bearer ${key},`,
      `Bearer=${key}`,
      key,
      "Bearer null",
      "Bearer %00",
      `Bearer ${key}\u0000`,
      `Basic ${Buffer.from(`${agent.user.email}:${key}`).toString("base64")}`,
      `Bearer ${key.toUpperCase()}`,
      `Bearer ${key.slice(0, -1)}`,
      "Bearer .",
      "Bearer a.",
      "Bearer .b",
      "Bearer a.b.c",
      `Bearer ${Buffer.from(key).toString("base64url")}`,
    ];
    for (const authorization of malformed) {
      const options = { headers: { authorization } };
      expectError(await send(t, "GET", "/api/v1/users/me", undefined, options), 401, [
        "auth_required",
        "api_key_invalid",
      ]);
      const before = await stateOf(t);
      expectError(await patchUser(t, agent.id, { title: "x" }, options), 401, ["auth_required", "api_key_invalid"]);
      assert.deepEqual(await stateOf(t), before);
    }
    // Bytes outside ASCII, as a real client sends them (latin1 on the wire).
    for (const token of ["\xe9\xe9\xe9", `${key}\xff`, "vk_\x80\x81"]) {
      const answer = await rawRequest(port, rawHttp("GET", "/api/v1/users/me", { authorization: `Bearer ${token}` }));
      assert.equal(answer.status, 401, answer.body);
      assert.match(JSON.parse(answer.body).error.code, /^(auth_required|api_key_invalid)$/);
    }
  });

  it("the scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` with a valid key work", async () => {
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const response = await send(t, "GET", "/api/v1/users/me", undefined, {
        headers: { authorization: `${scheme} ${agent.key}` },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().id, agent.id);
    }
  });

  it("X-API-Key: a session token, a Bearer string or a key of the wrong shape is 401 api_key_invalid", async () => {
    const session = await signUp();
    const wrong = [
      session.token,
      session.token.split(".")[0] as string,
      `Bearer ${agent.key}`,
      "vk_",
      `VK_${agent.key.slice(3)}`,
      `${agent.key}=`,
      "x".repeat(600),
    ];
    for (const value of wrong) {
      expectError(
        await send(t, "GET", "/api/v1/users/me", undefined, { headers: { "x-api-key": value } }),
        401,
        "api_key_invalid",
      );
    }
  });

  it("an invalid Authorization header is not rescued by a valid X-API-Key", async () => {
    const headers = { authorization: "Bearer vk_forged", "x-api-key": agent.key };
    expectError(await send(t, "GET", "/api/v1/users/me", undefined, { headers }), 401, "api_key_invalid");
  });

  it("no user enumeration: another user's id and a missing id answer alike, bar request_id (GET, history, PATCH)", async () => {
    const victim = await makeUser(t);
    const strip = (response: LightMyRequestResponse) => {
      const { request_id: _id, ...error } = errorOf(response);
      const names = Object.keys(response.headers).filter(
        (name) => !/^(date|x-request-id|x-rate-limit-remaining|x-rate-limit-reset)$/.test(name),
      );
      return { status: response.statusCode, error, names: names.sort(), length: response.body.length };
    };
    for (const [method, suffix] of [
      ["GET", ""],
      ["GET", "/history"],
      ["PATCH", ""],
    ] as const) {
      // The same SQL for both: an extra lookup for ids that exist would be a timing oracle.
      const ask = async (id: string) => {
        const before = t.services.database.queries.total;
        const body = method === "GET" ? undefined : { title: "x" };
        const response = await send(t, method, `/api/v1/users/${id}${suffix}`, body, { key: agent.key });
        return { ...strip(response), statements: t.services.database.queries.total - before };
      };
      const [existing, missing] = [await ask(victim.id), await ask(missingId())];
      assert.deepEqual(existing, missing, `${method} ${suffix}`);
    }
    const unauthenticated = [
      await send(t, "GET", `/api/v1/users/${victim.id}`),
      await send(t, "GET", `/api/v1/users/${missingId()}`),
    ];
    assert.deepEqual(
      strip(unauthenticated[0] as LightMyRequestResponse),
      strip(unauthenticated[1] as LightMyRequestResponse),
    );
  });

  it("no user enumeration by timing: other and missing ids take the same time (medians, interleaved)", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    const time = async (id: string) => {
      const started = process.hrtime.bigint();
      await send(t, "GET", `/api/v1/users/${id}`, undefined, { key: caller.key });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const existing: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 240; i++) {
      const sample = await Promise.all([time(victim.id), time(missingId())]);
      if (i < 40) continue;
      existing.push(sample[0] as number);
      missing.push(sample[1] as number);
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1] as number;
    const [a, b] = [median(existing), median(missing)];
    assert.ok(Math.abs(a - b) <= Math.max(1, 0.5 * Math.max(a, b)), `median ${a.toFixed(2)} ms vs ${b.toFixed(2)} ms`);
  });

  it("keys are looked up by hash: no column of any table holds an API key in clear", async () => {
    const session = await signUp();
    const minted = await send(t, "POST", "/api/auth/api-key/create", { name: "self-service" }, { key: session.token });
    assert.equal(minted.statusCode, 200, minted.body);
    const cli = await createApiKey(t.services, { user: agent.id });
    const keys = [agent.key, cli.key, minted.json().key as string];
    const db = t.services.database.db;
    for (const table of await db.introspection.getTables()) {
      const dump = JSON.stringify(
        await db
          .selectFrom(table.name as "user")
          .selectAll()
          .execute(),
      );
      for (const key of keys) {
        assert.ok(!dump.includes(key) && !dump.includes(key.slice(3)), `${table.name} holds a key in clear`);
      }
    }
    const row = await db.selectFrom("apikey").select("key").where("id", "=", cli.id).executeTakeFirstOrThrow();
    assert.equal(row.key, hashApiKey(cli.key));
    assert.equal(row.key, createHash("sha256").update(cli.key).digest("base64url"));
  });
});
