import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { createApiKey, revokeApiKey } from "../src/cli/api-keys.commands.js";
import { toDbDate } from "../src/users/users.repository.js";
import { errorOf, makeUser, patchUser, send, startTestApp, storedUser, type TestApp } from "./support/harness.js";

// ---------- helpers ----------

const LEAK = /at .*\.ts:|SELECT|sqlite|Error:/i;
const ULID_ID = /^req_[0-9A-HJKMNP-TV-Z]{26}$/;
const PASSWORD = "correct-horse-battery-staple";
const randomEmail = () => `sec-${randomBytes(6).toString("hex")}@example.com`;
const missingId = () => randomBytes(24).toString("base64url").replace(/[-_]/g, "x").slice(0, 32);

/** Asserts status, the envelope, the code and that nothing internal leaked; returns the error. */
function expectError(response: LightMyRequestResponse, status: number, code: string | string[]) {
  assert.equal(response.statusCode, status, response.body);
  const error = errorOf(response);
  if (Array.isArray(code)) assert.ok(code.includes(error.code), `code ${error.code} not in ${code.join(", ")}`);
  else assert.equal(error.code, code, response.body);
  assert.doesNotMatch(response.body, LEAK);
  assert.deepEqual(Object.keys(response.json()), ["error"], "only the envelope, no library fields");
  return error as typeof error & { hint?: string };
}

/** The stable part of an error body (the request id differs per request). */
const shapeOf = (response: LightMyRequestResponse) => {
  const { request_id: _ignored, ...rest } = errorOf(response);
  return rest;
};

/** Signs up through Better Auth; returns the bearer plugin's signed token and the new user id. */
async function signUp(t: TestApp, email = randomEmail()) {
  const response = await send(t, "POST", "/api/auth/sign-up/email", { email, password: PASSWORD, name: "Session Agent" });
  assert.equal(response.statusCode, 200, response.body);
  const token = response.headers["set-auth-token"];
  assert.equal(typeof token, "string", "the bearer plugin returns set-auth-token");
  return { token: token as string, id: (response.json() as { user: { id: string } }).user.id, email };
}

const setUser = (t: TestApp, id: string, values: Record<string, unknown>) =>
  t.services.database.db.updateTable("user").set(values).where("id", "=", id).execute();
const pastDate = (t: TestApp) => toDbDate(t.services.database.dialect, new Date(Date.now() - 60_000));
const sessionCount = async (t: TestApp, userId: string) =>
  (await t.services.database.db.selectFrom("session").select("id").where("userId", "=", userId).execute()).length;
const keyCount = async (t: TestApp, userId: string) =>
  (await t.services.database.db.selectFrom("apikey").select("id").where("referenceId", "=", userId).execute()).length;

/** A PATCH that must be refused and must leave the stored row exactly as it was. */
async function expectRefusedPatch(
  t: TestApp,
  id: string,
  body: unknown,
  options: Parameters<typeof patchUser>[3],
  status: number,
  code: string | string[],
  checkId = id,
) {
  const before = await storedUser(t, checkId);
  const error = expectError(await patchUser(t, id, body, options), status, code);
  assert.deepEqual(await storedUser(t, checkId), before, "a refused write changed nothing");
  return error;
}

const okPatch = async (t: TestApp, id: string, key: string, title: string, headers?: Record<string, string>) => {
  const response = await patchUser(t, id, { title }, headers ? { headers } : { key });
  assert.equal(response.statusCode, 200, response.body);
  return response;
};

// ---------- 1. credentials on PATCH ----------

describe("security: credentials on PATCH /api/v1/users/{id}", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("no credentials: 401 auth_required, nothing written", async () => {
    const agent = await makeUser(t);
    await expectRefusedPatch(t, agent.id, { title: "x" }, {}, 401, "auth_required");
  });

  it("Authorization: Basic, or Bearer with nothing: 401 auth_required", async () => {
    const agent = await makeUser(t);
    const basic = `Basic ${Buffer.from(`${agent.user.email}:${PASSWORD}`).toString("base64")}`;
    for (const authorization of [basic, "Bearer", "Bearer ", "bearer    "]) {
      await expectRefusedPatch(t, agent.id, { title: "x" }, { headers: { authorization } }, 401, "auth_required");
    }
  });

  it("a random vk_ key (Bearer or X-API-Key): 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    const fake = `vk_${randomBytes(32).toString("base64url")}`;
    await expectRefusedPatch(t, agent.id, { title: "x" }, { key: fake }, 401, "api_key_invalid");
    await expectRefusedPatch(t, agent.id, { title: "x" }, { headers: { "x-api-key": fake } }, 401, "api_key_invalid");
  });

  it("a 10,000-character token: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    for (const token of [`vk_${"a".repeat(9_997)}`, "s".repeat(10_000), `${agent.key}${"b".repeat(10_000 - agent.key.length)}`]) {
      await expectRefusedPatch(t, agent.id, { title: "x" }, { key: token }, 401, "api_key_invalid");
    }
  });

  it("an API key in X-API-Key works", async () => {
    const agent = await makeUser(t);
    await okPatch(t, agent.id, agent.key, "Via X-API-Key", { "x-api-key": agent.key });
    assert.equal((await storedUser(t, agent.id))?.title, "Via X-API-Key");
  });

  it("a revoked key: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    await okPatch(t, agent.id, agent.key, "Before revoke");
    await revokeApiKey(t.services, agent.keyId);
    await expectRefusedPatch(t, agent.id, { title: "After revoke" }, { key: agent.key }, 401, "api_key_invalid");
    await expectRefusedPatch(t, agent.id, { title: "x" }, { headers: { "x-api-key": agent.key } }, 401, "api_key_invalid");
  });

  it("an expired key: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    const key = await createApiKey(t.services, { user: agent.id, expiresInDays: 1 });
    await okPatch(t, agent.id, key.key, "Before expiry");
    await t.services.database.db.updateTable("apikey").set({ expiresAt: pastDate(t) }).where("id", "=", key.id).execute();
    await expectRefusedPatch(t, agent.id, { title: "After expiry" }, { key: key.key }, 401, "api_key_invalid");
  });

  it("a deleted key row: 401", async () => {
    const agent = await makeUser(t);
    await t.services.database.db.deleteFrom("apikey").where("id", "=", agent.keyId).execute();
    await expectRefusedPatch(t, agent.id, { title: "x" }, { key: agent.key }, 401, "api_key_invalid");
  });

  it("a Better Auth session token works as Bearer, signed or bare", async () => {
    const session = await signUp(t);
    assert.match(session.token, /^[^.]+\.[^.]+$/, "set-auth-token is token.signature");
    await okPatch(t, session.id, session.token, "Signed session");
    assert.equal((await storedUser(t, session.id))?.title, "Signed session");
    await okPatch(t, session.id, session.token.split(".")[0] as string, "Bare session");
    assert.equal((await storedUser(t, session.id))?.title, "Bare session");
  });

  it("a session token with a tampered signature: 401", async () => {
    const session = await signUp(t);
    const [token, signature] = session.token.split(".") as [string, string];
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    const foreign = createHmac("sha256", "some-other-secret").update(token).digest("base64");
    for (const bad of [`${token}.${flipped}`, `${token}.${foreign}`, `${token}.`, `${token}x.${signature}`]) {
      await expectRefusedPatch(t, session.id, { title: "x" }, { key: bad }, 401, ["api_key_invalid", "auth_required"]);
    }
  });

  it("an expired session: 401", async () => {
    const session = await signUp(t);
    await okPatch(t, session.id, session.token, "Before expiry");
    await t.services.database.db.updateTable("session").set({ expiresAt: pastDate(t) }).where("userId", "=", session.id).execute();
    for (const key of [session.token, session.token.split(".")[0] as string]) {
      await expectRefusedPatch(t, session.id, { title: "x" }, { key }, 401, ["api_key_invalid", "auth_required"]);
    }
  });
});

// ---------- 2. inactive, suspended, banned ----------

describe("security: inactive, suspended and banned users", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const states: Array<[string, Record<string, unknown>]> = [
    ["inactive (is_active = 0)", { is_active: 0 }],
    ["suspended (account_status = 'suspended')", { account_status: "suspended" }],
    ["banned (banned = 1)", { banned: 1 }],
  ];
  for (const [label, values] of states) {
    it(`${label}: key and session get 401 account_inactive on GET /me and PATCH; data stays`, async () => {
      const session = await signUp(t);
      const key = (await createApiKey(t.services, { user: session.id })).key;
      await okPatch(t, session.id, key, "Active agent");
      assert.equal((await send(t, "GET", "/api/v1/users/me", undefined, { key: session.token })).statusCode, 200);
      await setUser(t, session.id, values);
      for (const options of [{ key }, { key: session.token }, { headers: { "x-api-key": key } }]) {
        expectError(await send(t, "GET", "/api/v1/users/me", undefined, options), 401, "account_inactive");
        expectError(await send(t, "GET", `/api/v1/users/${session.id}`, undefined, options), 401, "account_inactive");
        await expectRefusedPatch(t, session.id, { title: "x" }, options, 401, "account_inactive");
        await expectRefusedPatch(t, "me", { title: "x" }, options, 401, "account_inactive", session.id);
      }
      assert.equal((await storedUser(t, session.id))?.title, "Active agent", "their data stays");
    });

    it(`${label}: sign-in with the right password is refused and starts no session`, async () => {
      const session = await signUp(t);
      await setUser(t, session.id, values);
      const sessionsBefore = await sessionCount(t, session.id);
      const response = await send(t, "POST", "/api/auth/sign-in/email", { email: session.email, password: PASSWORD });
      assert.notEqual(response.statusCode, 200, response.body);
      assert.ok(response.statusCode >= 400, response.body);
      errorOf(response);
      assert.doesNotMatch(response.body, LEAK);
      assert.equal(response.headers["set-auth-token"], undefined);
      assert.equal(await sessionCount(t, session.id), sessionsBefore, "no session row was created");
    });
  }
});

// ---------- 3. authorization on PATCH and GET ----------

describe("security: authorization (PATCH and GET)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("non-admin PATCHing someone else: 403 forbidden, nothing written", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    await expectRefusedPatch(t, victim.id, { title: "Hijacked" }, { key: caller.key }, 403, "forbidden");
  });

  it("non-admin PATCHing a missing id: 403 forbidden, the same body as for an existing user", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    const other = await patchUser(t, victim.id, { title: "x" }, { key: caller.key });
    const missing = await patchUser(t, missingId(), { title: "x" }, { key: caller.key });
    expectError(missing, 403, "forbidden");
    expectError(other, 403, "forbidden");
    assert.deepEqual(shapeOf(missing), shapeOf(other), "no existence oracle");
  });

  it("rule 2 before rule 3: invalid JSON or wrong content type to another/missing id is 403 forbidden", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    for (const id of [victim.id, missingId()]) {
      await expectRefusedPatch(t, id, "{not json", { key: caller.key }, 403, "forbidden", victim.id);
      await expectRefusedPatch(t, id, "[1,2]", { key: caller.key }, 403, "forbidden", victim.id);
      await expectRefusedPatch(t, id, "title=x", { key: caller.key, contentType: "text/plain" }, 403, "forbidden", victim.id);
    }
    // The same bad body on the caller's own id gets past rule 2 and fails rule 3.
    expectError(await patchUser(t, caller.id, "{not json", { key: caller.key }), 422, "invalid_json");
  });

  it("admin PATCHing another user: 200 and stored", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const response = await okPatch(t, agent.id, admin.key, "Set by admin");
    assert.equal(response.json().id, agent.id);
    assert.equal((await storedUser(t, agent.id))?.title, "Set by admin");
    assert.equal((await storedUser(t, admin.id))?.title, null, "the admin's own row is untouched");
  });

  it("admin PATCHing a missing id: 404 user_not_found", async () => {
    const admin = await makeUser(t, "admin");
    expectError(await patchUser(t, missingId(), { title: "x" }, { key: admin.key }), 404, "user_not_found");
  });

  it("`me` is the caller in PATCH and GET (non-admin and admin)", async () => {
    for (const role of ["user", "admin"] as const) {
      const [caller, bystander] = [await makeUser(t, role), await makeUser(t)];
      const bystanderBefore = await storedUser(t, bystander.id);
      const patched = await okPatch(t, "me", caller.key, `Me as ${role}`);
      assert.equal(patched.json().id, caller.id);
      assert.equal((await storedUser(t, caller.id))?.title, `Me as ${role}`);
      assert.deepEqual(await storedUser(t, bystander.id), bystanderBefore);
      const read = await send(t, "GET", "/api/v1/users/me", undefined, { key: caller.key });
      assert.equal(read.statusCode, 200, read.body);
      assert.equal(read.json().id, caller.id);
      assert.equal(read.json().email, caller.user.email);
    }
  });

  it("GET one user: the owner gets 200 (by id, key or session)", async () => {
    const session = await signUp(t);
    const key = (await createApiKey(t.services, { user: session.id })).key;
    for (const credential of [key, session.token]) {
      const response = await send(t, "GET", `/api/v1/users/${session.id}`, undefined, { key: credential });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().id, session.id);
    }
  });

  it("GET one user: an admin gets 200 on anyone", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const response = await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: admin.key });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().id, agent.id);
    assert.equal(response.json().email, agent.user.email);
  });

  it("GET one user: a non-admin gets 404 user_not_found on another user and on a missing id, same shape", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    const other = await send(t, "GET", `/api/v1/users/${victim.id}`, undefined, { key: caller.key });
    const missing = await send(t, "GET", `/api/v1/users/${missingId()}`, undefined, { key: caller.key });
    expectError(other, 404, "user_not_found");
    expectError(missing, 404, "user_not_found");
    assert.deepEqual(shapeOf(other), shapeOf(missing));
    assert.doesNotMatch(other.body, new RegExp(victim.user.email.replace(/[.]/g, "\\.")));
  });
});

// ---------- 4. admin-only fields on PATCH ----------

describe("security: admin-only fields on PATCH", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const bodies: Array<Record<string, unknown>> = [
    { role: "" },
    { role: "admin" },
    { is_active: false },
    { email_verified: false },
    { account_status: "" },
    { account_status: "suspended" },
    { email: null },
    { isActive: false },
    { emailVerified: false },
    { accountStatus: "" },
    { title: "Broker", display_name: "Sneaky", role: "", isActive: false },
    { displayName: "Sneaky", email: "other@example.com", bio: "hi" },
  ];
  const adminKeys = (body: Record<string, unknown>) =>
    Object.keys(body).filter((key) => /^(email|role|is_?active|isActive|email_?verified|emailVerified|account_?status|accountStatus)$/.test(key));

  it("from a non-admin on their own profile: 403 admin_only_fields listing them, nothing written", async () => {
    for (const body of bodies) {
      const agent = await makeUser(t);
      const error = await expectRefusedPatch(t, agent.id, body, { key: agent.key }, 403, "admin_only_fields");
      assert.deepEqual([...(error.details.fields as string[])].sort(), adminKeys(body).sort(), JSON.stringify(body));
      await expectRefusedPatch(t, "me", body, { key: agent.key }, 403, "admin_only_fields", agent.id);
    }
  });

  it("from an admin: 422 admin_only_fields with a hint to use PUT, nothing written", async () => {
    const admin = await makeUser(t, "admin");
    for (const body of bodies) {
      const agent = await makeUser(t);
      for (const id of [agent.id, "me"]) {
        const checkId = id === "me" ? admin.id : agent.id;
        const error = await expectRefusedPatch(t, id, body, { key: admin.key }, 422, "admin_only_fields", checkId);
        assert.deepEqual([...(error.details.fields as string[])].sort(), adminKeys(body).sort(), JSON.stringify(body));
        assert.match(error.hint ?? "", /\bPUT\b/);
      }
    }
  });
});

// ---------- 5. Better Auth's own routes ----------

describe("security: Better Auth's routes cannot bypass the rules", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("POST /api/auth/update-user with a valid session: 404, name and role unchanged", async () => {
    const session = await signUp(t);
    const before = await storedUser(t, session.id);
    for (const body of [{ name: "Renamed" }, { role: "admin" }, { name: "R", title: "T", isActive: false }]) {
      expectError(await send(t, "POST", "/api/auth/update-user", body, { key: session.token }), 404, "not_found");
    }
    assert.deepEqual(await storedUser(t, session.id), before);
  });

  it("admin update-user, set-role and create-user are 404 even for an admin session", async () => {
    const admin = await signUp(t);
    await setUser(t, admin.id, { role: "admin" });
    const agent = await makeUser(t);
    const before = await storedUser(t, agent.id);
    const email = randomEmail();
    const attempts: Array<[string, unknown]> = [
      ["/api/auth/admin/update-user", { userId: agent.id, data: { role: "admin", name: "Owned" } }],
      ["/api/auth/admin/set-role", { userId: agent.id, role: "admin" }],
      ["/api/auth/admin/create-user", { email, password: PASSWORD, name: "Ghost", role: "admin" }],
    ];
    for (const [path, body] of attempts) {
      expectError(await send(t, "POST", path, body, { key: admin.token }), 404, "not_found");
    }
    assert.deepEqual(await storedUser(t, agent.id), before);
    const ghost = await t.services.database.db.selectFrom("user").select("id").where("email", "=", email).executeTakeFirst();
    assert.equal(ghost, undefined, "create-user created nobody");
  });

  it("sign-up with extra fields cannot set role, is_active, title or account_status", async () => {
    const extras: Array<Record<string, unknown>> = [
      { role: "admin", isActive: false, is_active: false, title: "x", accountStatus: "suspended" },
      { role: "", isActive: false, is_active: false, title: "", accountStatus: "" },
      { role: "admin" },
      { isActive: false },
      { is_active: false },
      { title: "x" },
      { accountStatus: "suspended" },
      { account_status: "suspended", banned: true, emailVerified: true },
    ];
    for (const extra of extras) {
      const email = randomEmail();
      const response = await send(t, "POST", "/api/auth/sign-up/email", { ...extra, email, password: PASSWORD, name: "Signup" });
      const row = await t.services.database.db.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
      if (response.statusCode === 200) {
        assert.ok(row, "a 200 sign-up stored a user");
        assert.equal(row.role, "user", JSON.stringify(extra));
        assert.equal(row.is_active, 1, JSON.stringify(extra));
        assert.equal(row.account_status, "active", JSON.stringify(extra));
        assert.equal(row.title, null, JSON.stringify(extra));
        assert.ok(!row.banned, JSON.stringify(extra));
        assert.ok(!row.emailVerified, JSON.stringify(extra));
      } else {
        expectError(response, response.statusCode, response.json().error?.code);
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body);
        assert.equal(row, undefined, "a refused sign-up stored nothing");
      }
    }
  });

  it("a vk_ API key used as Bearer on Better Auth's routes is not a session", async () => {
    const agent = await makeUser(t);
    const keysBefore = await keyCount(t, agent.id);
    for (const options of [{ key: agent.key }, { headers: { "x-api-key": agent.key } }]) {
      const session = await send(t, "GET", "/api/auth/get-session", undefined, options);
      if (session.statusCode === 200) assert.equal(session.json(), null, session.body);
      else expectError(session, 401, "auth_required");
      assert.ok(!session.body.includes(agent.id), "get-session reveals nothing about the key's owner");
      expectError(await send(t, "GET", "/api/auth/api-key/list", undefined, options), 401, "auth_required");
      expectError(await send(t, "GET", "/api/auth/list-sessions", undefined, options), 401, "auth_required");
      const minted = await send(t, "POST", "/api/auth/api-key/create", { name: "minted" }, options);
      assert.ok(minted.statusCode >= 400, minted.body);
      assert.doesNotMatch(minted.body, LEAK);
    }
    assert.equal(await keyCount(t, agent.id), keysBefore, "no key was minted");
  });
});

// ---------- 6. envelope, request ids, leaks ----------

describe("security: error envelope and request ids", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("Better Auth's errors come back in our envelope (wrong password, unknown user, bad body)", async () => {
    const session = await signUp(t);
    const wrong = await send(t, "POST", "/api/auth/sign-in/email", { email: session.email, password: "not-the-password" });
    expectError(wrong, 401, ["auth_required", "api_key_invalid"]);
    assert.equal(wrong.headers["set-auth-token"], undefined);
    const unknown = await send(t, "POST", "/api/auth/sign-in/email", { email: randomEmail(), password: "whatever-password" });
    expectError(unknown, 401, ["auth_required", "api_key_invalid"]);
    assert.deepEqual(shapeOf(unknown), shapeOf(wrong), "no account-existence oracle at sign-in");
    const bad = await send(t, "POST", "/api/auth/sign-up/email", { email: "not-an-email", password: PASSWORD, name: "x" });
    expectError(bad, 422, "validation_failed");
    const malformed = await send(t, "POST", "/api/auth/sign-in/email", "{oops");
    assert.ok(malformed.statusCode >= 400 && malformed.statusCode < 500, malformed.body);
    errorOf(malformed);
    assert.doesNotMatch(malformed.body, LEAK);
  });

  it("every response carries X-Request-Id: req_ + ULID by default", async () => {
    const agent = await makeUser(t);
    const responses = [
      await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key }),
      await patchUser(t, agent.id, { title: "x" }),
      await send(t, "GET", "/no/such/route"),
      await send(t, "GET", "/api/auth/get-session"),
      await send(t, "POST", "/api/auth/sign-in/email", { email: randomEmail(), password: "whatever-password" }),
      await send(t, "GET", "/healthz"),
    ];
    for (const response of responses) assert.match(String(response.headers["x-request-id"]), ULID_ID, response.body);
  });

  it("a safe client X-Request-Id is echoed, in the header and the error body", async () => {
    const agent = await makeUser(t);
    const ok = await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key, headers: { "x-request-id": "client-req-12345" } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers["x-request-id"], "client-req-12345");
    const failed = await patchUser(t, agent.id, { title: "x" }, { headers: { "x-request-id": "client-req-12345" } });
    assert.equal(expectError(failed, 401, "auth_required").request_id, "client-req-12345");
  });

  it("an unsafe client X-Request-Id is replaced by req_ + ULID", async () => {
    const agent = await makeUser(t);
    for (const unsafe of ["has spaces in it", "x".repeat(129), "a/b<script>", "id\t\ttabbed", "é-unicode-id"]) {
      for (const response of [
        await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key, headers: { "x-request-id": unsafe } }),
        await patchUser(t, agent.id, { title: "x" }, { headers: { "x-request-id": unsafe } }),
      ]) {
        assert.match(String(response.headers["x-request-id"]), ULID_ID, unsafe);
      }
    }
  });

  it("no stack traces or SQL in error bodies, even for hostile input", async () => {
    const agent = await makeUser(t);
    const probes = [
      await patchUser(t, agent.id, "{\"title\": ", { key: agent.key }),
      await patchUser(t, agent.id, { title: "x", "'; DROP TABLE user; --": 1 }, { key: agent.key }),
      await patchUser(t, "' OR 1=1 --", { title: "x" }, { key: agent.key }),
      await patchUser(t, agent.id, { title: "x" }, { key: "vk_' OR '1'='1" }),
      await patchUser(t, agent.id, { title: "x" }, { key: "' OR '1'='1.sig" }),
      await send(t, "GET", "/api/v1/users/%27%20OR%201=1", undefined, { key: agent.key }),
      await send(t, "POST", "/api/auth/sign-in/email", { email: { $ne: null }, password: ["x"] }),
      await patchUser(t, agent.id, { title: 12345, bio: { nested: true }, phone: "x".repeat(5000) }, { key: agent.key }),
    ];
    for (const response of probes) {
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${response.statusCode} ${response.body}`);
      errorOf(response);
      assert.doesNotMatch(response.body, LEAK);
    }
  });
});
