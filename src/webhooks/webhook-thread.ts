import { Worker } from "node:worker_threads";
import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { DeliveryStore } from "./delivery-worker.js";
import type { Deliveries } from "./webhook-background.js";

/** What the webhook thread is started with (plain data: it is copied into the thread). */
export interface ThreadSettings {
  webhooks: WebhookConfig;
}

/** A call of the delivery workers' store, made on the main thread for the webhook thread. */
export type StoreCall = {
  [K in keyof DeliveryStore]: { operation: K; args: Parameters<DeliveryStore[K]> };
}[keyof DeliveryStore];

/** The main thread's messages to the webhook thread. */
export type ToThread =
  | { type: "wake" }
  | { type: "stop"; graceMs: number }
  | { type: "stored"; id: number; value?: unknown; error?: string };

/** The webhook thread's messages to the main thread. */
export type FromThread =
  | { type: "ready" }
  | { type: "log"; level: "info" | "warn" | "error"; fields: Record<string, unknown>; message: string }
  | ({ type: "store"; id: number } & StoreCall)
  | { type: "stopped" };

// A thread that died unexpectedly is started again after this long.
const RESTART_AFTER_MS = 1000;
// Past its grace, a stopping thread has this long to write its last outcomes and give back its leases.
const STOP_MARGIN_MS = 5000;

/**
 * Starts this instance's delivery workers (delivery-worker.ts) in a worker thread, and resolves
 * once they run. Sending and signing cost about 0.2 ms of CPU per event (the thread's own CPU
 * under load, BENCHMARKS.md), more than half a PATCH's; on the API's event loop that was taken
 * from the requests, while the second core sat a third idle. The thread owns no database
 * connection: the workers' store calls, a read and a write per delivery cycle, each a batch, are
 * made here on `store` (background-store.ts, which also counts what they record). Their log lines
 * come back here too, to the app's logger. A thread that dies is logged and started again; its
 * leases expire as a killed process's would. It costs about 25 MB of memory, which is why it
 * starts only once there is something to deliver.
 */
export async function startWebhookThread(
  settings: ThreadSettings,
  { store, logger }: { store: DeliveryStore; logger: FastifyBaseLogger },
): Promise<Deliveries> {
  let worker: Worker;
  let stopping = false;
  let alive = false;
  let stopped: (() => void) | undefined;

  const onMessage = (message: FromThread) => {
    if (message.type === "log") logger[message.level](message.fields, message.message);
    else if (message.type === "stopped") stopped?.();
    else if (message.type === "store") {
      const { id } = message;
      (store[message.operation] as (...args: unknown[]) => Promise<unknown>)(...message.args).then(
        (value) => worker.postMessage({ type: "stored", id, value } satisfies ToThread),
        (error) =>
          worker.postMessage({ type: "stored", id, error: String(error?.message ?? error) } satisfies ToThread),
      );
    }
  };
  const start = () =>
    new Promise<void>((resolve, reject) => {
      let ready = false;
      worker = spawnThread(settings);
      // A process that has nothing else to do (a test's, a failed start-up) need not wait for it.
      worker.unref();
      worker.on("message", (message: FromThread) => {
        if (message.type !== "ready") return onMessage(message);
        ready = true;
        alive = true;
        resolve();
      });
      worker.once("error", (error) => {
        reject(error);
        logger.error({ err: error }, "the webhook thread failed");
      });
      worker.once("exit", (code) => {
        alive = false;
        stopped?.();
        if (stopping) return;
        // One that never ran failed to start: that is the caller's failure (or the restart's).
        if (!ready) return reject(new Error(`the webhook thread exited (${code}) before it ran`));
        logger.error({ code }, "the webhook thread stopped unexpectedly; starting it again");
        restart();
      });
    });
  const restart = (): void => {
    setTimeout(() => {
      if (!stopping) start().catch(restart); // each failure is logged above
    }, RESTART_AFTER_MS).unref();
  };
  await start();

  const post = (message: ToThread) => worker.postMessage(message);
  return {
    wake: () => post({ type: "wake" }),
    stop: async (graceMs) => {
      if (stopping) return;
      stopping = true;
      if (!alive) return; // between a crash and its restart: nothing runs
      const done = new Promise<void>((resolve) => (stopped = resolve));
      post({ type: "stop", graceMs });
      // A thread that does not answer in time is ended: its leases expire as a killed process's do.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, graceMs + STOP_MARGIN_MS)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/**
 * The thread, from the built JavaScript; run from the TypeScript sources (the tests, `tsx`), it
 * loads tsx first: Node 20 hands neither `--import` nor a loader registered here to a worker.
 */
function spawnThread(settings: ThreadSettings): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./webhook-thread.worker.js", here), { workerData: settings });
  const entry = new URL("./webhook-thread.worker.ts", here).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: settings });
}
