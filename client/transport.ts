import { errorFromResponse, type ValaraError, ValaraNetworkError, ValaraTimeoutError } from "./errors.js";

/** How a client talks to the server. */
export interface ClientOptions {
  /** The server's origin, e.g. http://127.0.0.1:3000; "" in a page served by that server. */
  baseUrl: string;
  /** An API key (vk_…), sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** A Better Auth session token (what `ValaraClient.signIn` gets), sent the same way. */
  sessionToken?: string;
  /** How many times a failed call is tried again (default 2: three attempts in all). */
  retries?: number;
  /** Each attempt's own time limit in milliseconds (default 15,000). */
  timeoutMs?: number;
  /**
   * The longest wait before a retry (default 30,000 ms). A `Retry-After` longer than this is not
   * waited for: the error is thrown at once, its `retryAfter` saying when to come back.
   */
  maxRetryWaitMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Per call: an If-Match precondition, an idempotency key of your own, a signal to abort. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** Write only if the resource still has this ETag (`metaOf(user).etag`); 412 otherwise. */
  ifMatch?: string;
  /** Made for you when not given; every retry of this call reuses it, so the change happens once. */
  idempotencyKey?: string;
}

/** What came with a result besides its body: `metaOf(result)`. */
export interface ResponseMeta {
  status: number;
  /** The strong ETag of a user (GET, PATCH, PUT). */
  etag: string | undefined;
  /** X-Request-Id: quote it when asking about this call. */
  requestId: string | undefined;
  /** True when the server answered from its idempotency store: an earlier attempt made the change. */
  replayed: boolean;
  /** How many attempts the call took. */
  attempts: number;
  headers: Headers;
}

const metas = new WeakMap<object, ResponseMeta>();

/** The ETag, request id, replay flag and headers that came with a result of the client. */
export function metaOf(result: object): ResponseMeta {
  const meta = metas.get(result);
  if (!meta) throw new TypeError("metaOf: this value did not come from a ValaraClient call");
  return meta;
}

export interface Call {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  options?: WriteOptions;
}

const DEFAULTS = { retries: 2, timeoutMs: 15_000, maxRetryWaitMs: 30_000 };
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

const isBrowser = () => typeof (globalThis as { document?: unknown }).document !== "undefined";

/** A random idempotency key (UUID v4), in browsers and Node alike. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Waits `ms`, or rejects at once with the signal's reason when it aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter: a random wait up to 250 ms × 2^attempt (8 s at most). */
const backoff = (attempt: number) => Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);

/**
 * Sends calls with retries: network failures, timeouts, 429, 503, 504 and 409
 * `idempotency_key_in_progress` are tried again, waiting as `Retry-After` says or with jittered
 * backoff. A PATCH or PUT always carries an idempotency key, the same on every attempt, so it is
 * retried without risk of applying twice; a POST (not idempotent) is retried only on 429 and
 * 503, which the server sends before doing anything.
 */
export class Transport {
  readonly baseUrl: string;
  private readonly settings: typeof DEFAULTS;
  private readonly fetchImpl: typeof fetch;
  private readonly credential: string | undefined;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.settings = {
      retries: options.retries ?? DEFAULTS.retries,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs,
    };
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.credential = options.apiKey ?? options.sessionToken;
  }

  /** Sends `call`; resolves with its JSON body (null for none) and its meta, or throws. */
  async send<T>(call: Call): Promise<{ data: T; meta: ResponseMeta }> {
    const { options = {} } = call;
    const writes = call.method === "PATCH" || call.method === "PUT";
    const idempotencyKey = writes ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const idempotent = call.method === "GET" || call.method === "DELETE" || idempotencyKey !== undefined;
    const url = this.url(call);
    const init = this.init(call, idempotencyKey);

    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.settings.retries;
      let response: Response;
      try {
        response = await this.attempt(url, init, options.signal);
      } catch (error) {
        if (options.signal?.aborted || last || !idempotent) throw error;
        await wait(backoff(attempt), options.signal);
        continue;
      }
      if (response.ok || response.status === 304) return this.result<T>(response, attempt + 1);
      const error = await errorFromResponse(response);
      const retry = !last && this.mayRetry(error, idempotent, idempotencyKey !== undefined);
      const delay = error.retryAfter !== undefined ? error.retryAfter * 1000 : backoff(attempt);
      if (!retry || delay > this.settings.maxRetryWaitMs) throw error;
      await wait(delay, options.signal);
    }
  }

  private mayRetry(error: ValaraError, idempotent: boolean, keyed: boolean): boolean {
    if (error.status === 429 || error.status === 503) return true;
    if (error.status === 504) return idempotent;
    return keyed && error.code === "idempotency_key_in_progress";
  }

  /** One attempt, under its own timeout and the caller's signal. */
  private async attempt(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      return await this.fetchImpl(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ValaraTimeoutError(this.settings.timeoutMs);
      throw new ValaraNetworkError(`Could not reach ${this.baseUrl || "the server"}.`, { cause: error });
    }
  }

  private url({ path, query }: Call): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ""}`;
  }

  private init(call: Call, idempotencyKey: string | undefined): RequestInit {
    const headers = new Headers({ accept: "application/json" });
    if (this.credential) headers.set("authorization", `Bearer ${this.credential}`);
    if (call.body !== undefined) headers.set("content-type", "application/json");
    if (idempotencyKey) headers.set("x-idempotency-key", idempotencyKey);
    if (call.options?.ifMatch) headers.set("if-match", call.options.ifMatch);
    // Outside a browser, say which site this is for: Better Auth refuses a POST from Node's fetch
    // (which sends Sec-Fetch-Mode like a browser) unless its Origin is one it trusts. A browser
    // sets Origin itself and refuses to let a script do it.
    if (!isBrowser() && this.baseUrl) headers.set("origin", new URL(this.baseUrl).origin);
    return {
      method: call.method,
      headers,
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    };
  }

  private async result<T>(response: Response, attempts: number): Promise<{ data: T; meta: ResponseMeta }> {
    const text = response.status === 204 || response.status === 304 ? "" : await response.text();
    const data = (text ? JSON.parse(text) : null) as T;
    const meta: ResponseMeta = {
      status: response.status,
      etag: response.headers.get("etag") ?? undefined,
      requestId: response.headers.get("x-request-id") ?? undefined,
      replayed: response.headers.get("x-idempotent-replay") === "true",
      attempts,
      headers: response.headers,
    };
    if (typeof data === "object" && data !== null) metas.set(data, meta);
    return { data, meta };
  }
}
