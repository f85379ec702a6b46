import { DEFAULT_WINDOW_MS, type RateLimitVerdict, slotFreedBy, verdictOf } from "./sliding-window.js";
import type { Clock, RateLimitStore } from "./store.js";

/** One key's log: admitted request times, oldest first, from `head` on (earlier slots are spent). */
interface Log {
  times: number[];
  head: number;
}

export interface MemoryStoreOptions {
  windowMs?: number;
  clock?: Clock;
  /** Hard cap on keys held; past it the least recently created key is dropped (its holder starts afresh). */
  maxKeys?: number;
  /** How often idle keys are swept; 0 sweeps only when the cap is reached. */
  sweepIntervalMs?: number;
}

/**
 * Rate-limit logs in this process's memory (one budget per process). Memory stays bounded: a log
 * holds only the last window's admitted requests (at most `limit`), keys with nothing left in the
 * window are swept every window, and `maxKeys` caps the map even under a flood of distinct keys.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #logs = new Map<string, Log>();
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #maxKeys: number;
  readonly #timer: NodeJS.Timeout | undefined;
  #lastCapSweep = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryStoreOptions = {}) {
    this.#windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.#clock = options.clock ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
    const sweepIntervalMs = options.sweepIntervalMs ?? this.#windowMs;
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
      this.#timer.unref();
    }
  }

  /** Keys currently held. */
  get size(): number {
    return this.#logs.size;
  }

  /** The synchronous core of `hit`. */
  hitNow(key: string, limit: number): RateLimitVerdict {
    let now = this.#clock();
    let log = this.#logs.get(key);
    if (log === undefined) {
      if (this.#logs.size >= this.#maxKeys) this.#makeRoom(now);
      log = { times: [], head: 0 };
      this.#logs.set(key, log);
    }
    const { times } = log;
    // Times only move forward within a log, even if the clock steps back.
    const newest = times[times.length - 1];
    if (newest !== undefined && newest > now) now = newest;
    const horizon = now - this.#windowMs;
    while (log.head < times.length && (times[log.head] as number) <= horizon) log.head += 1;
    if (log.head > 0 && log.head * 2 >= times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    let count = times.length - log.head;
    const allowed = count < limit;
    if (allowed) {
      times.push(now);
      count += 1;
    }
    const freeing = times[log.head + slotFreedBy(count, limit) - 1];
    return verdictOf(allowed, count, (freeing ?? now) + this.#windowMs, now, limit);
  }

  async hit(key: string, limit: number): Promise<RateLimitVerdict> {
    return this.hitNow(key, limit);
  }

  /** Drops every key with nothing left in the window; returns how many went. */
  sweep(now = this.#clock()): number {
    const horizon = now - this.#windowMs;
    let removed = 0;
    for (const [key, log] of this.#logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= horizon) {
        this.#logs.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  #makeRoom(now: number) {
    // A sweep is O(keys): here at most once per window, so a flood of keys cannot make it per request.
    if (now - this.#lastCapSweep >= this.#windowMs) {
      this.#lastCapSweep = now;
      if (this.sweep(now) > 0) return;
    }
    const oldest = this.#logs.keys().next();
    if (!oldest.done) this.#logs.delete(oldest.value);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#logs.clear();
  }
}
