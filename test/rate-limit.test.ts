import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { MemoryRateLimitStore } from "../src/rate-limit/memory-store.js";
import { errorOf, makeUser, patchUser, send, startTestApp, storedUser, type TestApp } from "./support/harness.js";

const W = 60_000;

/** The three headers as numbers; fails when any is missing. */
function limitHeaders(response: LightMyRequestResponse) {
  const read = (name: string) => {
    const value = response.headers[name];
    assert.equal(typeof value, "string", `${name} missing (status ${response.statusCode})`);
    assert.match(value as string, /^\d+$/, `${name} is not a whole number: ${value}`);
    return Number(value);
  };
  return {
    limit: read("x-rate-limit-limit"),
    remaining: read("x-rate-limit-remaining"),
    reset: read("x-rate-limit-reset"),
  };
}

function assertNoLimitHeaders(response: LightMyRequestResponse) {
  for (const name of ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "retry-after"]) {
    assert.equal(response.headers[name], undefined, `${name} should be absent`);
  }
}

describe("rate limits through the app (in memory)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ RATE_LIMIT_WRITE: "3", RATE_LIMIT_READ: "5" });
  });
  after(() => t.close());

  it("counts down on every limited response, then answers 429 with Retry-After and does nothing", async () => {
    const alice = await makeUser(t);
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = Math.floor(Date.now() / 1000);
      const response = await patchUser(t, alice.id, { title: `Agent ${i}` }, { key: alice.key });
      assert.equal(response.statusCode, 200, response.body);
      const headers = limitHeaders(response);
      assert.equal(headers.limit, 3);
      remaining.push(headers.remaining);
      assert.ok(headers.reset > before && headers.reset <= before + 62, `reset ${headers.reset} vs now ${before}`);
      assert.equal(response.headers["retry-after"], undefined);
    }
    assert.deepEqual(remaining, [2, 1, 0]);

    const now = Date.now() / 1000;
    const refused = await patchUser(t, alice.id, { title: "Over the limit" }, { key: alice.key });
    assert.equal(refused.statusCode, 429, refused.body);
    const error = errorOf(refused);
    assert.equal(error.code, "rate_limit_exceeded");
    assert.equal(error.details.limit, 3);
    const retryAfter = refused.headers["retry-after"];
    assert.match(String(retryAfter), /^\d+$/);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 61, `Retry-After ${retryAfter}`);
    const headers = limitHeaders(refused);
    assert.equal(headers.limit, 3);
    assert.equal(headers.remaining, 0);
    // Reset and Retry-After name the same moment (within a second of rounding).
    assert.ok(Math.abs(headers.reset - (now + Number(retryAfter))) <= 1.5, `${headers.reset} vs ${retryAfter}`);
    // Nothing was written.
    assert.equal((await storedUser(t, alice.id))?.title, "Agent 2");

    // Still refused: refused requests do not extend anything, but do not slip through either.
    const again = await patchUser(t, alice.id, {}, { key: alice.key });
    assert.equal(again.statusCode, 429);
  });

  it("keeps each credential's budget to itself", async () => {
    const alice = await makeUser(t);
    const bob = await makeUser(t);
    for (let i = 0; i < 3; i++) assert.equal((await patchUser(t, alice.id, {}, { key: alice.key })).statusCode, 200);
    assert.equal((await patchUser(t, alice.id, {}, { key: alice.key })).statusCode, 429);

    const response = await patchUser(t, bob.id, { title: "Unaffected" }, { key: bob.key });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(limitHeaders(response).remaining, 2);
  });

  it("keeps reading and writing on separate budgets, and each route on its own", async () => {
    const alice = await makeUser(t);
    for (let i = 0; i < 3; i++) await patchUser(t, alice.id, {}, { key: alice.key });
    assert.equal((await patchUser(t, alice.id, {}, { key: alice.key })).statusCode, 429);

    const read = await send(t, "GET", `/api/v1/users/${alice.id}`, undefined, { key: alice.key });
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual([limitHeaders(read).limit, limitHeaders(read).remaining], [5, 4]);

    for (let i = 0; i < 4; i++) await send(t, "GET", `/api/v1/users/${alice.id}`, undefined, { key: alice.key });
    const sixth = await send(t, "GET", `/api/v1/users/${alice.id}`, undefined, { key: alice.key });
    assert.equal(sixth.statusCode, 429);
    assert.equal(errorOf(sixth).code, "rate_limit_exceeded");

    // GET /me is another endpoint with a budget of its own.
    const me = await send(t, "GET", "/api/v1/users/me", undefined, { key: alice.key });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(limitHeaders(me).remaining, 4);
  });

  it("counts HEAD against its GET route's budget", async () => {
    const alice = await makeUser(t);
    await send(t, "GET", "/api/v1/users/me", undefined, { key: alice.key });
    const head = await t.app.inject({
      method: "HEAD",
      url: "/api/v1/users/me",
      headers: { authorization: `Bearer ${alice.key}` },
    });
    assert.equal(limitHeaders(head).remaining, 3);
  });

  it("gives each API key of the same user its own budget", async () => {
    const alice = await makeUser(t);
    for (let i = 0; i < 3; i++) await patchUser(t, alice.id, {}, { key: alice.key });
    assert.equal((await patchUser(t, alice.id, {}, { key: alice.key })).statusCode, 429);
    const { createApiKey } = await import("../src/cli/api-keys.commands.js");
    const second = await createApiKey(t.services, { user: alice.id });
    const response = await patchUser(t, alice.id, {}, { key: second.key });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(limitHeaders(response).remaining, 2);
  });

  it("puts the headers on errors answered after the limiter, and counts those requests", async () => {
    const alice = await makeUser(t);
    const bob = await makeUser(t);
    const invalid = await patchUser(t, alice.id, { no_such_field: 1 }, { key: alice.key });
    assert.equal(invalid.statusCode, 422, invalid.body);
    assert.equal(limitHeaders(invalid).remaining, 2);

    const forbidden = await patchUser(t, bob.id, { title: "x" }, { key: alice.key });
    assert.equal(forbidden.statusCode, 403, forbidden.body);
    assert.equal(limitHeaders(forbidden).remaining, 1);

    const malformed = await patchUser(t, alice.id, "{not json", { key: alice.key });
    assert.equal(malformed.statusCode, 422, malformed.body);
    assert.equal(limitHeaders(malformed).remaining, 0);

    assert.equal((await patchUser(t, alice.id, {}, { key: alice.key })).statusCode, 429);
  });

  it("does not count or label requests that fail authentication", async () => {
    const alice = await makeUser(t);
    const unauthenticated = await patchUser(t, alice.id, {}, { key: "vk_not-a-real-key" });
    assert.equal(unauthenticated.statusCode, 401);
    assertNoLimitHeaders(unauthenticated);
    const response = await patchUser(t, alice.id, {}, { key: alice.key });
    assert.equal(limitHeaders(response).remaining, 2);
  });
});

describe("a limit of 0", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ RATE_LIMIT_WRITE: "0", RATE_LIMIT_READ: "2" });
  });
  after(() => t.close());

  it("turns that budget off (no headers, no 429) and leaves the others on", async () => {
    const alice = await makeUser(t);
    for (let i = 0; i < 10; i++) {
      const response = await patchUser(t, alice.id, { title: `T${i}` }, { key: alice.key });
      assert.equal(response.statusCode, 200, response.body);
      assertNoLimitHeaders(response);
    }
    const read = await send(t, "GET", "/api/v1/users/me", undefined, { key: alice.key });
    assert.equal(limitHeaders(read).limit, 2);
  });
});

describe("the sliding window (memory store, injected clock)", () => {
  const clocked = (start: number) => {
    const clock = { now: start };
    const store = new MemoryRateLimitStore({ clock: () => clock.now, sweepIntervalMs: 0 });
    return { clock, store };
  };

  it("frees each slot exactly 60 s after the request that spent it, not at a window boundary", () => {
    const t0 = 100 * W + 45_000; // late in a fixed minute: a fixed window would reset 15 s later
    const { clock, store } = clocked(t0);
    const first = store.hitNow("k", 3);
    assert.deepEqual(first, { allowed: true, limit: 3, remaining: 2, resetAt: t0 + W, retryAfter: 0 });
    clock.now = t0 + 10_000;
    assert.equal(store.hitNow("k", 3).remaining, 1);
    clock.now = t0 + 20_000;
    const third = store.hitNow("k", 3);
    assert.deepEqual([third.remaining, third.resetAt], [0, t0 + W]);

    clock.now = t0 + 30_000; // past the fixed minute's end: still three in the last 60 s
    const refused = store.hitNow("k", 3);
    assert.deepEqual(refused, { allowed: false, limit: 3, remaining: 0, resetAt: t0 + W, retryAfter: 30 });
    clock.now = t0 + W - 1;
    assert.equal(store.hitNow("k", 3).allowed, false);
    clock.now = t0 + W; // the first request leaves the window: exactly one slot frees
    const admitted = store.hitNow("k", 3);
    assert.deepEqual([admitted.allowed, admitted.remaining, admitted.resetAt], [true, 0, t0 + 10_000 + W]);
    assert.equal(store.hitNow("k", 3).allowed, false);
    clock.now = t0 + 10_000 + W;
    assert.equal(store.hitNow("k", 3).allowed, true);
  });

  it("does not count refused requests, so hammering does not push the reset back", () => {
    const { clock, store } = clocked(5 * W);
    for (let i = 0; i < 3; i++) store.hitNow("k", 3);
    for (let i = 1; i <= 50; i++) {
      clock.now = 5 * W + i * 1_000;
      assert.equal(store.hitNow("k", 3).resetAt, 6 * W);
    }
    clock.now = 6 * W;
    assert.equal(store.hitNow("k", 3).allowed, true);
  });

  it("forgets everything after a quiet window", () => {
    const { clock, store } = clocked(7 * W + 123);
    for (let i = 0; i < 3; i++) store.hitNow("k", 3);
    clock.now += W;
    const fresh = store.hitNow("k", 3);
    assert.deepEqual([fresh.allowed, fresh.remaining], [true, 2]);
  });

  it("answers a lowered limit by refusing until enough requests have left", () => {
    const { clock, store } = clocked(9 * W);
    for (let i = 0; i < 5; i++) {
      clock.now = 9 * W + i * 1_000;
      store.hitNow("k", 5);
    }
    // Limit now 2: 5 count, so 4 must leave before one more fits; the 4th was at +3 s.
    const refused = store.hitNow("k", 2);
    assert.deepEqual([refused.allowed, refused.resetAt], [false, 9 * W + 3_000 + W]);
    clock.now = refused.resetAt;
    assert.equal(store.hitNow("k", 2).allowed, true);
  });

  it("admits at most `limit` in any 60 s span and names in resetAt the first moment a refused caller gets in (randomised)", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const limit = 1 + Math.floor(random() * 20);
      const { clock, store } = clocked(1_000 * W + Math.floor(random() * W));
      const admitted: number[] = [];
      let checked = 0;
      for (let step = 0; step < 300 && checked < 5; step++) {
        clock.now += Math.floor(random() * (W / limit) * 2);
        const verdict = store.hitNow("k", limit);
        if (verdict.allowed) admitted.push(clock.now);
        const inWindow = admitted.filter((at) => at > clock.now - W).length;
        assert.equal(verdict.remaining, verdict.allowed ? limit - inWindow : 0, `round ${round}`);
        assert.ok(inWindow <= limit);
        assert.ok(verdict.resetAt > clock.now && verdict.resetAt <= clock.now + W);
        if (verdict.allowed) continue;
        checked += 1;
        assert.equal(verdict.retryAfter, Math.max(1, Math.ceil((verdict.resetAt - clock.now) / 1000)));
        clock.now = verdict.resetAt - 1;
        assert.equal(store.hitNow("k", limit).allowed, false, `round ${round}: admitted before resetAt`);
        clock.now = verdict.resetAt;
        assert.equal(store.hitNow("k", limit).allowed, true, `round ${round}: refused at resetAt`);
        admitted.push(clock.now);
      }
    }
  });

  it("keeps a separate log per key", () => {
    const { store } = clocked(3 * W);
    for (let i = 0; i < 3; i++) store.hitNow("a", 3);
    assert.equal(store.hitNow("a", 3).allowed, false);
    assert.equal(store.hitNow("b", 3).remaining, 2);
  });

  it("never lets a clock that steps back reorder a log", () => {
    const { clock, store } = clocked(20 * W);
    store.hitNow("k", 2);
    clock.now = 20 * W - 30_000;
    const verdict = store.hitNow("k", 2);
    assert.deepEqual([verdict.allowed, verdict.remaining, verdict.resetAt], [true, 0, 21 * W]);
  });
});

describe("memory store bounds", () => {
  it("sweeps keys with nothing left in the window", () => {
    const clock = { now: 10 * W };
    const store = new MemoryRateLimitStore({ clock: () => clock.now, sweepIntervalMs: 0 });
    for (let i = 0; i < 1_000; i++) store.hitNow(`key-${i}`, 5);
    assert.equal(store.size, 1_000);
    clock.now += W - 1; // still counted
    assert.equal(store.sweep(), 0);
    store.hitNow("key-late", 5);
    clock.now += 1; // the first thousand have left the window
    assert.equal(store.sweep(), 1_000);
    assert.equal(store.size, 1);
  });

  it("keeps no more than `limit` times per key however hard it is hit", () => {
    const clock = { now: 10 * W };
    const store = new MemoryRateLimitStore({ clock: () => clock.now, sweepIntervalMs: 0 });
    for (let i = 0; i < 100_000; i++) {
      clock.now = 10 * W + Math.floor(i / 2_000) * 1_000; // over 50 s
      store.hitNow("k", 5);
    }
    // Refused requests leave no trace: five admitted at the start, the rest refused.
    clock.now = 11 * W;
    assert.equal(store.hitNow("k", 5).remaining, 4);
  });

  it("never holds more than maxKeys keys", () => {
    const store = new MemoryRateLimitStore({ maxKeys: 50, sweepIntervalMs: 0 });
    for (let i = 0; i < 1_000; i++) store.hitNow(`key-${i}`, 5);
    assert.equal(store.size, 50);
    // The newest keys are the ones kept.
    assert.equal(store.hitNow("key-999", 5).remaining, 3);
  });

  it("sweeps on its own timer", async () => {
    const clock = { now: 10 * W };
    const store = new MemoryRateLimitStore({ clock: () => clock.now, sweepIntervalMs: 5 });
    store.hitNow("k", 5);
    clock.now += 3 * W;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(store.size, 0);
    await store.close();
  });
});
