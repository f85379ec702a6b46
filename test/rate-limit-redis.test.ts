import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { RedisRateLimitStore } from "../src/rate-limit/redis-store.js";
import type { StoreLogger } from "../src/rate-limit/store.js";
import { errorOf, makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";

// The machine's Redis (CI and developers' machines run one on 6379); override with TEST_REDIS_URL.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const CLOSED_PORT_URL = "redis://127.0.0.1:6390";
const W = 60_000;
// One prefix per run, so that runs (and parallel test files) never share keys.
const RUN_PREFIX = `valara-test:${process.pid}:${Date.now().toString(36)}:`;
let prefixes = 0;
const newPrefix = () => `${RUN_PREFIX}${prefixes++}:`;

/** A logger that records what the store says. */
function recordingLogger() {
  const lines: { level: "warn" | "info"; message: string }[] = [];
  const logger: StoreLogger = {
    warn: (_object, message) => lines.push({ level: "warn", message }),
    info: (_object, message) => lines.push({ level: "info", message }),
  };
  return { logger, warnings: () => lines.filter((line) => line.level === "warn"), lines };
}

const rateHeaders = (response: { headers: Record<string, unknown> }) => ({
  limit: response.headers["x-rate-limit-limit"],
  remaining: response.headers["x-rate-limit-remaining"],
  reset: response.headers["x-rate-limit-reset"],
});

let admin: Redis;

before(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  try {
    await admin.connect();
    assert.equal(await admin.ping(), "PONG");
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(error as Error).message}); start it with ` +
        "`redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no`",
    );
  }
});

after(async () => {
  const keys: string[] = [];
  for await (const batch of admin.scanStream({ match: `${RUN_PREFIX}*`, count: 500 })) keys.push(...batch);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe("Redis store", () => {
  it("counts, refuses past the limit and slides exactly like the memory store", async () => {
    const clock = { now: 500 * W + 45_000 };
    const store = new RedisRateLimitStore(REDIS_URL, {
      prefix: newPrefix(),
      logger: recordingLogger().logger,
      clock: () => clock.now,
    });
    await store.ready(2_000);
    try {
      const t0 = clock.now;
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        clock.now = t0 + i * 10_000;
        const verdict = await store.hit("k", 3);
        assert.equal(verdict?.allowed, true);
        remaining.push(verdict!.remaining);
        assert.equal(verdict!.resetAt, t0 + W);
      }
      assert.deepEqual(remaining, [2, 1, 0]);
      clock.now = t0 + 30_000; // past the fixed minute's end
      assert.deepEqual(await store.hit("k", 3), {
        allowed: false,
        limit: 3,
        remaining: 0,
        resetAt: t0 + W,
        retryAfter: 30,
      });
      clock.now = t0 + W - 1;
      assert.equal((await store.hit("k", 3))?.allowed, false);
      clock.now = t0 + W;
      const admitted = await store.hit("k", 3);
      assert.deepEqual([admitted?.allowed, admitted?.remaining, admitted?.resetAt], [true, 0, t0 + 10_000 + W]);
      assert.equal((await store.hit("k", 3))?.allowed, false);

      // The log holds only the requests still in the window (refused ones are not logged).
      assert.equal(await store.client.llen(store.redisKey("k")), 3);
      const ttl = await store.client.pttl(store.redisKey("k"));
      assert.ok(ttl > 0 && ttl <= W + 1_000, `ttl ${ttl}`);
    } finally {
      await store.close();
    }
  });

  it("shares one budget between stores (processes) with the same prefix, and none across prefixes", async () => {
    const prefix = newPrefix();
    const { logger } = recordingLogger();
    const a = new RedisRateLimitStore(REDIS_URL, { prefix, logger });
    const b = new RedisRateLimitStore(REDIS_URL, { prefix, logger });
    const other = new RedisRateLimitStore(REDIS_URL, { prefix: newPrefix(), logger });
    await Promise.all([a.ready(2_000), b.ready(2_000), other.ready(2_000)]);
    try {
      assert.notEqual(a.client, b.client);
      assert.equal((await a.hit("write:PATCH /x:api_key:k1", 4))?.remaining, 3);
      assert.equal((await b.hit("write:PATCH /x:api_key:k1", 4))?.remaining, 2);
      assert.equal((await a.hit("write:PATCH /x:api_key:k1", 4))?.remaining, 1);
      assert.equal((await b.hit("write:PATCH /x:api_key:k1", 4))?.remaining, 0);
      assert.equal((await a.hit("write:PATCH /x:api_key:k1", 4))?.allowed, false);
      assert.equal((await b.hit("write:PATCH /x:api_key:k1", 4))?.allowed, false);
      assert.equal((await other.hit("write:PATCH /x:api_key:k1", 4))?.remaining, 3);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it("admits exactly `limit` of many concurrent requests from several clients (atomic)", async () => {
    const prefix = newPrefix();
    const { logger } = recordingLogger();
    const stores = Array.from({ length: 4 }, () => new RedisRateLimitStore(REDIS_URL, { prefix, logger }));
    await Promise.all(stores.map((store) => store.ready(2_000)));
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 200 }, (_, i) => stores[i % stores.length]!.hit("burst", 50)),
      );
      assert.equal(verdicts.filter((verdict) => verdict?.allowed).length, 50);
      const remainders = verdicts.filter((v) => v?.allowed).map((v) => v!.remaining);
      assert.deepEqual(
        remainders.sort((x, y) => x - y),
        Array.from({ length: 50 }, (_, i) => i),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("keeps its connection through a busy start-up (an event loop blocked while connecting)", async () => {
    const { logger, warnings } = recordingLogger();
    const store = new RedisRateLimitStore(REDIS_URL, { prefix: newPrefix(), logger });
    // Longer than the 500 ms command timeout: what loading modules and migrating on a loaded
    // machine did to the first connection's handshake.
    store.client.once("connect", () => {
      const until = Date.now() + 800;
      while (Date.now() < until) {}
    });
    await store.ready(2_000);
    try {
      assert.equal((await store.hit("k", 2))?.remaining, 1, JSON.stringify(warnings()));
      assert.deepEqual(warnings(), []);
    } finally {
      await store.close();
    }
  });

  it("fails open when Redis is unreachable, warning at most once per interval", async () => {
    const { logger, warnings } = recordingLogger();
    const store = new RedisRateLimitStore(CLOSED_PORT_URL, { prefix: newPrefix(), logger });
    await store.ready(300); // never ready: the wait ends at its timeout
    const started = Date.now();
    try {
      for (let i = 0; i < 50; i++) assert.equal(await store.hit("k", 1), null);
      assert.ok(Date.now() - started < 2_500, "unreachable Redis must not hold requests up");
      await sleep(400); // reconnection attempts fail meanwhile, and must not warn again
      assert.equal(await store.hit("k", 1), null);
      assert.equal(warnings().length, 1, JSON.stringify(warnings()));
      assert.match(warnings()[0]!.message, /Redis did not answer/);
    } finally {
      await store.close();
    }
  });

  it("warns again once the interval has passed while Redis stays unreachable", async () => {
    const { logger, warnings } = recordingLogger();
    const store = new RedisRateLimitStore(CLOSED_PORT_URL, { prefix: newPrefix(), logger, warnIntervalMs: 150 });
    try {
      const started = Date.now();
      while (Date.now() - started < 400) {
        assert.equal(await store.hit("k", 1), null);
        await sleep(10);
      }
      const count = warnings().length;
      assert.ok(count >= 2 && count <= 3, `${count} warnings in 400 ms at one per 150 ms`);
    } finally {
      await store.close();
    }
  });
});

/** A private redis-server that the test can stop and start again, on a free port. */
async function privateRedis() {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        await probe.quit();
        return;
      } catch {
        probe.disconnect();
        await sleep(50);
      }
    }
    throw new Error("private redis-server did not start");
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

describe("Redis outage and recovery", () => {
  it("serves unlimited while Redis is down and limits again once it is back", {
    skip: hasRedisServer ? false : "redis-server binary not installed",
  }, async () => {
    const redis = await privateRedis();
    await redis.start();
    const { logger, lines } = recordingLogger();
    const store = new RedisRateLimitStore(redis.url, { prefix: newPrefix(), logger });
    await store.ready(2_000);
    try {
      assert.equal((await store.hit("k", 1))?.allowed, true);
      assert.equal((await store.hit("k", 1))?.allowed, false);

      await redis.stop();
      await sleep(100);
      assert.equal(await store.hit("k", 1), null, "served while Redis is down");
      assert.equal(await store.hit("k", 1), null);

      await redis.start(); // a fresh, empty Redis
      const deadline = Date.now() + 10_000;
      let verdict = await store.hit("k", 1);
      while (verdict === null && Date.now() < deadline) {
        await sleep(100);
        verdict = await store.hit("k", 1);
      }
      assert.equal(verdict?.allowed, true, "limits resume once Redis is back");
      assert.equal((await store.hit("k", 1))?.allowed, false);
      assert.equal(lines.filter((line) => line.level === "warn").length, 1);
      assert.ok(lines.some((line) => line.level === "info" && /back on/.test(line.message)));
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});

describe("rate limits through the app with REDIS_URL", () => {
  let first: TestApp;
  let second: TestApp;
  const prefix = newPrefix();
  before(async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix, RATE_LIMIT_WRITE: "3" };
    first = await startTestApp(env);
    // A second instance on the same database (so the same credentials) and the same Redis.
    // One instance relays webhooks: on one SQLite file, two relays writing in the background
    // make the other instance's short-timeout writes (sign-up) meet a held write lock.
    second = await startTestApp({ ...env, DATABASE_URL: first.config.databaseUrl, WEBHOOKS_ENABLED: "false" });
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  it("limits through Redis: headers, 429 with Retry-After, keys under the prefix", async () => {
    const alice = await makeUser(first);
    const remaining: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await patchUser(first, alice.id, { title: `R${i}` }, { key: alice.key });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(rateHeaders(response).limit, "3");
      remaining.push(rateHeaders(response).remaining);
    }
    assert.deepEqual(remaining, ["2", "1", "0"]);
    const refused = await patchUser(first, alice.id, { title: "no" }, { key: alice.key });
    assert.equal(refused.statusCode, 429);
    assert.equal(errorOf(refused).code, "rate_limit_exceeded");
    assert.ok(Number(refused.headers["retry-after"]) >= 1);

    const keys = await admin.keys(`${prefix}*`);
    assert.deepEqual(keys, [`${prefix}write:PATCH /api/v1/users/:user_id:api_key:${alice.keyId}`]);
  });

  it("shares one budget between two app instances", async () => {
    const bob = await makeUser(first);
    assert.equal((await patchUser(first, bob.id, {}, { key: bob.key })).statusCode, 200);
    const onSecond = await patchUser(second, bob.id, {}, { key: bob.key });
    assert.equal(onSecond.statusCode, 200, onSecond.body);
    assert.equal(rateHeaders(onSecond).remaining, "1");
    assert.equal((await patchUser(first, bob.id, {}, { key: bob.key })).statusCode, 200);
    assert.equal((await patchUser(second, bob.id, {}, { key: bob.key })).statusCode, 429);
    assert.equal((await patchUser(first, bob.id, {}, { key: bob.key })).statusCode, 429);
    // Reading is a separate budget, shared too.
    const read = await send(second, "GET", "/api/v1/users/me", undefined, { key: bob.key });
    assert.equal(read.statusCode, 200);
    assert.equal(rateHeaders(read).limit, "600");
  });
});

describe("the app with Redis unreachable", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ REDIS_URL: CLOSED_PORT_URL, RATE_LIMIT_WRITE: "1", RATE_LIMIT_READ: "1" });
  });
  after(() => t.close());

  it("serves requests without limits (fail open)", async () => {
    const alice = await makeUser(t);
    for (let i = 0; i < 5; i++) {
      const response = await patchUser(t, alice.id, { title: `Open ${i}` }, { key: alice.key });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(rateHeaders(response).limit, undefined);
      const read = await send(t, "GET", "/api/v1/users/me", undefined, { key: alice.key });
      assert.equal(read.statusCode, 200);
    }
  });
});
