import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

describe("webhook endpoints (CONTRACT §10)", () => {
  let t: TestApp;
  let receiver: Receiver;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  before(async () => {
    t = await startTestApp(WEBHOOK_TEST_ENV);
    receiver = await startReceiver();
    admin = await makeUser(t, "admin");
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });
  const asAdmin = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown) =>
    send(t, method, url, body, { key: admin.key });

  it("non-admins get 403 forbidden on every webhook and feed route; no credential 401", async () => {
    const agent = await makeUser(t);
    const routes: Array<["GET" | "POST" | "PATCH" | "DELETE", string, unknown?]> = [
      ["GET", "/api/v1/webhooks/events"],
      ["POST", "/api/v1/webhooks/endpoints", { url: receiver.url }],
      ["GET", "/api/v1/webhooks/endpoints"],
      ["GET", "/api/v1/webhooks/endpoints/whe_x"],
      ["PATCH", "/api/v1/webhooks/endpoints/whe_x", { enabled: false }],
      ["DELETE", "/api/v1/webhooks/endpoints/whe_x"],
      ["POST", "/api/v1/webhooks/endpoints/whe_x/rotate-secret"],
      ["POST", "/api/v1/webhooks/endpoints/whe_x/test"],
      ["GET", "/api/v1/webhooks/endpoints/whe_x/deliveries"],
      ["POST", "/api/v1/webhooks/deliveries/dlv_x/redeliver"],
      ["GET", "/api/v1/events"],
    ];
    for (const [method, url, body] of routes) {
      const refused = await send(t, method, url, body, { key: agent.key });
      assert.equal(refused.statusCode, 403, `${method} ${url}: ${refused.body}`);
      assert.equal(errorOf(refused).code, "forbidden");
      const anonymous = await send(t, method, url, body);
      assert.equal(anonymous.statusCode, 401, `${method} ${url}`);
    }
  });

  it("the catalog lists the five event types", async () => {
    const response = await asAdmin("GET", "/api/v1/webhooks/events");
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response.json().data.map((entry: { type: string }) => entry.type),
      ["user.signed_up", "user.updated", "user.deactivated", "user.reactivated", "webhook.test"],
    );
  });

  it("create shows the secret once; read, list, change, delete; 404 in the envelope", async () => {
    const created = await asAdmin("POST", "/api/v1/webhooks/endpoints", {
      url: receiver.url,
      event_types: ["user.updated"],
      description: "CRM",
    });
    assert.equal(created.statusCode, 201, created.body);
    const endpoint = created.json();
    assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(endpoint.secret.slice(6), "base64").length, 32);
    assert.deepEqual(endpoint.event_types, ["user.updated"]);

    const read = await asAdmin("GET", `/api/v1/webhooks/endpoints/${endpoint.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().secret, undefined, "the secret is never shown again");
    assert.equal(read.json().description, "CRM");

    const listed = await asAdmin("GET", "/api/v1/webhooks/endpoints?limit=200");
    assert.ok(listed.json().data.some((entry: { id: string }) => entry.id === endpoint.id));
    assert.ok(listed.json().data.every((entry: { secret?: string }) => entry.secret === undefined));

    const changed = await asAdmin("PATCH", `/api/v1/webhooks/endpoints/${endpoint.id}`, {
      enabled: false,
      event_types: ["user.updated", "user.deactivated"],
      description: null,
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().enabled, false);
    assert.equal(changed.json().disabled_reason, "admin");
    assert.equal(changed.json().description, null);

    const bad = await asAdmin("PATCH", `/api/v1/webhooks/endpoints/${endpoint.id}`, { event_types: ["user.nope"] });
    assert.equal(bad.statusCode, 422);
    assert.equal(errorOf(bad).code, "validation_failed");

    assert.equal((await asAdmin("DELETE", `/api/v1/webhooks/endpoints/${endpoint.id}`)).statusCode, 204);
    const gone = await asAdmin("GET", `/api/v1/webhooks/endpoints/${endpoint.id}`);
    assert.equal(gone.statusCode, 404);
    assert.equal(errorOf(gone).code, "webhook_endpoint_not_found");
    const noDelivery = await asAdmin("POST", "/api/v1/webhooks/deliveries/dlv_nothing/redeliver");
    assert.equal(errorOf(noDelivery).code, "webhook_delivery_not_found");
  });

  it("endpoint lists page with cursors; a tampered cursor is 422 invalid_cursor", async () => {
    for (let i = 0; i < 3; i++) await asAdmin("POST", "/api/v1/webhooks/endpoints", { url: receiver.url });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await asAdmin(
        "GET",
        `/api/v1/webhooks/endpoints?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      assert.equal(page.statusCode, 200, page.body);
      for (const entry of page.json().data) seen.add(entry.id);
      cursor = page.json().next_cursor;
    } while (cursor);
    assert.ok(seen.size >= 3);
    const tampered = await asAdmin("GET", "/api/v1/webhooks/endpoints?cursor=eyJpZCI6IngifQ.bad");
    assert.equal(errorOf(tampered).code, "invalid_cursor");
  });

  it("test sends webhook.test now and answers with the receiver's status; it is in the deliveries log", async () => {
    const endpoint = (await asAdmin("POST", "/api/v1/webhooks/endpoints", { url: receiver.url })).json();
    const before = receiver.received.length;
    receiver.respond = () => ({ status: 204 });
    const tested = await asAdmin("POST", `/api/v1/webhooks/endpoints/${endpoint.id}/test`);
    receiver.respond = () => ({ status: 200 });
    assert.equal(tested.statusCode, 200, tested.body);
    assert.equal(tested.json().ok, true);
    assert.equal(tested.json().status, 204);
    assert.ok(Number.isInteger(tested.json().duration_ms));
    const got = receiver.received.slice(before).find((entry) => entry.body.event_type === "webhook.test");
    assert.equal(got?.body.event_id, tested.json().event_id);
    const log = await asAdmin("GET", `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries`);
    const entry = log.json().data.find((row: { id: string }) => row.id === tested.json().delivery_id);
    assert.equal(entry.status, "succeeded");
    assert.equal(entry.last_response_status, 204);
    assert.equal(entry.event_type, "webhook.test");
    await asAdmin("DELETE", `/api/v1/webhooks/endpoints/${endpoint.id}`);
  });

  it("the feed: every change once, oldest first, cursors never null, bound to their filter", async () => {
    const agent = await makeUser(t);
    const start = (await asAdmin("GET", "/api/v1/events?limit=500")).json();
    let cursor: string = start.next_cursor;
    assert.equal(typeof cursor, "string");
    // Drain whatever is there, then make three changes.
    for (let page = start; page.has_more; ) {
      page = (await asAdmin("GET", `/api/v1/events?limit=500&after=${encodeURIComponent(cursor)}`)).json();
      cursor = page.next_cursor;
    }
    for (const title of ["A", "B", "C"]) {
      assert.equal((await patchUser(t, agent.id, { title }, { key: agent.key })).statusCode, 200);
    }
    const events: Array<{ event_type: string; position: number; data: { user_id: string; changes: unknown } }> = [];
    const deadline = Date.now() + 10_000;
    const updates = () =>
      events.filter((event) => event.data.user_id === agent.id && event.event_type === "user.updated").length;
    while (updates() < 3 && Date.now() < deadline) {
      const page = (await asAdmin("GET", `/api/v1/events?limit=2&after=${encodeURIComponent(cursor)}`)).json();
      assert.equal(typeof page.next_cursor, "string", "next_cursor is never null");
      events.push(...page.data);
      cursor = page.next_cursor;
      if (!page.has_more) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const mine = events.filter((event) => event.data.user_id === agent.id && event.event_type === "user.updated");
    assert.deepEqual(
      mine.map((event) => (event.data.changes as { title: { to: string } }).title.to),
      ["A", "B", "C"],
    );
    const positions = events.map((event) => event.position);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
    assert.equal(new Set(positions).size, positions.length);
    const filtered = await asAdmin("GET", `/api/v1/events?types=user.updated&after=${encodeURIComponent(cursor)}`);
    assert.equal(errorOf(filtered).code, "invalid_cursor", "a cursor is bound to its filter");
    const unknownType = await asAdmin("GET", "/api/v1/events?types=user.nope");
    assert.equal(errorOf(unknownType).code, "validation_failed");
    const onlyUpdates = (await asAdmin("GET", "/api/v1/events?types=user.updated&limit=500")).json();
    assert.ok(onlyUpdates.data.every((event: { event_type: string }) => event.event_type === "user.updated"));
  });
});
