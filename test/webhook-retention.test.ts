import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { localStore } from "../src/webhooks/background-store.js";
import { RETENTION_MS, sweepOldEvents } from "../src/webhooks/webhook-background.js";
import { eventually } from "./support/eventually.js";
import { makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";
import { quietReporting, type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

describe("webhooks: retention, disabling a failing endpoint, metrics", () => {
  let t: TestApp;
  let receiver: Receiver;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  const logLines: Array<Record<string, unknown>> = [];
  before(async () => {
    t = await startTestApp(
      { ...WEBHOOK_TEST_ENV, WEBHOOK_RETRY_SCHEDULE: "0.1,0.1", LOG_LEVEL: "warn" },
      { logDestination: { write: (line: string) => logLines.push(JSON.parse(line)) } },
    );
    receiver = await startReceiver(() => ({ status: 500 }));
    admin = await makeUser(t, "admin");
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  it("an endpoint failing for 5 days without a success is disabled (logged, counted); a success clears the clock", async () => {
    const created = (
      await send(
        t,
        "POST",
        "/api/v1/webhooks/endpoints",
        { url: receiver.url, event_types: ["user.updated"] },
        { key: admin.key },
      )
    ).json();
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { title: "one" }, { key: agent.key });
    const endpoint = () =>
      t.services.database.db
        .selectFrom("webhook_endpoint")
        .selectAll()
        .where("id", "=", created.id)
        .executeTakeFirstOrThrow();
    const failingSinceMsAgo = (ms: number) =>
      t.services.database.db
        .updateTable("webhook_endpoint")
        .set({ failing_since: new Date(Date.now() - ms).toISOString() })
        .where("id", "=", created.id)
        .execute();
    const failed = await eventually(endpoint, (row) => row.failing_since !== null, "the first failure");
    assert.equal(failed.enabled, 1, "one failure is not five days");
    // Failing since five days and a minute ago: the next failed attempt disables it.
    await failingSinceMsAgo(5 * 24 * 3600 * 1000 + 60_000);
    await patchUser(t, agent.id, { title: "two" }, { key: agent.key });
    await eventually(endpoint, (row) => row.enabled === 0, "the endpoint to be disabled");
    const shown = (
      await send(t, "GET", `/api/v1/webhooks/endpoints/${created.id}`, undefined, { key: admin.key })
    ).json();
    assert.equal(shown.enabled, false);
    assert.equal(shown.disabled_reason, "failing");
    const metrics = await send(t, "GET", "/metrics");
    assert.match(metrics.body, /valara_webhook_endpoints_disabled_total\{reason="failing"\} 1/);
    assert.ok(
      logLines.some(
        (line) => line.msg === "webhook endpoint failing for 5 days: disabled" && line.endpointId === created.id,
      ),
      "the disabling is logged",
    );
    assert.match(metrics.body, /valara_webhook_attempts_total\{result="failure"\} \d+/);
    assert.match(metrics.body, /valara_webhook_pending_deliveries \d+/);
    assert.match(metrics.body, /valara_webhook_oldest_pending_age_seconds [\d.]+/);

    // Re-enabled, and answering: a success clears the failure clock. Enabling clears it too, so
    // the clock is set again (a failure since) before the event whose delivery must clear it.
    receiver.respond = () => ({ status: 200 });
    await send(t, "PATCH", `/api/v1/webhooks/endpoints/${created.id}`, { enabled: true }, { key: admin.key });
    assert.equal((await endpoint()).failing_since, null, "enabling clears the failure clock");
    await failingSinceMsAgo(3600 * 1000);
    await patchUser(t, agent.id, { title: "three" }, { key: agent.key });
    await receiver.waitFor((got) =>
      got.some((entry) => (entry.body.data.changes as { title?: { to: string } }).title?.to === "three"),
    );
    await eventually(endpoint, (row) => row.failing_since === null, "a success to clear the failure clock");
    assert.match((await send(t, "GET", "/metrics")).body, /valara_webhook_deliveries_total\{outcome="succeeded"\} \d+/);
  });

  it("the sweep removes events and deliveries past 30 days in batches and keeps the rest; cursors still work", async () => {
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { city: "Recent" }, { key: agent.key });
    const feed = async (after?: string) =>
      (
        await send(
          t,
          "GET",
          `/api/v1/events?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`,
          undefined,
          { key: admin.key },
        )
      ).json();
    const before = await eventually(
      () => feed(),
      (page) =>
        page.data.some(
          (e: { event_type: string; data: { user_id: string } }) =>
            e.event_type === "user.updated" && e.data.user_id === agent.id,
        ),
      "the events",
    );
    const old = new Date(Date.now() - RETENTION_MS - 3600_000).toISOString();
    const oldIds = before.data.slice(0, 3).map((event: { event_id: string }) => event.event_id);
    await t.services.database.db
      .updateTable("webhook_event")
      .set({ created_at: old })
      .where("id", "in", oldIds)
      .execute();
    await t.services.database.db
      .updateTable("webhook_delivery")
      .set({ created_at: old })
      .where("event_id", "in", oldIds)
      .execute();
    const removed = await sweepOldEvents(localStore(t.services.database, quietReporting()));
    assert.ok(removed >= 3, `removed ${removed}`);
    const afterSweep = await feed();
    assert.deepEqual(
      afterSweep.data.map((event: { event_id: string }) => event.event_id),
      before.data.slice(3).map((event: { event_id: string }) => event.event_id),
    );
    const remaining = await t.services.database.db
      .selectFrom("webhook_delivery")
      .select("id")
      .where("event_id", "in", oldIds)
      .execute();
    assert.deepEqual(remaining, []);
    // A cursor handed out before the sweep still reads on from where it was.
    const fromOldCursor = await feed(before.next_cursor);
    assert.equal(fromOldCursor.data.length, 0);
    assert.equal(typeof fromOldCursor.next_cursor, "string");
  });
});
