import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { UserSchema } from "../src/users/user-object.js";
import { makeUser, patchUser, send, startTestApp, storedUser, type TestApp } from "./support/harness.js";

describe("the seed's example request", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("returns 200 and the updated user, with both the seed's headers", async () => {
    const agent = await makeUser(t);
    const response = await patchUser(
      t,
      agent.id,
      { displayName: "John D.", title: "Senior Real Estate Agent", cellPhone: "+1-555-0123" },
      { key: agent.key, headers: { "x-idempotency-key": "6f1c1f0e-4f0a-4b7e-9d53-1d6c3c1a2b3c" } },
    );
    assert.equal(response.statusCode, 200, response.body);
    const user = response.json();
    assert.equal(user.id, agent.id);
    assert.equal(user.display_name, "John D.");
    assert.equal(user.title, "Senior Real Estate Agent");
    assert.equal(user.cell_phone, "+1-555-0123");
    assert.equal(user.name, agent.user.name, "fields not sent are unchanged");
    assert.match(response.headers["x-request-id"] as string, /^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    // The body is the user object's JSON as made for the ETag, sent without the schema's
    // serialiser: it must still hold the schema's keys exactly, in the schema's order.
    assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
    assert.deepEqual(Object.keys(user), Object.keys(UserSchema.properties));
    const read = await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: agent.key });
    assert.equal(read.body, response.body, "GET serves the same bytes");
    assert.equal(read.headers.etag, response.headers.etag);
    const stored = await storedUser(t, agent.id);
    assert.equal(stored?.display_name, "John D.");
    assert.equal(stored?.cell_phone, "+1-555-0123");
  });
});
