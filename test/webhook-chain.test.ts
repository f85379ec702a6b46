// recordAttempt's `next` (a worker's slot going straight on to the same user's next delivery),
// against a real database on each dialect: it claims only the head of that user's queue, only
// when due, unleased, at an enabled endpoint with room; never when the lease was lost.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices, type Services } from "../src/services.js";
import { type AttemptRecord, recordAttempt } from "../src/webhooks/delivery.repository.js";
import { newDelivery } from "../src/webhooks/webhook-relay.js";
import { insertEndpoint, insertEventsAndDeliveries } from "../src/webhooks/webhooks.repository.js";
import { createTestDatabase } from "./support/harness.js";

const OWNER = "wrk_test";
const LEASE_UNTIL = new Date(Date.now() + 60_000).toISOString();
const PAST = new Date(Date.now() - 60_000).toISOString();
const FUTURE = new Date(Date.now() + 3600_000).toISOString();

describe("recordAttempt going on to the same user's next delivery", () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-chain-"));
  let services: Services;
  let drop = async () => {};
  let endpoint = "";
  let seq = 0;
  before(async () => {
    const database = await createTestDatabase(dir);
    drop = database.drop;
    services = openServices(
      loadConfig({ DATABASE_URL: database.url, BETTER_AUTH_SECRET: "chain-secret-0123456789abcdef0123456789" }),
      createLogger("silent"),
      { cli: true },
    );
    await services.migrate();
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

  let lastPosition = 0;
  /** Deliveries of `userId` at the endpoint, one per `n`, in feed order, due now unless `at` says otherwise. */
  async function queue(userId: string, ns: number[], at = PAST) {
    const ids: string[] = [];
    for (const n of ns) {
      const position = ++lastPosition;
      const event = { id: `evt_${endpoint}_${userId}_${n}`, type: "user.updated" as const, userId, data: { n } };
      const delivery = { ...newDelivery(endpoint, event, position, PAST), next_attempt_at: at };
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
  const lease = (id: string, owner = OWNER, until = LEASE_UNTIL) =>
    services.database.db
      .updateTable("webhook_delivery")
      .set({ lease_owner: owner, locked_until: until })
      .where("id", "=", id)
      .execute();
  const row = (id: string) =>
    services.database.db.selectFrom("webhook_delivery").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const succeeded = (): AttemptRecord => ({
    status: "succeeded",
    attempts: 1,
    nextAttemptAt: new Date().toISOString(),
    lastStatus: 200,
    lastError: null,
    durationMs: 3,
    now: new Date().toISOString(),
  });
  const goOn = (userId: string, endpointCap = 4) => ({
    endpointId: endpoint,
    userId,
    leaseUntil: LEASE_UNTIL,
    endpointCap,
  });

  it("records the success and claims the user's next delivery, with its event and endpoint", async () => {
    const [first, second, third] = await queue("u1", [1, 2, 3]);
    await lease(first as string);
    const next = await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1"));
    assert.equal(next?.id, second);
    assert.equal(next?.user_id, "u1");
    assert.equal(next?.url, "https://receiver.example/hook");
    assert.deepEqual(JSON.parse(next?.data ?? "null"), { n: 2 });
    assert.equal((await row(first as string)).status, "succeeded");
    assert.equal((await row(first as string)).lease_owner, null);
    assert.equal((await row(second as string)).lease_owner, OWNER);
    assert.equal((await row(third as string)).lease_owner, null, "only the head");
  });

  it("takes the slot of the delivery it recorded: an endpoint at its cap of one still goes on", async () => {
    const [first, second] = await queue("u1", [1, 2]);
    await lease(first as string);
    const next = await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1", 1));
    assert.equal(next?.id, second);
  });

  it("never past the cap: another delivery leased at an endpoint with a cap of one", async () => {
    const [first, second] = await queue("u1", [1, 2]);
    const [other] = await queue("u2", [1]);
    await lease(first as string);
    await lease(other as string, "wrk_other");
    const next = await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1", 1));
    assert.equal(next, null);
    assert.equal((await row(second as string)).lease_owner, null);
  });

  it("claims nothing when the user's head is not due, or leased elsewhere, or when the queue is empty", async () => {
    const [first, waiting] = await queue("u1", [1, 2]);
    await services.database.db
      .updateTable("webhook_delivery")
      .set({ status: "failed", next_attempt_at: FUTURE })
      .where("id", "=", waiting as string)
      .execute();
    await lease(first as string);
    assert.equal(await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1")), null);
    assert.equal((await row(waiting as string)).lease_owner, null);

    const [a, b] = await queue("u2", [1, 2]);
    await lease(a as string);
    await lease(b as string, "wrk_other");
    assert.equal(await recordAttempt(services.database, a as string, OWNER, succeeded(), goOn("u2")), null);
    assert.equal((await row(b as string)).lease_owner, "wrk_other");
  });

  it("keeps per-user order: the head is the earliest not final (a redelivered one), never the one after", async () => {
    const [first, second, third] = await queue("u1", [1, 2, 3]);
    // `second` is in flight; `first` was redelivered meanwhile and is pending again, earlier.
    await lease(second as string);
    const next = await recordAttempt(services.database, second as string, OWNER, succeeded(), goOn("u1"));
    assert.equal(next?.id, first);
    assert.equal((await row(third as string)).lease_owner, null);
  });

  it("never another user's delivery, and nothing at a disabled endpoint", async () => {
    const [first] = await queue("u1", [1]);
    const [others] = await queue("u2", [1]);
    await lease(first as string);
    assert.equal(await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1")), null);
    assert.equal((await row(others as string)).lease_owner, null);

    const [a, b] = await queue("u3", [1, 2]);
    await lease(a as string);
    await services.database.db.updateTable("webhook_endpoint").set({ enabled: 0 }).where("id", "=", endpoint).execute();
    assert.equal(await recordAttempt(services.database, a as string, OWNER, succeeded(), goOn("u3")), null);
    assert.equal((await row(b as string)).lease_owner, null);
  });

  it("writes nothing and claims nothing once the lease was lost to another worker", async () => {
    const [first, second] = await queue("u1", [1, 2]);
    await lease(first as string, "wrk_other");
    assert.equal(await recordAttempt(services.database, first as string, OWNER, succeeded(), goOn("u1")), null);
    assert.equal((await row(first as string)).status, "pending");
    assert.equal((await row(second as string)).lease_owner, null);
  });
});
