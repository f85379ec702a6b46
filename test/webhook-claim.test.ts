// A delivery cycle's write (background-store.ts `cycle`) against a real database on each dialect:
// the outcomes recorded and the leases given back before the claim, and the claim of runs (each
// user's first deliveries in feed order) that keeps per-user order and the endpoint's cap.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices, type Services } from "../src/services.js";
import { type BackgroundStore, type CycleWrite, localStore } from "../src/webhooks/background-store.js";
import type { ClaimedDelivery, RunClaim } from "../src/webhooks/delivery.repository.js";
import type { SendResult } from "../src/webhooks/webhook-http.js";
import { newDelivery } from "../src/webhooks/webhook-relay.js";
import { insertEndpoint, insertEventsAndDeliveries } from "../src/webhooks/webhooks.repository.js";
import { createTestDatabase } from "./support/harness.js";
import { quietReporting } from "./support/webhook-receiver.js";

const OWNER = "wrk_test";
const PAST = new Date(Date.now() - 60_000).toISOString();
const FUTURE = new Date(Date.now() + 3600_000).toISOString();
const SCHEDULE = [5, 300];

describe("a delivery cycle's write: outcomes, then claims of runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-claim-"));
  let services: Services;
  let store: BackgroundStore;
  let drop = async () => {};
  let endpoint = "";
  let seq = 0;
  let lastPosition = 0;
  before(async () => {
    const database = await createTestDatabase(dir);
    drop = database.drop;
    services = openServices(
      loadConfig({ DATABASE_URL: database.url, BETTER_AUTH_SECRET: "claim-secret-0123456789abcdef0123456789" }),
      createLogger("silent"),
      { cli: true },
    );
    await services.migrate();
    store = localStore(services.database, quietReporting());
  });
  after(async () => {
    await services.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    endpoint = `we_${++seq}`;
    await insertEndpoint(services.database.db, {
      id: endpoint,
      url: "https://receiver.example/hook",
      description: null,
      event_types: null,
      enabled: 1,
      disabled_reason: null,
      secret: "whsec_c2VjcmV0",
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: PAST,
      updated_at: PAST,
    });
  });

  /** Deliveries at the endpoint, one per `n`, in feed order; of `userId` (null: a test event). */
  async function queue(userId: string | null, ns: number[]) {
    const ids: string[] = [];
    for (const n of ns) {
      const position = ++lastPosition;
      const event = {
        id: `evt_${endpoint}_${userId}_${n}`,
        type: userId ? ("user.updated" as const) : ("webhook.test" as const),
        userId,
        data: { n },
      };
      const delivery = newDelivery(endpoint, event, position, PAST);
      await insertEventsAndDeliveries(
        services.database.db,
        [
          {
            id: event.id,
            position,
            type: event.type,
            user_id: userId,
            data: JSON.stringify(event.data),
            created_at: PAST,
          },
        ],
        [delivery],
      );
      ids.push(delivery.id);
    }
    return ids;
  }
  const set = (id: string, values: Record<string, unknown>) =>
    services.database.db.updateTable("webhook_delivery").set(values).where("id", "=", id).execute();
  const lease = (id: string, owner = OWNER) => set(id, { lease_owner: owner, locked_until: FUTURE });
  const row = (id: string) =>
    services.database.db.selectFrom("webhook_delivery").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const claim = (users: number, runLength = 3, endpointCap = 4): RunClaim => ({
    owner: OWNER,
    endpointId: endpoint,
    now: new Date().toISOString(),
    leaseUntil: FUTURE,
    users,
    runLength,
    endpointCap,
  });
  const cycle = (write: Partial<CycleWrite>) =>
    store.cycle({ owner: OWNER, schedule: SCHEDULE, outcomes: [], toRelease: [], claims: [], aborted: 0, ...write });
  const ids = (claimed: ClaimedDelivery[]) => claimed.map((delivery) => delivery.id).sort();
  const answered = (status: number | null): SendResult => ({
    status,
    durationMs: 3,
    retryAfterSeconds: null,
    error: status === 200 ? null : "HTTP 500",
  });

  it("claims each user's first deliveries in feed order, with their event and endpoint, for up to `users` users", async () => {
    const u1 = await queue("u1", [1, 2, 3, 4]);
    const u2 = await queue("u2", [1, 2]);
    const u3 = await queue("u3", [1]);
    const { claimed } = await cycle({ claims: [claim(2, 3)] });
    // The two users whose earliest is due first: u1 and u2; u1's run stops at three.
    assert.deepEqual(ids(claimed), [...u1.slice(0, 3), ...u2].sort());
    const first = claimed.find((delivery) => delivery.id === u1[0]);
    assert.equal(first?.url, "https://receiver.example/hook");
    assert.deepEqual(JSON.parse(first?.data ?? "null"), { n: 1 });
    assert.equal((await row(u1[3] as string)).lease_owner, null, "past the run's length");
    assert.equal((await row(u3[0] as string)).lease_owner, null, "a third user");
  });

  it("never takes a user while one of their deliveries is leased", async () => {
    const [first, second] = await queue("u1", [1, 2]);
    await lease(second as string, "wrk_other");
    const { claimed } = await cycle({ claims: [claim(4)] });
    assert.deepEqual(claimed, []);
    assert.equal((await row(first as string)).lease_owner, null);
  });

  it("stops a run before a delivery that is not due, and takes nobody whose earliest is not due", async () => {
    const [a, b, c] = await queue("u1", [1, 2, 3]);
    await set(b as string, { status: "failed", attempts: 1, next_attempt_at: FUTURE });
    const [d, e] = await queue("u2", [1, 2]);
    await set(d as string, { status: "failed", attempts: 1, next_attempt_at: FUTURE });
    const { claimed } = await cycle({ claims: [claim(4)] });
    assert.deepEqual(ids(claimed), [a as string], "c waits behind b; u2 waits behind d");
    assert.equal((await row(c as string)).lease_owner, null);
    assert.equal((await row(e as string)).lease_owner, null);
  });

  it("counts other workers' runs against the endpoint's cap, and claims nothing at a disabled endpoint", async () => {
    const [busy] = await queue("u1", [1]);
    await lease(busy as string, "wrk_other");
    await queue("u2", [1]);
    assert.deepEqual((await cycle({ claims: [claim(4, 3, 1)] })).claimed, [], "one run elsewhere, a cap of one");
    assert.equal((await cycle({ claims: [claim(4, 3, 2)] })).claimed.length, 1);

    await queue("u3", [1]);
    await services.database.db.updateTable("webhook_endpoint").set({ enabled: 0 }).where("id", "=", endpoint).execute();
    assert.deepEqual(
      (await store.endpointsWithRoom(new Date().toISOString(), 4, OWNER)).map((e) => e.id).includes(endpoint),
      false,
    );
  });

  it("makes each delivery of no user (webhook.test) a run of its own", async () => {
    const tests = await queue(null, [1, 2]);
    const { claimed } = await cycle({ claims: [claim(1)] });
    assert.equal(claimed.length, 1);
    assert.ok(tests.includes((claimed[0] as ClaimedDelivery).id));
  });

  it("records outcomes and gives leases back before it claims: the user's next run starts after a success", async () => {
    const run = await queue("u1", [1, 2, 3, 4, 5]);
    const { claimed } = await cycle({ claims: [claim(1, 2)] });
    assert.deepEqual(ids(claimed), run.slice(0, 2).sort());
    const [first, second] = claimed.sort((x, y) => Number(x.position) - Number(y.position)) as ClaimedDelivery[];
    // The first succeeded; the run stopped before the second (shut down): given back, claimed again.
    const next = await cycle({
      outcomes: [{ delivery: first as ClaimedDelivery, result: answered(200), at: new Date() }],
      toRelease: [(second as ClaimedDelivery).id],
      claims: [claim(1, 2)],
    });
    assert.deepEqual(
      next.recorded.map((r) => r.status),
      ["succeeded"],
    );
    assert.equal((await row(run[0] as string)).status, "succeeded");
    assert.equal((await row(run[0] as string)).lease_owner, null);
    assert.deepEqual(ids(next.claimed), run.slice(1, 3).sort());
  });

  it("a failure is retried on the schedule and holds the user's later deliveries back", async () => {
    const run = await queue("u1", [1, 2, 3]);
    const { claimed } = await cycle({ claims: [claim(1, 3)] });
    const [first] = claimed.sort((x, y) => Number(x.position) - Number(y.position)) as ClaimedDelivery[];
    const next = await cycle({
      outcomes: [{ delivery: first as ClaimedDelivery, result: answered(500), at: new Date() }],
      toRelease: run.slice(1),
      claims: [claim(1, 3)],
    });
    assert.deepEqual(
      next.recorded.map((r) => r.status),
      ["failed"],
    );
    const failed = await row(run[0] as string);
    assert.equal(failed.attempts, 1);
    assert.ok(failed.next_attempt_at > new Date(Date.now() + 3_000).toISOString(), "about 5 s later");
    assert.deepEqual(next.claimed, [], "the user waits for the retry");
    const endpointRow = await services.database.db
      .selectFrom("webhook_endpoint")
      .selectAll()
      .where("id", "=", endpoint)
      .executeTakeFirstOrThrow();
    assert.notEqual(endpointRow.failing_since, null, "the failure clock started");
  });

  it("counts the outcomes it records and the attempts a shutdown cut short, as they commit", async () => {
    const [first, second] = await queue("u1", [1, 2]);
    const reporting = quietReporting();
    const counted = localStore(services.database, reporting);
    const { claimed } = await counted.cycle({
      owner: OWNER,
      schedule: SCHEDULE,
      outcomes: [],
      toRelease: [],
      claims: [claim(1, 2)],
      aborted: 0,
    });
    const head = claimed.find((delivery) => delivery.id === first) as ClaimedDelivery;
    await counted.cycle({
      owner: OWNER,
      schedule: SCHEDULE,
      outcomes: [{ delivery: head, result: answered(200), at: new Date() }],
      toRelease: [second as string],
      claims: [],
      aborted: 1,
    });
    const metrics = await reporting.metrics.registry.metrics();
    assert.match(metrics, /valara_webhook_deliveries_total\{outcome="succeeded"\} 1/);
    assert.match(metrics, /valara_webhook_attempts_total\{result="success"\} 1/);
    assert.match(metrics, /valara_webhook_attempts_total\{result="aborted"\} 1/);
    assert.equal((await row(second as string)).lease_owner, null);
  });

  it("records nothing for a delivery whose lease another worker holds now", async () => {
    const [only] = await queue("u1", [1]);
    const { claimed } = await cycle({ claims: [claim(1)] });
    await lease(only as string, "wrk_other");
    const next = await cycle({
      outcomes: [{ delivery: claimed[0] as ClaimedDelivery, result: answered(200), at: new Date() }],
    });
    assert.deepEqual(next.recorded, []);
    assert.equal((await row(only as string)).status, "pending");
    assert.equal((await row(only as string)).lease_owner, "wrk_other");
  });
});
