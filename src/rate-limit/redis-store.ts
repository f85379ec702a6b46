import { Redis, type RedisOptions, type Result } from "ioredis";
import { DEFAULT_WINDOW_MS, type RateLimitVerdict, verdictOf } from "./sliding-window.js";
import type { Clock, RateLimitStore, StoreLogger } from "./store.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** HIT_SCRIPT: resolves to [admitted 0|1, count, now, freeAt]. */
    valaraRateLimitHit(key: string, now: number, windowMs: number, limit: number): Result<number[], Context>;
  }
}

/**
 * One request against one key's log, atomically (a script runs alone in Redis); the same steps as
 * MemoryRateLimitStore.hitNow. The log is a list of admitted request times in ms, newest at the
 * head (LPUSH), so expired times leave from the tail. Times never go backwards within a log (an
 * instance whose clock lags uses the newest time logged). The key expires a window (plus a second
 * of slack) after its newest request.
 */
const HIT_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local newest = redis.call('LINDEX', key, 0)
if newest and tonumber(newest) > now then now = tonumber(newest) end
local horizon = now - window
local oldest = redis.call('LINDEX', key, -1)
while oldest and tonumber(oldest) <= horizon do
  redis.call('RPOP', key)
  oldest = redis.call('LINDEX', key, -1)
end
local count = redis.call('LLEN', key)
local admitted = 0
if count < limit then
  redis.call('LPUSH', key, now)
  redis.call('PEXPIRE', key, window + 1000)
  count = count + 1
  admitted = 1
end
local freeing = redis.call('LINDEX', key, -math.max(1, count - limit + 1))
return {admitted, count, now, (tonumber(freeing) or now) + window}
`;

/**
 * Client settings for a limiter that must never hold a request up: no offline queue (while
 * disconnected a command fails at once instead of waiting), no command retries, a short command
 * timeout, and reconnection forever with a capped back-off so that limits resume by themselves.
 * No commands on connecting (no ready check's INFO, no RESP3 HELLO, no CLIENT SETINFO): the
 * command timeout applies to them too, and a start-up that kept the event loop busy for half a
 * second (loading modules, migrating on a loaded machine) made them time out, so ioredis dropped
 * a healthy connection and the first requests ran without limits. RESP2 is all the script needs;
 * a Redis still loading its data answers LOADING, which fails open like any other error. (A
 * password in REDIS_URL still sends AUTH on connecting.)
 */
export const REDIS_CLIENT_OPTIONS: RedisOptions = {
  enableReadyCheck: false,
  protocol: 2,
  disableClientInfo: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

export interface RedisStoreOptions {
  /** Prefix of every key; stores with the same prefix share budgets. */
  prefix: string;
  logger: StoreLogger;
  windowMs?: number;
  clock?: Clock;
  /** At most one warning per this many milliseconds while Redis is unreachable. */
  warnIntervalMs?: number;
}

/**
 * Rate-limit counts in Redis, one budget across every process that shares the Redis and the prefix.
 * When Redis cannot answer, `hit` resolves to null (the request is served: fail open) and a warning
 * is logged at most once per `warnIntervalMs`; limits resume as soon as the client reconnects.
 *
 * Times come from this process's clock (instances are assumed NTP-synchronised; a lagging clock
 * cannot reorder a log, see HIT_SCRIPT).
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #logger: StoreLogger;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #warnIntervalMs: number;
  #lastWarnAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;
  /** An outage was warned about and its end not yet logged. */
  #warned = false;

  /** `client`: a redis:// URL (the store then owns the connection) or an ioredis client. */
  constructor(client: string | Redis, options: RedisStoreOptions) {
    this.#ownsClient = typeof client === "string";
    this.client = typeof client === "string" ? new Redis(client, REDIS_CLIENT_OPTIONS) : client;
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    this.#windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.#clock = options.clock ?? Date.now;
    this.#warnIntervalMs = options.warnIntervalMs ?? 10_000;
    this.client.defineCommand("valaraRateLimitHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.on("error", (error: Error) => this.#unreachable(error));
    this.client.on("ready", () => this.#reachable());
  }

  /** The Redis key holding one limiter key's log. */
  redisKey(key: string): string {
    return `${this.#prefix}${key}`;
  }

  async hit(key: string, limit: number): Promise<RateLimitVerdict | null> {
    try {
      const [admitted, count, now, freeAt] = (await this.client.valaraRateLimitHit(
        this.redisKey(key),
        this.#clock(),
        this.#windowMs,
        limit,
      )) as [number, number, number, number];
      if (this.#warned) this.#reachable();
      return verdictOf(admitted === 1, count, freeAt, now, limit);
    } catch (error) {
      this.#unreachable(error);
      return null;
    }
  }

  // The interval holds across recoveries too, so a flapping Redis cannot flood the log.
  #unreachable(error: unknown) {
    const now = Date.now();
    if (now - this.#lastWarnAt < this.#warnIntervalMs) {
      this.#suppressed += 1;
      return;
    }
    this.#logger.warn(
      { error: error instanceof Error ? error.message : String(error), suppressed: this.#suppressed },
      "rate limits are off: Redis did not answer; requests are served without limits until it does",
    );
    this.#lastWarnAt = now;
    this.#suppressed = 0;
    this.#warned = true;
  }

  #reachable() {
    if (!this.#warned) return;
    this.#warned = false;
    this.#logger.info({}, "rate limits are back on: Redis is reachable again");
  }

  /**
   * Resolves once connected, or after `timeoutMs` (then requests are served without limits until
   * the client connects). A failed attempt does not end the wait: the client retries within it.
   */
  async ready(timeoutMs: number): Promise<void> {
    if (this.client.status === "ready") return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.client.once("ready", done);
    });
  }

  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    if (this.client.status === "ready") {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.client.disconnect();
  }
}
