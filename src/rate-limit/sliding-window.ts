/**
 * The sliding window, as a log: exact, not the weighted two-window approximation.
 *
 * Each key keeps the times (epoch ms) of the requests it admitted, oldest first. A request admitted
 * at `t` counts during [t, t + windowMs). A new request is admitted while fewer than `limit` still
 * count, and is then logged; refused requests are not logged. So in any 60-second span at most
 * `limit` requests get through, and a spent slot comes back exactly 60 s after the request that
 * spent it (no burst at a window boundary, as with fixed windows; no smearing over two windows, as
 * with the weighted approximation, which can also keep a slot blocked for up to two windows).
 *
 * Memory: a key holds at most `limit` times, and only those of the last 60 s, so all keys together
 * hold at most as many numbers as requests admitted in the last minute; idle keys are dropped.
 * Cost per request: O(1) amortised (expired times leave from the old end).
 */

export const DEFAULT_WINDOW_MS = 60_000;

/** What a store answers for one request. */
export interface RateLimitVerdict {
  /** True when the request was admitted (and logged). */
  allowed: boolean;
  limit: number;
  /** Further requests admissible right now (0 when this one was refused). */
  remaining: number;
  /**
   * Epoch ms at which one more request becomes admissible if nothing else is sent, that is when the
   * oldest request that still matters leaves the window: for a refused request, the first moment a
   * retry is admitted; for an admitted one, when Remaining next goes up by one.
   */
  resetAt: number;
  /** For a refused request, whole seconds until `resetAt` (at least 1); 0 when admitted. */
  retryAfter: number;
}

/**
 * Which logged request's expiry frees the next slot, counted from the oldest (1 = the oldest): when
 * `count` requests count against `limit`, a slot is free once count − limit + 1 of them have left.
 */
export const slotFreedBy = (count: number, limit: number) => Math.max(1, count - limit + 1);

/** The verdict from the log's state after the request: `count` counting, the `freeAt` of slotFreedBy. */
export function verdictOf(allowed: boolean, count: number, freeAt: number, now: number, limit: number) {
  const retryAfter = allowed ? 0 : Math.max(1, Math.ceil((freeAt - now) / 1000));
  return { allowed, limit, remaining: Math.max(0, limit - count), resetAt: freeAt, retryAfter };
}
