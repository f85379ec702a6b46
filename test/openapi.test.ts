import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { PROFILE_FIELDS } from "../src/users/user-fields.js";
import { send, startTestApp, type TestApp } from "./support/harness.js";

const SNAPSHOT = new URL("./snapshots/openapi.json", import.meta.url);

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: Record<string, any>;
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

  it("describes the PATCH request body and the 200 user object, unlike the seed's page", () => {
    const patch = doc.paths["/api/v1/users/{user_id}"].patch;
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(patch.requestBody.content["application/json"].schema.$ref, "#/components/schemas/UserProfilePatch");
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

  it("serves a rendered reference page at /docs", async () => {
    const page = await send(t, "GET", "/docs/");
    assert.equal(page.statusCode, 200);
    assert.match(page.headers["content-type"] as string, /text\/html/);
    assert.match(page.body, /swagger/i);
  });
});
