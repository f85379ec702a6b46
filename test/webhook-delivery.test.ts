import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import { verifyWebhook } from "../client/verify-webhook.js";
import { eventually } from "./support/eventually.js";
import { makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";
import { type Received, type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

/** Both signatures of a delivery verify with `secret`: Standard Webhooks by its own package, Valara's by the client. */
function assertSignedWith(entry: Received, secret: string) {
  const headers = entry.headers as Record<string, string>;
  new Webhook(secret).verify(entry.raw, {
    "webhook-id": headers["webhook-id"] as string,
    "webhook-timestamp": headers["webhook-timestamp"] as string,
    "webhook-signature": headers["webhook-signature"] as string,
  });
  const valaraOnly = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("webhook-")));
  const event = verifyWebhook(entry.raw, valaraOnly, secret);
  assert.equal(event.event_id, headers["x-webhook-event-id"]);
  assert.equal(event.event_type, headers["x-webhook-event-type"]);
  assert.equal(headers["webhook-id"], event.event_id);
}

describe("webhook deliveries over real HTTP", () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  const receivers: Receiver[] = [];
  before(async () => {
    t = await startTestApp({ ...WEBHOOK_TEST_ENV, WEBHOOK_RETRY_SCHEDULE: "0.1,0.1,0.1" });
    admin = await makeUser(t, "admin");
  });
  after(async () => {
    await t.close();
    for (const receiver of receivers) await receiver.close();
  });

  /** A receiver and an endpoint of its own for `event_types`. */
  async function subscribe(eventTypes?: string[], respond?: Receiver["respond"]) {
    const receiver = await startReceiver(respond);
    receivers.push(receiver);
    const created = await send(
      t,
      "POST",
      "/api/v1/webhooks/endpoints",
      { url: receiver.url, ...(eventTypes ? { event_types: eventTypes } : {}) },
      { key: admin.key },
    );
    assert.equal(created.statusCode, 201, created.body);
    return { receiver, endpoint: created.json() as { id: string; secret: string } };
  }
  const ofUser = (userId: string, type: string) => (entry: Received) =>
    entry.body.event_type === type && entry.body.data.user_id === userId;
  const deliveriesOf = async (endpointId: string) =>
    (
      await send(t, "GET", `/api/v1/webhooks/endpoints/${endpointId}/deliveries?limit=200`, undefined, {
        key: admin.key,
      })
    ).json().data as Array<{
      id: string;
      event_id: string;
      status: string;
      attempts: number;
      last_response_status: number;
    }>;

  it("a PATCH delivers user.updated with its changes; both signatures verify", async () => {
    const { receiver, endpoint } = await subscribe(["user.updated"]);
    const agent = await makeUser(t);
    const patched = await patchUser(t, agent.id, { title: "Senior Agent" }, { key: agent.key });
    assert.equal(patched.statusCode, 200);
    const [entry] = (await receiver.waitFor((got) => got.some(ofUser(agent.id, "user.updated")))).filter(
      ofUser(agent.id, "user.updated"),
    );
    assert.ok(entry);
    assertSignedWith(entry, endpoint.secret);
    assert.match(entry.body.event_id, /^evt_/);
    assert.equal(entry.headers["content-type"], "application/json");
    assert.deepEqual(entry.body.data.changes, { title: { from: null, to: "Senior Agent" } });
    assert.deepEqual(entry.body.data.changed_fields, ["title"]);
    assert.equal(entry.body.data.actor_id, agent.id);
    assert.equal(entry.body.data.request_id, patched.headers["x-request-id"]);
    assert.match(String(entry.body.data.history_id), /^chg_\d+$/);
    assert.throws(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(
        entry.raw,
        entry.headers as Record<string, string>,
      ),
    );
  });

  it("a PUT deactivation delivers user.deactivated, reactivation user.reactivated; a sign-up user.signed_up", async () => {
    const { receiver, endpoint } = await subscribe(["user.signed_up", "user.deactivated", "user.reactivated"]);
    const email = `signup-${Date.now()}@example.com`;
    const signUp = await send(t, "POST", "/api/auth/sign-up/email", {
      email,
      password: "a-long-password-1",
      name: "New",
    });
    assert.equal(signUp.statusCode, 200, signUp.body);
    const id = signUp.json().user.id as string;
    const put = (body: unknown) => send(t, "PUT", `/api/v1/users/${id}`, body, { key: admin.key });
    assert.equal((await put({ is_active: false })).statusCode, 200);
    assert.equal((await put({ is_active: true })).statusCode, 200);
    assert.equal((await put({ account_status: "suspended" })).statusCode, 200);
    const got = await receiver.waitFor(
      (all) => all.filter((entry) => entry.body.data.user_id === id).length >= 4,
      10_000,
      "sign-up, deactivation, reactivation, suspension",
    );
    const mine = got.filter((entry) => entry.body.data.user_id === id);
    assert.deepEqual(
      mine.map((entry) => entry.body.event_type),
      ["user.signed_up", "user.deactivated", "user.reactivated", "user.deactivated"],
      "in commit order",
    );
    for (const entry of mine) assertSignedWith(entry, endpoint.secret);
    assert.equal(mine[0]?.body.data.email, email);
    assert.equal(mine[1]?.body.data.actor_id, admin.id);
    assert.equal(mine[1]?.body.data.role, "user");
    assert.ok(!got.some((entry) => entry.body.event_type === "user.updated"), "only the subscribed types");
  });

  it("500 twice then 200: one event id, three attempts, succeeded", async () => {
    const { receiver, endpoint } = await subscribe(["user.updated"], (_entry, index) => ({
      status: index < 2 ? 500 : 200,
    }));
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key });
    const got = await receiver.waitFor((all) => all.length >= 3);
    assert.equal(new Set(got.map((entry) => entry.body.event_id)).size, 1, "the same event id every attempt");
    assert.equal(new Set(got.map((entry) => entry.body.nonce)).size, 3, "a new nonce every attempt");
    for (const entry of got) assertSignedWith(entry, endpoint.secret);
    const [delivery] = await eventually(
      () => deliveriesOf(endpoint.id),
      ([first]) => first?.status === "succeeded",
      "the success to be recorded",
    );
    assert.equal(delivery?.attempts, 3);
    assert.equal(delivery?.last_response_status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.length, 3, "no attempt after the success");
  });

  it("never 2xx: dead after the schedule (4 attempts), then redeliver sends the same event again", async () => {
    const { receiver, endpoint } = await subscribe(["user.updated"], () => ({ status: 503 }));
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { city: "Dallas" }, { key: agent.key });
    await receiver.waitFor((all) => all.length >= 4);
    const [delivery] = await eventually(
      () => deliveriesOf(endpoint.id),
      ([first]) => first?.status === "dead",
      "the delivery to be dead",
    );
    assert.equal(delivery?.attempts, 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.length, 4, "nothing after dead");

    receiver.respond = () => ({ status: 200 });
    const again = await send(t, "POST", `/api/v1/webhooks/deliveries/${delivery?.id}/redeliver`, undefined, {
      key: admin.key,
    });
    assert.equal(again.statusCode, 202, again.body);
    const got = await receiver.waitFor((all) => all.length >= 5);
    assert.equal(got[4]?.body.event_id, got[0]?.body.event_id);
    await eventually(
      () => deliveriesOf(endpoint.id),
      ([first]) => first?.status === "succeeded",
      "the redelivery's success to be recorded",
    );
  });

  it("Retry-After is honoured, 410 Gone disables the endpoint, a redirect is a failed attempt", async () => {
    const answers: Array<{ status: number; headers?: Record<string, string> }> = [
      { status: 429, headers: { "retry-after": "1" } },
      { status: 302, headers: { location: "http://169.254.169.254/" } },
    ];
    const { receiver, endpoint } = await subscribe(
      ["user.updated"],
      (_entry, index) => answers[index] ?? { status: 410 },
    );
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { city: "Houston" }, { key: agent.key });
    const got = await receiver.waitFor((all) => all.length >= 3, 10_000);
    assert.ok((got[1]?.at ?? 0) - (got[0]?.at ?? 0) >= 900, "waited as Retry-After said (1 s), not the 0.1 s schedule");
    const state = await eventually(
      async () =>
        (await send(t, "GET", `/api/v1/webhooks/endpoints/${endpoint.id}`, undefined, { key: admin.key })).json(),
      (shown) => shown.enabled === false,
      "410 Gone to disable the endpoint",
    );
    assert.equal(state.disabled_reason, "gone");
    const [delivery] = await deliveriesOf(endpoint.id);
    assert.equal(delivery?.status, "dead");
    await patchUser(t, agent.id, { city: "El Paso" }, { key: agent.key });
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(receiver.received.length, 3, "a disabled endpoint receives nothing");
  });

  it("one user's events reach an endpoint in commit order, a later one waiting while an earlier is retried", async () => {
    const { receiver } = await subscribe(["user.updated"], (entry) => ({
      status: (entry.body.data.changes as { title?: { to: string } }).title?.to === "1" && !firstSeen++ ? 500 : 200,
    }));
    let firstSeen = 0;
    const agent = await makeUser(t);
    const titles = ["1", "2", "3", "4", "5", "6"];
    for (const title of titles) await patchUser(t, agent.id, { title }, { key: agent.key });
    const got = await receiver.waitFor(
      (all) => all.filter((entry) => entry.body.data.user_id === agent.id).length >= 7,
    );
    const order = got.map((entry) => (entry.body.data.changes as { title: { to: string } }).title.to);
    assert.deepEqual(order, ["1", ...titles], "event 1 failed once; 2..6 waited for its retry");
  });

  it("rotation: during the overlap both secrets verify, after it only the new one", async () => {
    const { receiver, endpoint } = await subscribe(["user.updated"]);
    const rotated = await send(t, "POST", `/api/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, undefined, {
      key: admin.key,
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const fresh = rotated.json().secret as string;
    assert.notEqual(fresh, endpoint.secret);
    assert.ok(Date.parse(rotated.json().previous_secret_expires_at) - Date.now() > 23.9 * 3600 * 1000);
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { title: "during" }, { key: agent.key });
    const [during] = await receiver.waitFor((all) => all.length >= 1);
    assert.ok(during);
    assert.equal(String(during.headers["webhook-signature"]).split(" ").length, 2, "one v1 entry per secret");
    new Webhook(endpoint.secret).verify(during.raw, during.headers as Record<string, string>);
    new Webhook(fresh).verify(during.raw, during.headers as Record<string, string>);
    verifyWebhook(during.raw, during.headers as Record<string, string>, endpoint.secret);
    assertSignedWith(during, fresh);

    // 24 hours later (the overlap's end, moved to the past).
    await t.services.database.db
      .updateTable("webhook_endpoint")
      .set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", endpoint.id)
      .execute();
    await patchUser(t, agent.id, { title: "after" }, { key: agent.key });
    const got = await receiver.waitFor((all) => all.length >= 2);
    const afterOverlap = got[1] as Received;
    assertSignedWith(afterOverlap, fresh);
    assert.throws(() =>
      new Webhook(endpoint.secret).verify(afterOverlap.raw, afterOverlap.headers as Record<string, string>),
    );
    assert.throws(() =>
      verifyWebhook(afterOverlap.raw, afterOverlap.headers as Record<string, string>, endpoint.secret),
    );
  });
});
