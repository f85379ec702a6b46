import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { KEPT_AUTH_ROUTES } from "../src/auth/auth.routes.js";
import { DISABLED_AUTH_PATHS } from "../src/auth/better-auth.js";
import { PROFILE_FIELDS } from "../src/users/user-fields.js";
import { send, startTestApp, type TestApp } from "./support/harness.js";
import { startServerProcess } from "./support/server-process.js";

const SNAPSHOT = new URL("./snapshots/openapi.json", import.meta.url);
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

type Doc = Record<string, any>;
const operations = (doc: Doc) =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] })),
  );

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: Doc;
  before(async () => {
    t = await startTestApp();
    doc = (await send(t, "GET", "/openapi.json")).json();
  });
  after(() => t.close());

  it("matches the reviewed snapshot (UPDATE_SNAPSHOTS=1 npm test to accept a change)", () => {
    const current = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, current);
    assert.equal(current, readFileSync(SNAPSHOT, "utf8"));
  });

  it("is a valid OpenAPI 3.1 document for an independent validator", async () => {
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc) as never);
    assert.equal(doc.openapi, "3.1.0");
  });

  it("describes the PATCH request body (optional) and the 200 user object, unlike the seed's page", () => {
    const patch = doc.paths["/api/v1/users/{user_id}"].patch;
    assert.equal(patch.requestBody.content["application/json"].schema.$ref, "#/components/schemas/UserProfilePatch");
    assert.equal(patch.requestBody.required, false, "an empty body is the empty patch");
    assert.equal(patch["x-optional-body"], undefined, "the internal mark is not published");
    assert.equal(doc.paths["/api/v1/users/{user_id}"].put.requestBody.required, true);
    assert.equal(patch.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/User");
    const body = doc.components.schemas.UserProfilePatch.properties;
    const user = doc.components.schemas.User.properties;
    for (const spec of PROFILE_FIELDS) {
      assert.ok(body[spec.name], `request body documents ${spec.name}`);
      assert.ok(user[spec.name], `user object documents ${spec.name}`);
    }
    for (const field of [
      "id",
      "email",
      "role",
      "is_active",
      "email_verified",
      "account_status",
      "created_at",
      "updated_at",
    ]) {
      assert.ok(user[field], `user object documents ${field}`);
    }
  });

  it("names every schema: no def-N component, and every JSON answer is a named component", () => {
    const names = Object.keys(doc.components.schemas);
    assert.deepEqual(
      names.filter((name) => !/^[A-Z][A-Za-z]+$/.test(name)),
      [],
      "components are named like types",
    );
    for (const { path, method, operation } of operations(doc)) {
      assert.ok(operation.operationId, `${method} ${path} has an operationId`);
      const json = operation.responses["200"]?.content?.["application/json"]?.schema;
      if (!json || path === "/healthz") continue;
      const refs = JSON.stringify(json).match(/#\/components\/schemas\/\w+/g) ?? [];
      assert.ok(refs.length > 0, `${method} ${path} answers a named schema, not an inline one`);
    }
  });

  it("documents every Better Auth route we keep, and none that we disable", async () => {
    for (const route of KEPT_AUTH_ROUTES) {
      const operation = doc.paths[`/api/auth${route.path}`]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} /api/auth${route.path} is documented`);
      assert.equal(operation.tags[0], "auth");
      assert.ok(operation.responses["500"], "its errors use the envelope");
    }
    const authPaths = Object.keys(doc.paths).filter((path) => path.startsWith("/api/auth/"));
    assert.equal(authPaths.length, KEPT_AUTH_ROUTES.length);
    for (const path of [...DISABLED_AUTH_PATHS, "/admin/remove-user", "/admin/impersonate-user", "/ok"]) {
      assert.equal(doc.paths[`/api/auth${path}`], undefined, `${path} is not documented`);
    }
    const signIn = doc.paths["/api/auth/sign-in/email"].post;
    assert.equal(signIn.requestBody.content["application/json"].schema.$ref, "#/components/schemas/SignInRequest");
    assert.equal(signIn.responses["401"].content["application/json"].schema.$ref, "#/components/schemas/Error");
  });

  it("serves exactly the documented Better Auth routes: any other is 404 not_found", async () => {
    const signUp = await send(t, "POST", "/api/auth/sign-up/email", {
      email: `openapi-${Date.now()}@example.com`,
      password: "a-long-password-1",
      name: "Doc Reader",
    });
    assert.equal(signUp.statusCode, 200, signUp.body);
    const token = signUp.headers["set-auth-token"] as string;
    const headers = { authorization: `Bearer ${token}` };
    for (const path of ["/admin/remove-user", "/admin/impersonate-user", "/admin/list-users", "/verify-password"]) {
      const response = await send(t, "POST", `/api/auth${path}`, {}, { headers });
      assert.equal(response.statusCode, 404, `${path}: ${response.body}`);
      assert.equal(response.json().error.code, "not_found");
    }
    const ok = await send(t, "GET", "/api/auth/ok", undefined, { headers });
    assert.equal(ok.statusCode, 404);
    const sessions = await send(t, "GET", "/api/auth/list-sessions", undefined, { headers });
    assert.equal(sessions.statusCode, 200, sessions.body);
  });

  it("refuses an API key prefix of the caller's choosing (keys are told from session tokens by vk_)", async () => {
    const signUp = await send(t, "POST", "/api/auth/sign-up/email", {
      email: `prefix-${Date.now()}@example.com`,
      password: "a-long-password-1",
      name: "Prefix",
    });
    const headers = { authorization: `Bearer ${signUp.headers["set-auth-token"]}` };
    const refused = await send(t, "POST", "/api/auth/api-key/create", { name: "k", prefix: "zz_" }, { headers });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().error.code, "validation_failed");
    const created = await send(t, "POST", "/api/auth/api-key/create", { name: "k" }, { headers });
    assert.equal(created.statusCode, 200, created.body);
    assert.match(created.json().key, /^vk_/);
  });

  it("serves a rendered reference page at /docs under a CSP that allows nothing from elsewhere", async () => {
    const page = await send(t, "GET", "/docs/");
    assert.equal(page.statusCode, 200);
    assert.match(page.headers["content-type"] as string, /text\/html/);
    assert.match(page.body, /swagger/i);
    const csp = page.headers["content-security-policy"] as string;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /style-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/, "one stylesheet of Swagger UI's, by its hash");
    assert.doesNotMatch(csp, /https:|unsafe-inline|validator\.swagger\.io/);
  });
});

describe("OpenAPI document: its server is the one that serves it", () => {
  it("on a non-default port, 'Try it out' resolves to that very server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "valara-openapi-"));
    const server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, "valara.db")}`,
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
    });
    try {
      const port = new URL(server.baseUrl).port;
      assert.notEqual(port, "3000");
      const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as Doc;
      const first = new URL(doc.servers[0].url, `${server.baseUrl}/openapi.json`);
      assert.equal(first.origin, server.baseUrl, "the first server is the origin that served the document");
      assert.ok(
        doc.servers.every((entry: { url: string }) => !entry.url.includes("valara.cloud")),
        "no request goes to another host",
      );
      const health = await fetch(new URL("healthz", first));
      assert.equal(health.status, 200);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is BETTER_AUTH_URL when the public URL is configured", async () => {
    const t = await startTestApp({ BETTER_AUTH_URL: "https://users.example.com" });
    try {
      const doc = (await send(t, "GET", "/openapi.json")).json();
      assert.equal(doc.servers[0].url, "https://users.example.com");
    } finally {
      await t.close();
    }
  });
});
