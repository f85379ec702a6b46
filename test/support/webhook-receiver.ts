import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "../../src/logger.js";
import { WebhookMetrics } from "../../src/webhooks/webhook-metrics.js";
import { eventually } from "./eventually.js";

/** One request a receiver got: its headers and the exact bytes of its body. */
export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { event_id: string; event_type: string; timestamp: number; nonce: string; data: Record<string, unknown> };
  at: number;
}

/** What the receiver answers: a status (and headers) per request; `respond` may vary it. */
export type Responder = (request: Received, index: number) => { status: number; headers?: Record<string, string> };

/** A real HTTP receiver on loopback (127.0.0.1), recording every request. */
export interface Receiver {
  url: string;
  received: Received[];
  respond: Responder;
  /** Milliseconds to wait before answering (deliveries stay in flight that long). */
  delayMs: number;
  /** Resolves once `predicate` holds over what was received, or rejects after `timeoutMs`. */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: "",
    received,
    respond,
    delayMs: 0,
    waitFor(predicate, timeoutMs = 10_000, what = "the expected deliveries") {
      const seen = () => {
        const counts = new Map<string, number>();
        for (const r of received) counts.set(r.body.event_type, (counts.get(r.body.event_type) ?? 0) + 1);
        const got = [...counts].map(([type, n]) => `${n} × ${type}`).join(", ") || "nothing";
        return `${what}; got ${received.length} requests: ${got}`;
      };
      return eventually(async () => received, predicate, seen, timeoutMs);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const entry: Received = { headers: request.headers, raw, body: JSON.parse(raw), at: Date.now() };
      received.push(entry);
      const answer = receiver.respond(entry, received.length - 1);
      setTimeout(() => {
        response.writeHead(answer.status, answer.headers ?? {});
        response.end("ok");
      }, receiver.delayMs);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** Environment for an app that delivers to loopback receivers quickly (tests only). */
export const WEBHOOK_TEST_ENV = {
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_ALLOW_PRIVATE: "true",
  WEBHOOK_POLL_MS: "20",
  WEBHOOK_TIMEOUT_MS: "2000",
  WEBHOOK_RETRY_SCHEDULE: "0.2,0.2,0.2",
};

/** Where outcomes recorded outside an app are counted and told (a store of a test's own): nowhere read. */
export const quietReporting = () => ({
  metrics: new WebhookMetrics(async () => ({ depth: 0, oldestAgeSeconds: 0 })),
  logger: createLogger("silent"),
});
