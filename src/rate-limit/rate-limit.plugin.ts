/**
 * Per-credential, per-endpoint rate limits (CONTRACT §7), in a sliding 60-second window.
 *
 * Why hand-written on ioredis rather than a rate-limit library:
 * - @fastify/rate-limit (11.2.0) names its headers `x-ratelimit-*` (or the draft's `ratelimit-*`),
 *   not the contract's `X-Rate-Limit-*`, sends Reset as seconds-to-go rather than epoch seconds, and
 *   counts in a fixed window (INCR + PEXPIRE in its Redis store, a TTL'd counter in memory).
 * - rate-limiter-flexible (11.4.0; no `engines` field) counts in fixed windows too (its Redis
 *   script is SET NX EX + INCRBY); a sliding window would mean replacing its Lua script and still
 *   deriving the headers ourselves.
 * The algorithm itself is small: an exact sliding log (sliding-window.ts says why not the weighted
 * two-window approximation); the parts worth a library, the Redis connection, reconnection and
 * EVALSHA script caching, come from ioredis. Stores: memory-store.ts (one process) and
 * redis-store.ts (REDIS_URL, shared by every instance: one budget across them).
 *
 * Behaviour:
 * - The key is budget kind + route + credential: `write:PATCH /api/v1/users/:user_id:api_key:<id>`.
 *   One caller's traffic never spends another's budget, and reading never spends the write budget.
 *   HEAD shares its GET route's budget.
 * - The hook runs right after `authenticate`: unauthenticated requests (401) are not counted here.
 *   Every request it lets through is counted, whatever its outcome, and carries the headers, also
 *   on the 4xx/5xx answered later (Fastify keeps headers set before an error).
 * - X-Rate-Limit-Reset is the epoch second (rounded up) at which one more request becomes
 *   available: when the oldest request still counted leaves the 60-second window, so never more
 *   than 60 s away. On a 429 it is the earliest moment a retry succeeds; Retry-After is the same
 *   moment in whole seconds to go (at least 1).
 * - A limit of 0 turns that budget off: no counting, no headers.
 * - Redis unreachable: requests are served without limits and without these headers (fail open);
 *   the store warns at most once per 10 s and limits resume when Redis is back.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import fp from "fastify-plugin";
import { callerOf } from "../auth/authenticate.plugin.js";
import { AppError } from "../errors/app-error.js";
import type { Services } from "../services.js";
import { MemoryRateLimitStore } from "./memory-store.js";
import { DEFAULT_WINDOW_MS, type RateLimitVerdict } from "./sliding-window.js";
import type { RateLimitStore, StoreLogger } from "./store.js";

/** Which budget a route draws on: RATE_LIMIT_READ, RATE_LIMIT_LIST or RATE_LIMIT_WRITE. */
export type RateLimitKind = "read" | "list" | "write";

declare module "fastify" {
  interface FastifyInstance {
    /** onRequest hook, placed after `authenticate`: limits the caller's credential on this route. */
    rateLimit(kind: RateLimitKind): onRequestAsyncHookHandler;
  }
}

export interface RateLimitPluginOptions {
  services: Services;
  /** Overrides the store chosen from the configuration (tests). */
  store?: RateLimitStore;
}

/** How long startup waits for Redis before serving (fail open meanwhile). */
const STORE_READY_TIMEOUT_MS = 2_000;

/**
 * The store the configuration asks for: Redis when REDIS_URL is set, else this process's memory.
 * The Redis client is loaded only when used (ioredis adds some 20 MB to a process).
 */
export async function createRateLimitStore(services: Services, logger: StoreLogger): Promise<RateLimitStore> {
  const { config } = services;
  if (!config.redisUrl) return new MemoryRateLimitStore();
  const { RedisRateLimitStore } = await import("./redis-store.js");
  return new RedisRateLimitStore(config.redisUrl, { prefix: config.redisPrefix, logger });
}

/** The limiter's key for this request; exported for tests and operators reading Redis. */
export function rateLimitKey(kind: RateLimitKind, request: FastifyRequest): string {
  const { credential } = callerOf(request);
  const method = request.method === "HEAD" ? "GET" : request.method;
  return `${kind}:${method} ${request.routeOptions.url}:${credential.kind}:${credential.id}`;
}

function setHeaders(reply: FastifyReply, verdict: RateLimitVerdict) {
  reply.header("X-Rate-Limit-Limit", String(verdict.limit));
  reply.header("X-Rate-Limit-Remaining", String(verdict.remaining));
  reply.header("X-Rate-Limit-Reset", String(Math.ceil(verdict.resetAt / 1000)));
}

export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitPluginOptions) => {
    const { config } = options.services;
    const store = options.store ?? (await createRateLimitStore(options.services, app.log));
    app.addHook("onReady", () => store.ready(STORE_READY_TIMEOUT_MS));
    app.addHook("onClose", () => store.close());

    app.decorate("rateLimit", (kind: RateLimitKind): onRequestAsyncHookHandler => {
      const limit = config.rateLimits[kind];
      if (limit === 0) return async () => {};
      return async (request, reply) => {
        const verdict = await store.hit(rateLimitKey(kind, request), limit);
        if (verdict === null) return;
        setHeaders(reply, verdict);
        if (verdict.allowed) return;
        const { retryAfter } = verdict;
        throw new AppError("rate_limit_exceeded", {
          message: `Rate limit of ${limit} requests per ${DEFAULT_WINDOW_MS / 1000} s reached for this endpoint; retry in ${retryAfter} s.`,
          details: { limit, window_seconds: DEFAULT_WINDOW_MS / 1000, retry_after_seconds: retryAfter },
          headers: { "Retry-After": String(retryAfter) },
        });
      };
    });
  },
  { name: "rate-limit", dependencies: ["authenticate"] },
);
