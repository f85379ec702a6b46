import { Agent, request } from "undici";
import { checkedAddresses, guardedLookup, hostOf, RefusedAddressError, type Resolver } from "./address-guard.js";

/** Of a receiver's answer, only this much is read (and then dropped): nobody needs more. */
const MAX_RESPONSE_BYTES = 4 * 1024;

/** What one POST to a receiver came to. */
export interface SendResult {
  /** The receiver's status; null when there was no answer (refused, timed out, unreachable). */
  status: number | null;
  durationMs: number;
  /** Seconds the receiver asked to wait (Retry-After), when it said. */
  retryAfterSeconds: number | null;
  /** Why it failed, in words fit for the deliveries log (never a secret, never the body). */
  error: string | null;
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve: Resolver;
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
function retryAfterOf(value: string | string[] | undefined, now: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/**
 * POSTs webhooks through one undici Agent whose sockets resolve names with the address guard
 * (unless private addresses are allowed): the address checked is the one connected to. Redirects
 * are never followed (undici's request() follows none); a 3xx is a failed attempt.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connect: options.allowPrivate ? {} : { lookup: guardedLookup(options.resolve) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 64,
    });
  }

  /** Sends `body` to `url` with `headers`; never throws. `signal` aborts it (shutdown). */
  async send(url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<SendResult> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const target = new URL(url);
      // A literal address never reaches the lookup: it is checked here.
      if (!this.options.allowPrivate) await checkedAddresses(hostOf(target), async () => []).catch(rethrowIfLiteral);
      const response = await request(target, {
        method: "POST",
        headers,
        body,
        dispatcher: this.agent,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      let read = 0;
      for await (const chunk of response.body) {
        read += (chunk as Buffer).length;
        if (read >= MAX_RESPONSE_BYTES) break;
      }
      response.body.destroy();
      const status = response.statusCode;
      const ok = status >= 200 && status < 300;
      return {
        status,
        durationMs: took(),
        retryAfterSeconds: retryAfterOf(response.headers["retry-after"], Date.now()),
        error: ok ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`,
      };
    } catch (error) {
      return { status: null, durationMs: took(), retryAfterSeconds: null, error: describe(error, timeout) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

// checkedAddresses with a resolver that finds nothing fails for every host name: only a refused
// literal address is an error here; names are left to the guarded lookup.
function rethrowIfLiteral(error: unknown): void {
  if (error instanceof RefusedAddressError && !error.message.endsWith("does not resolve")) throw error;
}

function describe(error: unknown, timeout: AbortSignal): string {
  if (timeout.aborted) return "timed out";
  let current: unknown = error;
  // undici wraps the socket's error (our RefusedAddressError among them) as `cause`.
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof RefusedAddressError) return `refused: ${current.message}`;
    current = (current as { cause?: unknown }).cause;
  }
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}`.slice(0, 300) : message.slice(0, 300);
}
