import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { createApiKey, revokeApiKey } from "../src/cli/api-keys.commands.js";
import type { SendOptions, TestApp } from "./support/harness.js";
import { dialect, errorOf, makeUser, patchUser, send, startTestApp, storedUser, toDbDate } from "./support/harness.js";

let t: TestApp;
/** Called in each describe: its own app on its own fresh database, started before and closed after. */
function ownApp() {
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
}

const LEAK = /at .*\.ts:|SELECT|sqlite|Error:/i;
const ULID_ID = /^req_[0-9A-HJKMNP-TV-Z]{26}$/;
const PASSWORD = "correct-horse-battery-staple";
const randomEmail = () => `sec-${randomBytes(6).toString("hex")}@example.com`;
const EDIT = { title: "x" };
type Code = string | string[];
const missingId = () => randomBytes(24).toString("base64url").replace(/[-_]/g, "x").slice(0, 32);

/** Asserts status, the envelope, the code and that nothing internal leaked; returns the error. */
function expectError(response: LightMyRequestResponse, status: number, code: Code) {
  assert.equal(response.statusCode, status, response.body);
  const error = errorOf(response);
  if (Array.isArray(code)) assert.ok(code.includes(error.code), `code ${error.code} not in ${code.join(", ")}`);
  else assert.equal(error.code, code, response.body);
  assert.doesNotMatch(response.body, LEAK);
  assert.deepEqual(Object.keys(response.json()), ["error"], "only the envelope, no library fields");
  return error as typeof error & { hint?: string };
}

/** Some 4xx in our envelope, with nothing internal in it. */
function expectClientError(response: LightMyRequestResponse) {
  assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${response.statusCode} ${response.body}`);
  errorOf(response);
  assert.doesNotMatch(response.body, LEAK);
}

/** The stable part of an error body (the request id differs per request). */
const shapeOf = (response: LightMyRequestResponse) => {
  const { request_id: _ignored, ...rest } = errorOf(response);
  return rest;
};

/** Signs up through Better Auth; returns the bearer plugin's signed token and the new user id. */
async function signUp(email = randomEmail()) {
  const response = await post("/api/auth/sign-up/email", credentials(email));
  assert.equal(response.statusCode, 200, response.body);
  const token = response.headers["set-auth-token"];
  assert.equal(typeof token, "string", "the bearer plugin returns set-auth-token");
  return { token: token as string, id: (response.json() as { user: { id: string } }).user.id, email };
}

const db = () => t.services.database.db;
const get = (path: string, options: SendOptions = {}) => send(t, "GET", path, undefined, options);
const post = (path: string, body: unknown, options: SendOptions = {}) => send(t, "POST", path, body, options);
const credentials = (email: string, password = PASSWORD) => ({ email, password, name: "Session Agent" });
const setUser = (id: string, values: Record<string, unknown>) =>
  db().updateTable("user").set(values).where("id", "=", id).execute();
const pastDate = () => toDbDate(t.services.database.dialect, new Date(Date.now() - 60_000));
const byEmail = (email: string) => db().selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
const sessionCount = async (userId: string) =>
  (await db().selectFrom("session").select("id").where("userId", "=", userId).execute()).length;
const keyCount = async (userId: string) =>
  (await db().selectFrom("apikey").select("id").where("referenceId", "=", userId).execute()).length;

/** A PATCH that must be refused and leave the stored row (of `checkId`) exactly as it was. */
async function refuse(id: string, opts: SendOptions, status: number, code: Code, body: unknown = EDIT, checkId = id) {
  const before = await storedUser(t, checkId);
  const error = expectError(await patchUser(t, id, body, opts), status, code);
  assert.deepEqual(await storedUser(t, checkId), before, "a refused write changed nothing");
  return error;
}

/** Asserts a 200 carrying the user with this id; returns the user object. */
function expectUser(response: LightMyRequestResponse, id: string) {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().id, id, response.body);
  return response.json() as { id: string; email: string };
}

const okPatch = async (id: string, key: string, title: string, headers?: Record<string, string>) => {
  const response = await patchUser(t, id, { title }, headers ? { headers } : { key });
  assert.equal(response.statusCode, 200, response.body);
  return response;
};

describe("security: credentials on PATCH /api/v1/users/{id}", () => {
  ownApp();
  it("no credentials: 401 auth_required, nothing written", async () => {
    const agent = await makeUser(t);
    await refuse(agent.id, {}, 401, "auth_required");
  });

  it("Authorization: Basic, or Bearer with nothing: 401 auth_required", async () => {
    const agent = await makeUser(t);
    const basic = `Basic ${Buffer.from(`${agent.user.email}:${PASSWORD}`).toString("base64")}`;
    for (const authorization of [basic, "Bearer", "Bearer ", "bearer    "]) {
      await refuse(agent.id, { headers: { authorization } }, 401, "auth_required");
    }
  });

  it("a random vk_ key (Bearer or X-API-Key): 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    const fake = `vk_${randomBytes(32).toString("base64url")}`;
    await refuse(agent.id, { key: fake }, 401, "api_key_invalid");
    await refuse(agent.id, { headers: { "x-api-key": fake } }, 401, "api_key_invalid");
  });

  it("a 10,000-character token: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    const padded = `${agent.key}${"b".repeat(10_000 - agent.key.length)}`;
    for (const token of [`vk_${"a".repeat(9_997)}`, "s".repeat(10_000), padded]) {
      await refuse(agent.id, { key: token }, 401, "api_key_invalid");
    }
  });

  it("a session token holding a NUL: 401 api_key_invalid, not a 500", async () => {
    const agent = await makeUser(t);
    // Node's HTTP parser refuses such a header; app.inject lets it through, as a proxy might.
    await refuse(agent.id, { headers: { authorization: "Bearer abc\u0000def" } }, 401, "api_key_invalid");
  });

  it("an API key in X-API-Key works", async () => {
    const agent = await makeUser(t);
    await okPatch(agent.id, agent.key, "Via X-API-Key", { "x-api-key": agent.key });
    assert.equal((await storedUser(t, agent.id))?.title, "Via X-API-Key");
  });

  it("a revoked key: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    await okPatch(agent.id, agent.key, "Before revoke");
    await revokeApiKey(t.services, agent.keyId);
    await refuse(agent.id, { key: agent.key }, 401, "api_key_invalid", { title: "After revoke" });
    await refuse(agent.id, { headers: { "x-api-key": agent.key } }, 401, "api_key_invalid");
  });

  it("an expired key: 401 api_key_invalid", async () => {
    const agent = await makeUser(t);
    const key = await createApiKey(t.services, { user: agent.id, expiresInDays: 1 });
    await okPatch(agent.id, key.key, "Before expiry");
    await db().updateTable("apikey").set({ expiresAt: pastDate() }).where("id", "=", key.id).execute();
    await refuse(agent.id, { key: key.key }, 401, "api_key_invalid", { title: "After expiry" });
  });

  it("a deleted key row: 401", async () => {
    const agent = await makeUser(t);
    await db().deleteFrom("apikey").where("id", "=", agent.keyId).execute();
    await refuse(agent.id, { key: agent.key }, 401, "api_key_invalid");
  });

  it("a Better Auth session token works as Bearer, signed or bare", async () => {
    const session = await signUp();
    assert.match(session.token, /^[^.]+\.[^.]+$/, "set-auth-token is token.signature");
    await okPatch(session.id, session.token, "Signed session");
    assert.equal((await storedUser(t, session.id))?.title, "Signed session");
    await okPatch(session.id, session.token.split(".")[0] as string, "Bare session");
    assert.equal((await storedUser(t, session.id))?.title, "Bare session");
  });

  it("a session token with a tampered signature: 401", async () => {
    const session = await signUp();
    const [token, signature] = session.token.split(".") as [string, string];
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    const foreign = createHmac("sha256", "some-other-secret").update(token).digest("base64");
    for (const bad of [`${token}.${flipped}`, `${token}.${foreign}`, `${token}.`, `${token}x.${signature}`]) {
      await refuse(session.id, { key: bad }, 401, ["api_key_invalid", "auth_required"]);
    }
  });

  it("an expired session: 401", async () => {
    const session = await signUp();
    await okPatch(session.id, session.token, "Before expiry");
    await db().updateTable("session").set({ expiresAt: pastDate() }).where("userId", "=", session.id).execute();
    for (const key of [session.token, session.token.split(".")[0] as string]) {
      await refuse(session.id, { key }, 401, ["api_key_invalid", "auth_required"]);
    }
  });
});

describe("security: inactive, suspended and banned users", () => {
  ownApp();
  const states: Array<[string, Record<string, unknown>]> = [
    ["inactive (is_active = 0)", { is_active: 0 }],
    ["suspended (account_status = 'suspended')", { account_status: "suspended" }],
    ["banned (banned = 1)", { banned: 1 }],
  ];
  for (const [label, values] of states) {
    it(`${label}: key and session get 401 account_inactive on GET /me and PATCH; data stays`, async () => {
      const session = await signUp();
      const key = (await createApiKey(t.services, { user: session.id })).key;
      await okPatch(session.id, key, "Active agent");
      assert.equal((await get("/api/v1/users/me", { key: session.token })).statusCode, 200);
      await setUser(session.id, values);
      for (const options of [{ key }, { key: session.token }, { headers: { "x-api-key": key } }]) {
        expectError(await get("/api/v1/users/me", options), 401, "account_inactive");
        expectError(await get(`/api/v1/users/${session.id}`, options), 401, "account_inactive");
        await refuse(session.id, options, 401, "account_inactive");
        await refuse("me", options, 401, "account_inactive", undefined, session.id);
      }
      assert.equal((await storedUser(t, session.id))?.title, "Active agent", "their data stays");
    });

    it(`${label}: sign-in with the right password is refused and starts no session`, async () => {
      const session = await signUp();
      await setUser(session.id, values);
      const sessionsBefore = await sessionCount(session.id);
      const response = await post("/api/auth/sign-in/email", credentials(session.email));
      expectClientError(response);
      assert.equal(response.headers["set-auth-token"], undefined);
      assert.equal(await sessionCount(session.id), sessionsBefore, "no session row was created");
    });
  }
});

describe("security: authorization (PATCH and GET)", () => {
  ownApp();
  it("non-admin PATCHing someone else or a missing id: 403 forbidden, same body (no oracle), nothing written", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    await refuse(victim.id, { key: caller.key }, 403, "forbidden", { title: "Hijacked" });
    const other = await patchUser(t, victim.id, EDIT, { key: caller.key });
    const missing = await patchUser(t, missingId(), EDIT, { key: caller.key });
    expectError(missing, 403, "forbidden");
    assert.deepEqual(shapeOf(missing), shapeOf(other), "no existence oracle");
  });

  it("rule 2 before rule 3: invalid JSON or wrong content type to another/missing id is 403 forbidden", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    for (const id of [victim.id, missingId()]) {
      await refuse(id, { key: caller.key }, 403, "forbidden", "{not json", victim.id);
      await refuse(id, { key: caller.key }, 403, "forbidden", "[1,2]", victim.id);
      await refuse(id, { key: caller.key, contentType: "text/plain" }, 403, "forbidden", "title=x", victim.id);
    }
    // The same bad body on the caller's own id gets past rule 2 and fails rule 3.
    expectError(await patchUser(t, caller.id, "{not json", { key: caller.key }), 422, "invalid_json");
  });

  it("admin PATCHing another user: 200 and stored", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const response = await okPatch(agent.id, admin.key, "Set by admin");
    assert.equal(response.json().id, agent.id);
    assert.equal((await storedUser(t, agent.id))?.title, "Set by admin");
    assert.equal((await storedUser(t, admin.id))?.title, null, "the admin's own row is untouched");
  });

  it("admin PATCHing a missing id: 404 user_not_found", async () => {
    const admin = await makeUser(t, "admin");
    expectError(await patchUser(t, missingId(), EDIT, { key: admin.key }), 404, "user_not_found");
  });

  it("an id holding a NUL (PostgreSQL text cannot): 404 user_not_found on PATCH, GET and history, not a 500", async () => {
    const admin = await makeUser(t, "admin");
    const id = `${missingId()}\0`;
    expectError(await patchUser(t, id, EDIT, { key: admin.key }), 404, "user_not_found");
    expectError(await get(`/api/v1/users/${encodeURIComponent(id)}`, { key: admin.key }), 404, "user_not_found");
    const history = await get(`/api/v1/users/${encodeURIComponent(id)}/history`, { key: admin.key });
    expectError(history, 404, "user_not_found");
  });

  it("`me` is the caller in PATCH and GET (non-admin and admin)", async () => {
    for (const role of ["user", "admin"] as const) {
      const [caller, bystander] = [await makeUser(t, role), await makeUser(t)];
      const bystanderBefore = await storedUser(t, bystander.id);
      const patched = await okPatch("me", caller.key, `Me as ${role}`);
      assert.equal(patched.json().id, caller.id);
      assert.equal((await storedUser(t, caller.id))?.title, `Me as ${role}`);
      assert.deepEqual(await storedUser(t, bystander.id), bystanderBefore);
      const read = expectUser(await get("/api/v1/users/me", { key: caller.key }), caller.id);
      assert.equal(read.email, caller.user.email);
    }
  });

  it("GET one user: the owner gets 200 (by id, key or session)", async () => {
    const session = await signUp();
    const key = (await createApiKey(t.services, { user: session.id })).key;
    for (const credential of [key, session.token]) {
      expectUser(await get(`/api/v1/users/${session.id}`, { key: credential }), session.id);
    }
  });

  it("GET one user: an admin gets 200 on anyone", async () => {
    const [admin, agent] = [await makeUser(t, "admin"), await makeUser(t)];
    const read = expectUser(await get(`/api/v1/users/${agent.id}`, { key: admin.key }), agent.id);
    assert.equal(read.email, agent.user.email);
  });

  it("GET one user: a non-admin gets 404 user_not_found on another user and on a missing id, same shape", async () => {
    const [caller, victim] = [await makeUser(t), await makeUser(t)];
    const other = await get(`/api/v1/users/${victim.id}`, { key: caller.key });
    const missing = await get(`/api/v1/users/${missingId()}`, { key: caller.key });
    expectError(other, 404, "user_not_found");
    expectError(missing, 404, "user_not_found");
    assert.deepEqual(shapeOf(other), shapeOf(missing));
    assert.ok(!other.body.includes(victim.user.email));
  });
});

describe("security: admin-only fields on PATCH", () => {
  ownApp();
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
  const ADMIN = /^(email|role|is_active|isActive|email_verified|emailVerified|account_status|accountStatus)$/;
  const adminKeys = (body: Record<string, unknown>) => Object.keys(body).filter((key) => ADMIN.test(key));

  it("from a non-admin on their own profile: 403 admin_only_fields listing them, nothing written", async () => {
    for (const body of bodies) {
      const agent = await makeUser(t);
      const error = await refuse(agent.id, { key: agent.key }, 403, "admin_only_fields", body);
      assert.deepEqual([...(error.details.fields as string[])].sort(), adminKeys(body).sort(), JSON.stringify(body));
      await refuse("me", { key: agent.key }, 403, "admin_only_fields", body, agent.id);
    }
  });

  it("from an admin: 422 admin_only_fields with a hint to use PUT, nothing written", async () => {
    const admin = await makeUser(t, "admin");
    for (const body of bodies) {
      const agent = await makeUser(t);
      for (const id of [agent.id, "me"]) {
        const checkId = id === "me" ? admin.id : agent.id;
        const error = await refuse(id, { key: admin.key }, 422, "admin_only_fields", body, checkId);
        assert.deepEqual([...(error.details.fields as string[])].sort(), adminKeys(body).sort(), JSON.stringify(body));
        assert.match(error.hint ?? "", /\bPUT\b/);
      }
    }
  });
});

describe("security: Better Auth's routes cannot bypass the rules", () => {
  ownApp();
  it("POST /api/auth/update-user with a valid session: 404, name and role unchanged", async () => {
    const session = await signUp();
    const before = await storedUser(t, session.id);
    for (const body of [{ name: "Renamed" }, { role: "admin" }, { name: "R", title: "T", isActive: false }]) {
      expectError(await post("/api/auth/update-user", body, { key: session.token }), 404, "not_found");
    }
    assert.deepEqual(await storedUser(t, session.id), before);
  });

  it("admin update-user, set-role and create-user are 404 even for an admin session", async () => {
    const admin = await signUp();
    await setUser(admin.id, { role: "admin" });
    const agent = await makeUser(t);
    const before = await storedUser(t, agent.id);
    const email = randomEmail();
    const attempts: Array<[string, unknown]> = [
      ["/api/auth/admin/update-user", { userId: agent.id, data: { role: "admin", name: "Owned" } }],
      ["/api/auth/admin/set-role", { userId: agent.id, role: "admin" }],
      ["/api/auth/admin/create-user", { email, password: PASSWORD, name: "Ghost", role: "admin" }],
    ];
    for (const [path, body] of attempts) {
      expectError(await post(path, body, { key: admin.token }), 404, "not_found");
    }
    assert.deepEqual(await storedUser(t, agent.id), before);
    assert.equal(await byEmail(email), undefined, "create-user created nobody");
  });

  it("sign-up with extra fields cannot set role, is_active, title or account_status", async () => {
    const extras: Array<Record<string, unknown>> = [
      { role: "admin", isActive: false, is_active: false, title: "x", accountStatus: "suspended" },
      { role: "", isActive: false, is_active: false, title: "", accountStatus: "" },
      { role: "admin" },
      { isActive: false },
      { title: "x" },
      { accountStatus: "suspended" },
      { account_status: "suspended", banned: true, emailVerified: true },
    ];
    for (const extra of extras) {
      const email = randomEmail();
      const response = await post("/api/auth/sign-up/email", { ...extra, ...credentials(email) });
      const row = await byEmail(email);
      if (response.statusCode === 200) {
        assert.ok(row, "a 200 sign-up stored a user");
        const state = [row.role, row.is_active, row.account_status, row.title, !!row.banned, !!row.emailVerified];
        const storedTrue = dialect === "sqlite" ? 1 : true; // SQLite keeps booleans as 0/1
        assert.deepEqual(state, ["user", storedTrue, "active", null, false, false], JSON.stringify(extra));
      } else {
        expectError(response, 422, "validation_failed");
        assert.equal(row, undefined, "a refused sign-up stored nothing");
      }
    }
  });

  it("sign-up names answer to PATCH's rule: control characters or 121 characters are 422, names are trimmed", async () => {
    for (const name of ["a\u0000b", "tab\there", "x".repeat(121), "   "]) {
      const email = randomEmail();
      expectError(await post("/api/auth/sign-up/email", { ...credentials(email), name }), 422, "validation_failed");
      assert.equal(await byEmail(email), undefined, `nothing stored for ${JSON.stringify(name)}`);
    }
    const email = randomEmail();
    const response = await post("/api/auth/sign-up/email", { ...credentials(email), name: "  Spaced Agent " });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await byEmail(email))?.name, "Spaced Agent");
  });

  it("a vk_ API key used as Bearer on Better Auth's routes is not a session", async () => {
    const agent = await makeUser(t);
    const keysBefore = await keyCount(agent.id);
    for (const options of [{ key: agent.key }, { headers: { "x-api-key": agent.key } }]) {
      const session = await get("/api/auth/get-session", options);
      if (session.statusCode === 200) assert.equal(session.json(), null, session.body);
      else expectError(session, 401, "auth_required");
      assert.ok(!session.body.includes(agent.id), "get-session reveals nothing about the key's owner");
      expectError(await get("/api/auth/api-key/list", options), 401, "auth_required");
      expectError(await get("/api/auth/list-sessions", options), 401, "auth_required");
      expectClientError(await post("/api/auth/api-key/create", { name: "minted" }, options));
    }
    assert.equal(await keyCount(agent.id), keysBefore, "no key was minted");
  });
});

describe("security: error envelope and request ids", () => {
  ownApp();
  it("Better Auth's errors come back in our envelope (wrong password, unknown user, bad body)", async () => {
    const session = await signUp();
    const wrong = await post("/api/auth/sign-in/email", credentials(session.email, "not-the-password"));
    expectError(wrong, 401, ["auth_required", "api_key_invalid"]);
    assert.equal(wrong.headers["set-auth-token"], undefined);
    const unknown = await post("/api/auth/sign-in/email", credentials(randomEmail(), "not-the-password"));
    expectError(unknown, 401, ["auth_required", "api_key_invalid"]);
    assert.deepEqual(shapeOf(unknown), shapeOf(wrong), "no account-existence oracle at sign-in");
    const bad = await post("/api/auth/sign-up/email", credentials("not-an-email"));
    expectError(bad, 422, "validation_failed");
    expectClientError(await post("/api/auth/sign-in/email", "{oops"));
  });

  it("every response carries X-Request-Id: req_ + ULID by default", async () => {
    const agent = await makeUser(t);
    const responses = [
      await get("/api/v1/users/me", { key: agent.key }),
      await patchUser(t, agent.id, EDIT),
      await get("/no/such/route"),
      await get("/api/auth/get-session"),
      await post("/api/auth/sign-in/email", credentials(randomEmail())),
      await get("/healthz"),
    ];
    for (const response of responses) assert.match(String(response.headers["x-request-id"]), ULID_ID, response.body);
  });

  it("a safe client X-Request-Id is echoed, in the header and the error body", async () => {
    const agent = await makeUser(t);
    const headers = { "x-request-id": "client-req-12345" };
    const ok = await get("/api/v1/users/me", { key: agent.key, headers });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers["x-request-id"], "client-req-12345");
    const failed = await patchUser(t, agent.id, EDIT, { headers });
    assert.equal(expectError(failed, 401, "auth_required").request_id, "client-req-12345");
  });

  it("an unsafe client X-Request-Id is replaced by req_ + ULID", async () => {
    const agent = await makeUser(t);
    for (const unsafe of ["has spaces in it", "x".repeat(129), "a/b<script>", "id\t\ttabbed", "é-unicode-id"]) {
      for (const response of [
        await get("/api/v1/users/me", { key: agent.key, headers: { "x-request-id": unsafe } }),
        await patchUser(t, agent.id, EDIT, { headers: { "x-request-id": unsafe } }),
      ]) {
        assert.match(String(response.headers["x-request-id"]), ULID_ID, unsafe);
      }
    }
  });

  it("no stack traces or SQL in error bodies, even for hostile input", async () => {
    const agent = await makeUser(t);
    const probes = [
      await patchUser(t, agent.id, '{"title": ', { key: agent.key }),
      await patchUser(t, agent.id, { title: "x", "'; DROP TABLE user; --": 1 }, { key: agent.key }),
      await patchUser(t, "' OR 1=1 --", EDIT, { key: agent.key }),
      await patchUser(t, agent.id, EDIT, { key: "vk_' OR '1'='1" }),
      await patchUser(t, agent.id, EDIT, { key: "' OR '1'='1.sig" }),
      await get("/api/v1/users/%27%20OR%201=1", { key: agent.key }),
      await post("/api/auth/sign-in/email", { email: { $ne: null }, password: ["x"] }),
      await patchUser(t, agent.id, { title: 12345, bio: { nested: 1 }, phone: "x".repeat(99) }, { key: agent.key }),
    ];
    for (const response of probes) expectClientError(response);
  });
});
