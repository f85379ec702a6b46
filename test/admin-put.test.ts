import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { createApiKey } from "../src/cli/api-keys.commands.js";
import type { SendOptions, TestApp } from "./support/harness.js";
import { errorOf, makeUser, send, startTestApp, storedUser } from "./support/harness.js";

let t: TestApp;
/** Each describe gets its own app on its own fresh database. */
function ownApp() {
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
}

const PASSWORD = "correct-horse-battery-staple";
const randomEmail = () => `put-${randomBytes(6).toString("hex")}@example.com`;
const missingId = () => randomBytes(24).toString("hex").slice(0, 32);

const put = (id: string, body: unknown, options: SendOptions = {}) =>
  send(t, "PUT", `/api/v1/users/${encodeURIComponent(id)}`, body, options);
const me = (key: string) => send(t, "GET", "/api/v1/users/me", undefined, { key });
const db = () => t.services.database.db;
const sessionCount = async (userId: string) =>
  (await db().selectFrom("session").select("id").where("userId", "=", userId).execute()).length;
const historyCount = async (userId: string) =>
  (await db().selectFrom("user_history").select("seq").where("user_id", "=", userId).execute()).length;

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  const error = errorOf(response);
  assert.equal(error.code, code, response.body);
  return error as typeof error & { details: { errors?: Array<{ field: string; code: string }> } };
}

function expectOk(response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Record<string, unknown>;
}

/** A PUT that must be refused and leave the target row (and its history) exactly as it was. */
async function refusePut(id: string, key: string, body: unknown, status: number, code: string, checkId = id) {
  const [before, entries] = [await storedUser(t, checkId), await historyCount(checkId)];
  const error = expectError(await put(id, body, { key }), status, code);
  assert.deepEqual(await storedUser(t, checkId), before, `nothing written for ${JSON.stringify(body)}`);
  assert.equal(await historyCount(checkId), entries, "no history entry for a refused write");
  return error;
}

/** Signs up through Better Auth: a user with a live session, plus an API key of their own. */
async function signUpWithKey() {
  const email = randomEmail();
  const response = await send(t, "POST", "/api/auth/sign-up/email", { email, password: PASSWORD, name: "Agent" });
  assert.equal(response.statusCode, 200, response.body);
  const session = response.headers["set-auth-token"];
  assert.equal(typeof session, "string", "set-auth-token carries the session token");
  const id = (response.json() as { user: { id: string } }).user.id;
  const key = (await createApiKey(t.services, { user: id })).key;
  return { id, email, session: session as string, key };
}

describe("PUT /api/v1/users/{id}: who may call it", () => {
  ownApp();

  it("a non-admin gets 403 forbidden, on another user and on their own id, nothing written", async () => {
    const [agent, other] = [await makeUser(t), await makeUser(t)];
    await refusePut(other.id, agent.key, { title: "Hacked" }, 403, "forbidden");
    await refusePut(agent.id, agent.key, { title: "Mine" }, 403, "forbidden");
    await refusePut("me", agent.key, { title: "Mine" }, 403, "forbidden", agent.id);
    await refusePut(agent.id, agent.key, { role: "admin" }, 403, "forbidden");
    await refusePut(missingId(), agent.key, { title: "x" }, 403, "forbidden", agent.id);
  });

  it("a non-admin is refused before the body is read: invalid JSON is still 403", async () => {
    const agent = await makeUser(t);
    await refusePut(agent.id, agent.key, '{"title": ', 403, "forbidden");
    await refusePut(agent.id, agent.key, "[1, 2]", 403, "forbidden");
  });

  it("no credentials: 401", async () => {
    const agent = await makeUser(t);
    const response = await put(agent.id, { title: "x" });
    assert.equal(response.statusCode, 401, response.body);
    errorOf(response);
  });

  it("an admin naming a user that does not exist: 404 user_not_found", async () => {
    const admin = await makeUser(t, "admin");
    expectError(await put(missingId(), { title: "Ghost" }, { key: admin.key }), 404, "user_not_found");
    expectError(await put(missingId(), { role: "admin" }, { key: admin.key }), 404, "user_not_found");
  });
});

describe("PUT: admin-only fields", () => {
  ownApp();

  it("email is changed and stored lower-case", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const local = `New.Agent.${randomBytes(4).toString("hex")}`;
    const user = expectOk(await put(agent.id, { email: `  ${local}@Example.COM ` }, { key: admin.key }));
    assert.equal(user.email, `${local.toLowerCase()}@example.com`);
    assert.equal((await storedUser(t, agent.id))?.email, `${local.toLowerCase()}@example.com`);
  });

  it("role: user and admin are accepted; 'boss' is 422 validation_failed with code invalid_role", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    assert.equal(expectOk(await put(agent.id, { role: "admin" }, { key: admin.key })).role, "admin");
    assert.equal((await storedUser(t, agent.id))?.role, "admin");
    assert.equal(expectOk(await put(agent.id, { role: "user" }, { key: admin.key })).role, "user");
    assert.equal((await storedUser(t, agent.id))?.role, "user");
    for (const role of ["boss", "Admin", "", null, 1]) {
      const error = await refusePut(agent.id, admin.key, { role, title: "With bad role" }, 422, "validation_failed");
      assert.ok(
        error.details.errors?.some((e) => e.field === "role"),
        JSON.stringify(error.details),
      );
      if (role === "boss") assert.equal(error.details.errors?.find((e) => e.field === "role")?.code, "invalid_role");
    }
  });

  it("is_active, email_verified, account_status in snake_case and camelCase", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ email_verified: true }, { email_verified: true }],
      [{ emailVerified: false }, { email_verified: false }],
      [{ account_status: "pending" }, { account_status: "pending" }],
      [{ accountStatus: "active" }, { account_status: "active" }],
      [{ is_active: false }, { is_active: false }],
      [{ isActive: true }, { is_active: true }],
      [{ accountStatus: "suspended" }, { account_status: "suspended" }],
      [{ account_status: "active" }, { account_status: "active" }],
    ];
    for (const [body, expected] of cases) {
      const user = expectOk(await put(agent.id, body, { key: admin.key }));
      for (const [field, value] of Object.entries(expected)) assert.equal(user[field], value, JSON.stringify(body));
      const stored = expectOk(await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: admin.key }));
      for (const [field, value] of Object.entries(expected)) assert.equal(stored[field], value, JSON.stringify(body));
    }
  });

  it("account_status outside active/suspended/pending: 422, nothing written", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    for (const status of ["banned", "Active", "", "deleted", true]) {
      await refusePut(agent.id, admin.key, { account_status: status }, 422, "validation_failed");
      await refusePut(agent.id, admin.key, { accountStatus: status }, 422, "validation_failed");
    }
  });

  it("admin fields together with profile fields; fields not sent stay unchanged (merge)", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    expectOk(await put(agent.id, { title: "Broker", city: "Austin", bio: "Hello" }, { key: admin.key }));
    const body = { role: "admin", emailVerified: true, display_name: "Ann", officeName: "Downtown", city: null };
    const user = expectOk(await put(agent.id, body, { key: admin.key }));
    assert.equal(user.role, "admin");
    assert.equal(user.email_verified, true);
    assert.equal(user.display_name, "Ann");
    assert.equal(user.office_name, "Downtown");
    assert.equal(user.city, null);
    assert.equal(user.title, "Broker", "title was not sent and stays");
    assert.equal(user.bio, "Hello", "bio was not sent and stays");
    assert.equal(user.email, agent.user.email, "email was not sent and stays");
    assert.equal(user.is_active, true);
    const stored = await storedUser(t, agent.id);
    assert.equal(stored?.title, "Broker");
    assert.equal(stored?.office_name, "Downtown");
    assert.equal(stored?.city, null);
  });

  it("an email taken by another user, in any case: 409 email_taken, nothing written", async () => {
    const [admin, agent, other] = [await makeUser(t, "admin"), await makeUser(t), await makeUser(t)];
    for (const email of [other.user.email, other.user.email.toUpperCase(), ` ${other.user.email} `]) {
      await refusePut(agent.id, admin.key, { email, title: "Should not land" }, 409, "email_taken");
    }
    assert.equal((await storedUser(t, other.id))?.email, other.user.email);
  });

  it("the user's own current email is not 'taken'", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const user = expectOk(await put(agent.id, { email: agent.user.email.toUpperCase() }, { key: admin.key }));
    assert.equal(user.email, agent.user.email);
  });

  it("an invalid email: 422 validation_failed, nothing written", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    for (const email of ["not-an-email", "a@b", "two@@example.com", "", "a b@example.com", 42]) {
      await refusePut(agent.id, admin.key, { email, title: "x" }, 422, "validation_failed");
    }
  });

  it("null for any admin-only field: 422 validation_failed, nothing written", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    for (const field of ["email", "role", "is_active", "isActive", "email_verified", "emailVerified"]) {
      const error = await refusePut(agent.id, admin.key, { [field]: null }, 422, "validation_failed");
      assert.ok(
        error.details.errors?.some((e) => e.field === field),
        JSON.stringify(error.details),
      );
    }
    for (const field of ["account_status", "accountStatus"]) {
      await refusePut(agent.id, admin.key, { [field]: null }, 422, "validation_failed");
    }
  });

  it("PUT with {}: 200, a no-op (updated_at and history unchanged)", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const before = await storedUser(t, agent.id);
    const user = expectOk(await put(agent.id, {}, { key: admin.key }));
    assert.equal(user.id, agent.id);
    assert.deepEqual(await storedUser(t, agent.id), before);
    assert.equal(await historyCount(agent.id), 0);
  });
});

describe("PUT: an admin cannot lock themself out", () => {
  ownApp();
  const lockouts: Array<Record<string, unknown>> = [
    { is_active: false },
    { isActive: false },
    { account_status: "suspended" },
    { accountStatus: "suspended" },
    { role: "user" },
    { role: "user", title: "Demoted" },
    { is_active: false, account_status: "suspended", role: "user" },
  ];

  it("deactivating, suspending or demoting themself: 422 self_lockout, nothing written", async () => {
    const admin = await makeUser(t, "admin");
    for (const body of lockouts) {
      for (const id of [admin.id, "me"]) {
        const error = await refusePut(id, admin.key, body, 422, "validation_failed", admin.id);
        const codes = (error.details.errors ?? []).map((e) => e.code);
        assert.ok(codes.length > 0 && codes.every((code) => code === "self_lockout"), JSON.stringify(error.details));
      }
    }
    expectOk(await me(admin.key));
  });

  it("an admin may still change their own profile and harmless admin fields", async () => {
    const admin = await makeUser(t, "admin");
    const user = expectOk(await put("me", { title: "Chief", isActive: true, role: "admin" }, { key: admin.key }));
    assert.equal(user.title, "Chief");
    assert.equal(user.role, "admin");
  });
});

describe("PUT: deactivation and suspension take effect at once", () => {
  ownApp();
  const lockouts: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ["is_active false", { is_active: false }, { is_active: true }],
    ["isActive false", { isActive: false }, { isActive: true }],
    ["account_status suspended", { account_status: "suspended" }, { account_status: "active" }],
    ["accountStatus suspended", { accountStatus: "suspended" }, { accountStatus: "active" }],
  ];
  for (const [label, lock, unlock] of lockouts) {
    it(`${label}: API key gets 401 account_inactive, sessions are deleted; reactivating restores the key only`, async () => {
      const admin = await makeUser(t, "admin");
      const agent = await signUpWithKey();
      expectOk(await me(agent.key));
      expectOk(await me(agent.session));
      assert.ok((await sessionCount(agent.id)) >= 1, "sign-up started a session");

      expectOk(await put(agent.id, lock, { key: admin.key }));
      expectError(await me(agent.key), 401, "account_inactive");
      expectError(
        await send(t, "PATCH", `/api/v1/users/${agent.id}`, { title: "x" }, { key: agent.key }),
        401,
        "account_inactive",
      );
      assert.equal(await sessionCount(agent.id), 0, "the session rows are gone");
      assert.equal((await me(agent.session)).statusCode, 401);

      expectOk(await put(agent.id, unlock, { key: admin.key }));
      assert.equal(expectOk(await me(agent.key)).id, agent.id, "the old API key works again");
      assert.equal(await sessionCount(agent.id), 0, "sessions stay gone");
      assert.equal((await me(agent.session)).statusCode, 401, "the old session stays dead");
      const stored = await storedUser(t, agent.id);
      assert.equal(stored?.email, agent.email, "their data stays");
    });
  }

  it("other users' sessions are untouched by a deactivation", async () => {
    const admin = await makeUser(t, "admin");
    const [target, bystander] = [await signUpWithKey(), await signUpWithKey()];
    const before = await sessionCount(bystander.id);
    expectOk(await put(target.id, { is_active: false }, { key: admin.key }));
    assert.equal(await sessionCount(bystander.id), before);
    expectOk(await me(bystander.session));
  });
});
