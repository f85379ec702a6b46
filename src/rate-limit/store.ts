import type { RateLimitVerdict } from "./sliding-window.js";

export type { RateLimitVerdict } from "./sliding-window.js";

/** Where rate-limit counts live: this process's memory, or Redis shared by every instance. */
export interface RateLimitStore {
  /**
   * Counts one request against `key` if `limit` allows it, atomically. Resolves to null when the
   * store cannot answer (Redis unreachable): the caller then serves the request unlimited.
   */
  hit(key: string, limit: number): Promise<RateLimitVerdict | null>;
  /** Resolves once the store can answer, or after `timeoutMs`, whichever comes first. Never rejects. */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The clock stores read; tests inject their own to move time without sleeping. */
export type Clock = () => number;

/** The logger a store warns on (a pino/Fastify logger fits). */
export interface StoreLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}
