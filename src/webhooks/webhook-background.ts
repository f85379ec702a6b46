import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { BackgroundStore } from "./background-store.js";
import { DeliveryStatistics } from "./delivery-statistics.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import { RELAY_BATCH } from "./webhook-relay.js";

/** Events and deliveries are kept this long. */
export const RETENTION_MS = 30 * 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 500;
const RELAY_GATHER_MS = 20;

/** An instance's delivery workers (DeliveryWorkers, or the webhook thread that runs them). */
export interface Deliveries {
  /** Deliveries may be due now. */
  wake(): void;
  /**
   * Stops claiming; deliveries in flight get `graceMs` to finish, then are aborted and their
   * leases given back. Resolves once nothing is running.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * The work behind the webhooks API, on one instance: the relay (committed changes into the feed,
 * one sequencer at a time across instances), the retention sweep, the planner statistics, and the
 * delivery workers, which start once there is something to deliver (an instance whose endpoints
 * are none, or disabled, keeps no thread and no memory for them).
 */
export interface WebhookBackground {
  /** Changes may have committed: the relay looks now instead of at its next tick. */
  relay(): void;
  /** Deliveries may be due now (an endpoint enabled again, a redelivery). */
  wake(): void;
  /** Stops the relay and the workers (see Deliveries.stop). */
  stop(graceMs: number): Promise<void>;
}

export interface BackgroundDependencies {
  store: BackgroundStore;
  config: WebhookConfig;
  metrics: WebhookMetrics;
  logger: FastifyBaseLogger;
  /** Starts the delivery workers; called once, when deliveries are first due. */
  startDeliveries(): Promise<Deliveries>;
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

/** Starts the relay and the sweep; the delivery workers follow when deliveries are due. */
export function startBackground(deps: BackgroundDependencies): WebhookBackground {
  const { store, config, metrics, logger } = deps;
  const statistics = new DeliveryStatistics(store, (error) =>
    logger.warn({ err: error }, "refreshing the deliveries' planner statistics failed; will retry"),
  );
  let deliveries: Deliveries | undefined;
  let starting: Promise<Deliveries | undefined> | undefined;
  let stopped = false;

  /** Wakes the workers, first starting them if a delivery is due (a read, until they run). */
  const wake = () => {
    if (deliveries) return deliveries.wake();
    if (starting || stopped) return;
    starting = (async () => {
      if (!(await store.hasDueDeliveries(new Date().toISOString()))) return undefined;
      const started = await deps.startDeliveries();
      deliveries = started;
      return started;
    })()
      .catch((error) => {
        logger.warn({ err: error }, "starting the webhook delivery workers failed; will retry");
        return undefined;
      })
      .finally(() => {
        if (!deliveries) starting = undefined;
      });
  };

  let relaying: Promise<void> | undefined;
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
        wake();
        // A step that took fewer rows than it could has caught up: the next one waits a moment for
        // more changes to gather. Under a steady write load steps then carry dozens of events
        // instead of a few; a step's own reads and bookkeeping cost as much as ten events' rows.
        if (made < RELAY_BATCH) await new Promise((resolve) => setTimeout(resolve, RELAY_GATHER_MS));
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

  // Each tick: changes another instance's relay numbered, deliveries it made, retries come due.
  const tick = setInterval(() => {
    relay();
    if (!deliveries) wake(); // once running, the workers poll on their own
  }, config.pollMs);
  tick.unref();
  relay();
  wake();
  const sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
  sweepTimer.unref();

  return {
    relay,
    wake,
    stop: async (graceMs) => {
      stopped = true;
      clearInterval(tick);
      clearInterval(sweepTimer);
      await relaying;
      await (deliveries ?? (await starting))?.stop(graceMs);
      await statistics.settled();
    },
  };
}
