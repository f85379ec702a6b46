import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { BackgroundStore } from "./background-store.js";
import { DeliveryStatistics } from "./delivery-statistics.js";
import { DeliveryWorkers } from "./delivery-worker.js";
import type { WebhookSender } from "./webhook-http.js";
import type { WebhookCounters } from "./webhook-metrics.js";

/** Events and deliveries are kept this long. */
export const RETENTION_MS = 30 * 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 500;

/**
 * The work behind the webhooks API, on one instance: the relay (committed changes into the feed,
 * one sequencer at a time across instances), the delivery workers, the retention sweep and the
 * planner statistics. It runs in a worker thread of its own (webhook-thread.ts) or, where it
 * cannot, on the main thread; either way it is driven through this interface.
 */
export interface WebhookBackground {
  /** Changes may have committed: the relay looks now instead of at its next tick. */
  relay(): void;
  /** Deliveries may be due now (an endpoint enabled again, a redelivery). */
  wake(): void;
  /**
   * Stops the relay and the workers: deliveries in flight get `graceMs` to finish, then are
   * aborted and their leases given back. Resolves once nothing is running.
   */
  stop(graceMs: number): Promise<void>;
}

/** What the background works with; in the webhook thread, `store` is the main thread's database. */
export interface BackgroundDependencies {
  store: BackgroundStore;
  config: WebhookConfig;
  sender: WebhookSender;
  metrics: WebhookCounters;
  logger: FastifyBaseLogger;
}

/** Removes events and deliveries past 30 days, in small batches; how many rows went. */
export async function sweepOldEvents(store: BackgroundStore, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - RETENTION_MS).toISOString();
  let total = 0;
  for (;;) {
    const deleted = await store.sweep(cutoff, SWEEP_BATCH);
    total += deleted;
    if (deleted === 0) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Starts the relay, the delivery workers and the sweep on `deps.store`. */
export function startBackground(deps: BackgroundDependencies): WebhookBackground {
  const { store, config, metrics, logger } = deps;
  const workers = new DeliveryWorkers(deps);
  const statistics = new DeliveryStatistics(store, (error) =>
    logger.warn({ err: error }, "refreshing the deliveries' planner statistics failed; will retry"),
  );
  let relaying: Promise<void> | undefined;
  let stopped = false;
  let relayAgain = false;
  const relay = () => {
    if (stopped) return;
    if (relaying) {
      relayAgain = true; // a commit may have landed after the running step looked
      return;
    }
    relaying = (async () => {
      // Drains the backlog batch by batch, then waits for the next tick.
      for (let made = await store.relay(); made > 0 && !stopped; made = await store.relay()) {
        metrics.relayed.inc(made);
        statistics.relayed(made);
        workers.wake();
      }
    })()
      .catch((error) => logger.warn({ err: error }, "webhook relay step failed; will retry"))
      .finally(() => {
        relaying = undefined;
        if (relayAgain) {
          relayAgain = false;
          relay();
        }
      });
  };
  const sweep = () =>
    sweepOldEvents(store).then(
      (count) => count > 0 && logger.info({ count }, "removed webhook events and deliveries past 30 days"),
      (error) => logger.warn({ err: error }, "webhook retention sweep failed; will retry"),
    );

  workers.start();
  const relayTimer = setInterval(relay, config.pollMs);
  relayTimer.unref();
  relay();
  const sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
  sweepTimer.unref();

  return {
    relay,
    wake: () => workers.wake(),
    stop: async (graceMs) => {
      stopped = true;
      clearInterval(relayTimer);
      clearInterval(sweepTimer);
      await relaying;
      await workers.stop(graceMs);
      await statistics.settled();
    },
  };
}
