// The webhook thread (webhook-thread.ts starts it): the delivery workers, their store calls and
// log lines sent to the main thread, which counts what they record (background-store.ts).
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { FastifyBaseLogger } from "fastify";
import { systemResolver } from "./address-guard.js";
import { type DeliveryStore, DeliveryWorkers } from "./delivery-worker.js";
import { WebhookSender } from "./webhook-http.js";
import type { FromThread, StoreCall, ThreadSettings, ToThread } from "./webhook-thread.js";

const port = parentPort;
if (!port) throw new Error("webhook-thread.worker.ts runs in a worker thread (webhook-thread.ts)");
const post = (message: FromThread) => port.postMessage(message);
const settings = workerData as ThreadSettings;

// When the API and the deliveries both want the CPU, the API goes first: this thread runs at a
// lower priority (Linux gives each thread its own nice value; `setPriority(0, …)` sets this one's
// alone there, where elsewhere it would set the whole process's). It holds no lock the API could
// wait on. Interleaved at full PATCH load with an endpoint: +9.5 % PATCHes per second (2,133
// against 1,948), deliveries still keeping pace, p50 from commit to receiver 154 ms instead of 100.
const NICENESS = 15;
if (process.platform === "linux") {
  try {
    setPriority(0, NICENESS);
  } catch {
    // Not allowed here: deliveries run at the API's priority, as they would anywhere else.
  }
}

/** Errors as plain objects: pino's err serializer would give the same fields on the main thread. */
function plain(fields: unknown): Record<string, unknown> {
  if (typeof fields !== "object" || fields === null) return {};
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) =>
      value instanceof Error
        ? [
            key,
            { type: value.name, message: value.message, stack: value.stack, code: (value as { code?: unknown }).code },
          ]
        : [key, value],
    ),
  );
}

// The background logs with (fields, message), at these levels; the main thread's logger decides.
const log =
  (level: "info" | "warn" | "error") =>
  (fields: unknown, message = "") =>
    post({ type: "log", level, fields: plain(fields), message });
const ignore = () => {};
const logger = {
  level: "info",
  info: log("info"),
  warn: log("warn"),
  error: log("error"),
  fatal: log("error"),
  debug: ignore,
  trace: ignore,
  silent: ignore,
  child: () => logger,
} as unknown as FastifyBaseLogger;

/** The store: each call made on the main thread, answered by id. */
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let lastCall = 0;
function call<C extends StoreCall>(operation: C["operation"], args: C["args"]): Promise<never> {
  const id = ++lastCall;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    post({ type: "store", id, operation, args } as FromThread);
  });
}
const store: DeliveryStore = {
  endpointsWithRoom: (...args) => call("endpointsWithRoom", args),
  cycle: (...args) => call("cycle", args),
};

const sender = new WebhookSender({
  timeoutMs: settings.webhooks.timeoutMs,
  allowPrivate: settings.webhooks.allowPrivate,
  resolve: systemResolver,
});
const workers = new DeliveryWorkers({ store, config: settings.webhooks, sender, logger });
workers.start();

port.on("message", (message: ToThread) => {
  if (message.type === "stored") {
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error === undefined) call?.resolve(message.value);
    else call?.reject(new Error(message.error));
  } else if (message.type === "wake") workers.wake();
  else if (message.type === "stop") {
    void (async () => {
      try {
        await workers.stop(message.graceMs);
        await sender.close();
      } catch (error) {
        logger.warn({ err: error }, "stopping the webhook thread failed; its leases expire on their own");
      }
      post({ type: "stopped" });
      port.close();
    })();
  }
});
post({ type: "ready" });
