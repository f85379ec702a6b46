import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ValaraClient, ValaraError, verifyWebhook } from "../client/index.js";
import { eventually } from "./support/eventually.js";
import { makeUser, startTestApp, type TestApp, type TestUser } from "./support/harness.js";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

describe("the typed client: valara.webhooks.* and valara.events.list() over real HTTP", () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: TestUser;
  let receiver: Receiver;
  before(async () => {
    t = await startTestApp(WEBHOOK_TEST_ENV);
    baseUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
    admin = await makeUser(t, "admin");
    receiver = await startReceiver();
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  it("creates, lists, reads, changes, tests, rotates and deletes an endpoint; reads deliveries and the feed", async () => {
    const valara = new ValaraClient({ baseUrl, apiKey: admin.key });
    const types = await valara.webhooks.eventTypes();
    assert.ok(types.some((entry) => entry.type === "user.updated"));

    const endpoint = await valara.webhooks.create({ url: receiver.url, event_types: ["user.updated"] });
    assert.match(endpoint.secret, /^whsec_/);
    assert.ok((await valara.webhooks.list().toArray()).some((entry) => entry.id === endpoint.id));
    assert.equal((await valara.webhooks.get(endpoint.id)).url, receiver.url);
    assert.equal((await valara.webhooks.update(endpoint.id, { description: "site" })).description, "site");

    const tested = await valara.webhooks.test(endpoint.id);
    assert.equal(tested.ok, true);
    const delivered = receiver.received.find((entry) => entry.body.event_id === tested.event_id);
    assert.ok(delivered);
    assert.equal(verifyWebhook(delivered.raw, delivered.headers, endpoint.secret).event_type, "webhook.test");

    const log = await valara.webhooks.deliveries(endpoint.id).toArray();
    assert.equal(log[0]?.id, tested.delivery_id);
    const again = await valara.webhooks.redeliver(tested.delivery_id);
    assert.equal(again.status, "pending");

    const rotated = await valara.webhooks.rotateSecret(endpoint.id);
    assert.notEqual(rotated.secret, endpoint.secret);

    const agent = await makeUser(t);
    await new ValaraClient({ baseUrl, apiKey: agent.key }).users.update(agent.id, { title: "Via client" });
    const page = await eventually(
      () => valara.events.list({ limit: 500 }),
      ({ data }) => data.some((event) => event.data.user_id === agent.id && event.event_type === "user.updated"),
      "the PATCH's event in the feed",
    );
    const next = await valara.events.list({ after: page.next_cursor });
    assert.equal(typeof next.next_cursor, "string");

    await valara.webhooks.delete(endpoint.id);
    await assert.rejects(valara.webhooks.get(endpoint.id), (error: unknown) => {
      assert.ok(error instanceof ValaraError);
      assert.equal(error.status, 404);
      assert.equal(error.code, "webhook_endpoint_not_found");
      return true;
    });
  });

  it("a non-admin gets a ValaraError 403 forbidden", async () => {
    const agent = await makeUser(t);
    const valara = new ValaraClient({ baseUrl, apiKey: agent.key });
    await assert.rejects(
      valara.events.list(),
      (error: unknown) => error instanceof ValaraError && error.code === "forbidden",
    );
  });
});
