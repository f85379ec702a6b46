import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { dialect, errorOf, makeUser, send, startTestApp, type TestApp } from "./support/harness.js";

// The dashboard's credential (contract §2, §9): Better Auth's session cookie on /api/v1, with the
// Origin rule for writes. The harness's config has PORT 3000, so the server's own origins are
// http://127.0.0.1:3000 and http://localhost:3000.
const OWN = "http://127.0.0.1:3000";
const LOCALHOST = "http://localhost:3000";
const EVIL = "https://evil.example";
const PASSWORD = "a-long-password-1";

let counter = 0;

/** Signs up a new person the way the page does; returns their id and the Set-Cookie lines. */
async function signUp(t: TestApp): Promise<{ id: string; email: string; setCookies: string[]; cookie: string }> {
  const email = `cookie-${Date.now()}-${counter++}@example.com`;
  const response = await send(t, "POST", "/api/auth/sign-up/email", { email, password: PASSWORD, name: "Cookie" });
  assert.equal(response.statusCode, 200, response.body);
  const setCookies = [response.headers["set-cookie"] ?? []].flat();
  return { id: response.json().user.id, email, setCookies, cookie: cookieHeader(setCookies) };
}

/** What a browser sends back: `name=value` of each Set-Cookie line. */
const cookieHeader = (setCookies: string[]) => setCookies.map((line) => line.split(";")[0]).join("; ");

const sessionLine = (setCookies: string[]) => {
  const line = setCookies.find((one) => /^(__Secure-)?better-auth\.session_token=/.test(one));
  assert.ok(line, `no session cookie in ${JSON.stringify(setCookies)}`);
  return line;
};

const withCookie = (cookie: string, origin?: string) => ({ cookie, ...(origin ? { origin } : {}) });

function assertForbidden(response: LightMyRequestResponse, reason: string) {
  assert.equal(response.statusCode, 403, response.body);
  const error = errorOf(response);
  assert.equal(error.code, "forbidden");
  assert.equal(error.details.reason, reason);
}

describe("the session cookie on /api/v1 (development)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ CORS_ORIGINS: "https://app.valara.cloud" });
  });
  after(() => t.close());

  it("Better Auth sets it HttpOnly and SameSite=Lax, not Secure over plain http outside production", async () => {
    const line = sessionLine((await signUp(t)).setCookies);
    assert.match(line, /^better-auth\.session_token=[^;]+\.[^;]+;/, "signed: token.signature");
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
    assert.doesNotMatch(line, /; Secure/i);
  });

  it("authenticates a GET with no Origin at all (reads are not cross-site writes)", async () => {
    const person = await signUp(t);
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { headers: withCookie(person.cookie) });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().id, person.id);
    const one = await send(t, "GET", `/api/v1/users/${person.id}`, undefined, { headers: withCookie(person.cookie) });
    assert.equal(one.statusCode, 200);
  });

  it("accepts a PATCH from either local origin, and from CORS_ORIGINS", async () => {
    const person = await signUp(t);
    for (const [origin, title] of [
      [OWN, "From 127"],
      [LOCALHOST, "From localhost"],
      ["https://app.valara.cloud", "From CORS_ORIGINS"],
    ] as const) {
      const response = await send(
        t,
        "PATCH",
        `/api/v1/users/${person.id}`,
        { title },
        {
          headers: withCookie(person.cookie, origin),
        },
      );
      assert.equal(response.statusCode, 200, `${origin}: ${response.body}`);
      assert.equal(response.json().title, title);
    }
  });

  it("refuses a cookie PATCH from another origin with 403 forbidden, and changes nothing", async () => {
    const person = await signUp(t);
    for (const origin of [EVIL, "null", "http://127.0.0.1:3001", "http://127.0.0.1:3000.evil.example"]) {
      const response = await send(
        t,
        "PATCH",
        `/api/v1/users/${person.id}`,
        { title: "Hijacked" },
        {
          headers: withCookie(person.cookie, origin),
        },
      );
      assertForbidden(response, "origin_not_allowed");
    }
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { headers: withCookie(person.cookie) });
    assert.equal(me.json().title, null);
  });

  it("refuses a cookie PATCH with no Origin at all", async () => {
    const person = await signUp(t);
    const response = await send(
      t,
      "PATCH",
      `/api/v1/users/${person.id}`,
      { title: "No origin" },
      {
        headers: withCookie(person.cookie),
      },
    );
    assertForbidden(response, "origin_missing");
  });

  it("refuses a cookie PUT from another origin before its admin check", async () => {
    const person = await signUp(t);
    const response = await send(
      t,
      "PUT",
      `/api/v1/users/${person.id}`,
      { title: "x" },
      {
        headers: withCookie(person.cookie, EVIL),
      },
    );
    assertForbidden(response, "origin_not_allowed");
  });

  it("lets a header credential win over the cookie: a foreign Origin does not matter then", async () => {
    const person = await signUp(t);
    const agent = await makeUser(t);
    const response = await send(
      t,
      "PATCH",
      `/api/v1/users/${agent.id}`,
      { title: "By key" },
      {
        key: agent.key,
        headers: withCookie(person.cookie, EVIL),
      },
    );
    assert.equal(response.statusCode, 200, response.body);
    const me = await send(t, "GET", "/api/v1/users/me", undefined, {
      headers: { ...withCookie(person.cookie), "x-api-key": agent.key },
    });
    assert.equal(me.json().id, agent.id, "X-API-Key, not the cookie, names the caller");
  });

  it("finds the session cookie among other cookies, and ignores cookies of other names", async () => {
    const person = await signUp(t);
    const mixed = `theme=dark; ${person.cookie}; other=1`;
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { headers: { cookie: mixed } });
    assert.equal(me.json().id, person.id);
    const none = await send(t, "GET", "/api/v1/users/me", undefined, { headers: { cookie: "theme=dark; a=b" } });
    assert.equal(errorOf(none).code, "auth_required");
  });

  it("answers 401 api_key_invalid to a forged, unsigned or malformed cookie", async () => {
    const person = await signUp(t);
    const value = person.cookie.slice(person.cookie.indexOf("=") + 1);
    const token = decodeURIComponent(value).split(".")[0];
    // The bare token (which Better Auth's get-session shows scripts) is no cookie: it must be signed.
    for (const forged of [token, `${token}.AAAA`, `${token}.${"A".repeat(43)}%3D`, `${token}.%E0%A4%A`, "%", "x.y.z"]) {
      const response = await send(t, "GET", "/api/v1/users/me", undefined, {
        headers: { cookie: `better-auth.session_token=${forged}` },
      });
      assert.equal(response.statusCode, 401, `${forged}: ${response.body}`);
      assert.equal(errorOf(response).code, "api_key_invalid");
    }
    // The same reader serves bearer session tokens: a malformed escape was a 500 there.
    const bearer = await send(t, "GET", "/api/v1/users/me", undefined, { key: `${token}.%E0%A4%A` });
    assert.equal(errorOf(bearer).code, "api_key_invalid");
  });

  it("answers 401 account_inactive to the cookie of a deactivated or suspended user", async () => {
    for (const change of [{ is_active: dialect === "sqlite" ? 0 : false }, { account_status: "suspended" }]) {
      const person = await signUp(t);
      // Straight in the database: PUT would also end the sessions, and then the cookie is simply unknown.
      await t.services.database.db
        .updateTable("user")
        .set(change as never)
        .where("id", "=", person.id)
        .execute();
      const read = await send(t, "GET", "/api/v1/users/me", undefined, { headers: withCookie(person.cookie) });
      assert.equal(read.statusCode, 401, read.body);
      assert.equal(errorOf(read).code, "account_inactive");
      const write = await send(
        t,
        "PATCH",
        `/api/v1/users/${person.id}`,
        { title: "x" },
        {
          headers: withCookie(person.cookie, OWN),
        },
      );
      assert.equal(errorOf(write).code, "account_inactive");
    }
  });

  it("an ended session's cookie no longer authenticates (sign-out from the localhost origin)", async () => {
    const person = await signUp(t);
    const signOut = await send(t, "POST", "/api/auth/sign-out", {}, { headers: withCookie(person.cookie, LOCALHOST) });
    assert.equal(signOut.statusCode, 200, signOut.body);
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { headers: withCookie(person.cookie) });
    assert.equal(errorOf(me).code, "api_key_invalid");
  });

  it("Better Auth trusts both local origins for cookie sign-in, and no other", async () => {
    const person = await signUp(t);
    const signIn = (origin: string) =>
      send(
        t,
        "POST",
        "/api/auth/sign-in/email",
        { email: person.email, password: PASSWORD },
        {
          headers: withCookie(person.cookie, origin),
        },
      );
    for (const origin of [OWN, LOCALHOST]) assert.equal((await signIn(origin)).statusCode, 200, origin);
    const foreign = await signIn(EVIL);
    assert.equal(foreign.statusCode, 403);
    assert.equal(errorOf(foreign).details.auth_code, "INVALID_ORIGIN");
  });
});

describe("the session cookie in production", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ NODE_ENV: "production", BETTER_AUTH_URL: "https://users.valara.cloud" });
  });
  after(() => t.close());

  it("is Secure (with the __Secure- prefix), HttpOnly and SameSite=Lax", async () => {
    const line = sessionLine((await signUp(t)).setCookies);
    assert.match(line, /^__Secure-better-auth\.session_token=/);
    assert.match(line, /; Secure/i);
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
  });

  it("accepts writes from BETTER_AUTH_URL's origin only: the local origins are not the server's", async () => {
    const person = await signUp(t);
    const patch = (origin: string) =>
      send(t, "PATCH", `/api/v1/users/${person.id}`, { title: "Prod" }, { headers: withCookie(person.cookie, origin) });
    assert.equal((await patch("https://users.valara.cloud")).statusCode, 200);
    assertForbidden(await patch(OWN), "origin_not_allowed");
    assertForbidden(await patch(LOCALHOST), "origin_not_allowed");
    assertForbidden(await patch("http://users.valara.cloud"), "origin_not_allowed");
  });

  it("does not take the unprefixed cookie name as the session cookie", async () => {
    const person = await signUp(t);
    const unprefixed = person.cookie.replace(/^__Secure-/, "");
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { headers: { cookie: unprefixed } });
    assert.equal(errorOf(me).code, "auth_required");
  });
});

describe("no script of the server's own page can read a session token", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  // What the dashboard's fetch sends: Chromium adds Sec-Fetch-Site to every request.
  const page = (extra: Record<string, string> = {}) => ({ origin: OWN, "sec-fetch-site": "same-origin", ...extra });
  const tokensIn = (body: string) => [...body.matchAll(/"token":("[^"]*"|null)/g)].map((match) => match[1]);

  it("sign-in, get-session and list-sessions answer the page without a token, the cookie holding the session", async () => {
    const person = await signUp(t);
    const signIn = await send(
      t,
      "POST",
      "/api/auth/sign-in/email",
      { email: person.email, password: PASSWORD },
      {
        headers: page(),
      },
    );
    assert.equal(signIn.statusCode, 200, signIn.body);
    assert.equal(signIn.headers["set-auth-token"], undefined, "no set-auth-token header");
    assert.deepEqual(tokensIn(signIn.body), ["null"]);
    const cookie = cookieHeader([signIn.headers["set-cookie"] ?? []].flat());
    assert.match(cookie, /better-auth\.session_token=/, "the session is in the cookie");

    const session = await send(t, "GET", "/api/auth/get-session", undefined, { headers: page({ cookie }) });
    assert.equal(session.statusCode, 200, session.body);
    assert.equal(session.json().session.token, null);
    assert.equal(session.json().user.email, person.email);
    const sessions = await send(t, "GET", "/api/auth/list-sessions", undefined, { headers: page({ cookie }) });
    assert.ok(sessions.json().length >= 2);
    assert.deepEqual(new Set(tokensIn(sessions.body)), new Set(["null"]));
    assert.doesNotMatch(sessions.body, new RegExp(cookie.split("=")[1]?.split(".")[0] ?? "x"));
  });

  it("other clients (no Sec-Fetch-Site, or another site) still get the token to send as Bearer", async () => {
    const person = await signUp(t);
    const signIn = await send(t, "POST", "/api/auth/sign-in/email", { email: person.email, password: PASSWORD });
    assert.match(signIn.headers["set-auth-token"] as string, /\./);
    assert.equal(typeof signIn.json().token, "string");
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { key: signIn.headers["set-auth-token"] as string });
    assert.equal(me.statusCode, 200);
  });
});
