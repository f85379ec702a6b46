import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Services } from "../services.js";
import { type Resolver, systemResolver } from "./address-guard.js";
import { deleteOlderThan, pendingSummary } from "./delivery.repository.js";
import { DeliveryStatistics } from "./delivery-statistics.js";
import { DeliveryWorkers } from "./delivery-worker.js";
import { WebhookSender } from "./webhook-http.js";
import { WebhookMetrics } from "./webhook-metrics.js";
import { relayOnce } from "./webhook-relay.js";
import { webhooksRoutes } from "./webhooks.routes.js";
import type { WebhookDeps } from "./webhooks.service.js";

/** Events and deliveries are kept this long. */
export const RETENTION_MS = 30 * 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 500;
const NUDGE_MS = 50;

declare module "fastify" {
  interface FastifyInstance {
    /** Stops the relay and the delivery workers (SIGTERM): in-flight deliveries get `graceMs`. */
    stopWebhooks(graceMs: number): Promise<void>;
  }
}

/** Removes events and deliveries past 30 days, in small batches; how many rows went. */
export async function sweepOldEvents(deps: Pick<WebhookDeps, "database">, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - RETENTION_MS).toISOString();
  let total = 0;
  for (;;) {
    const deleted = await deps.database.queries.inBackground(() =>
      deleteOlderThan(deps.database.db, cutoff, SWEEP_BATCH),
    );
    total += deleted;
    if (deleted === 0) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Metrics registry of the webhooks, for the metrics plugin to merge; made before it. */
export function createWebhookMetrics(services: Services): WebhookMetrics {
  return new WebhookMetrics(async () => {
    const { depth, oldest } = await services.database.queries.inBackground(() => pendingSummary(services.database.db));
    return { depth, oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) : 0 };
  });
}

/**
 * Webhooks and the events feed: the routes on every instance; with WEBHOOKS_ENABLED the relay
 * (one sequencer at a time across instances) and this instance's delivery workers, from
 * onReady until stopWebhooks or close.
 */
export const webhooksPlugin = fp(
  async (
    app: FastifyInstance,
    {
      services,
      metrics,
      resolve = systemResolver,
    }: { services: Services; metrics: WebhookMetrics; resolve?: Resolver },
  ) => {
    const config = services.config.webhooks;
    const sender = new WebhookSender({ timeoutMs: config.timeoutMs, allowPrivate: config.allowPrivate, resolve });
    let workers: DeliveryWorkers | undefined;
    const deps: WebhookDeps = {
      database: services.database,
      secret: services.secret,
      config,
      resolve,
      sender,
      metrics,
      logger: app.log,
      wake: () => workers?.wake(),
    };
    await app.register(webhooksRoutes, { deps });

    const statistics = new DeliveryStatistics(services.database, (error) =>
      app.log.warn({ err: error }, "refreshing the deliveries' planner statistics failed; will retry"),
    );
    let relayTimer: NodeJS.Timeout | undefined;
    let sweepTimer: NodeJS.Timeout | undefined;
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
        for (
          let made = await relayOnce(services.database);
          made > 0 && !stopped;
          made = await relayOnce(services.database)
        ) {
          metrics.relayed.inc(made);
          statistics.relayed(made);
          workers?.wake();
        }
      })()
        .catch((error) => app.log.warn({ err: error }, "webhook relay step failed; will retry"))
        .finally(() => {
          relaying = undefined;
          if (relayAgain) {
            relayAgain = false;
            relay();
          }
        });
    };
    const sweep = () =>
      sweepOldEvents(deps).then(
        (count) => count > 0 && app.log.info({ count }, "removed webhook events and deliveries past 30 days"),
        (error) => app.log.warn({ err: error }, "webhook retention sweep failed; will retry"),
      );

    app.decorate("stopWebhooks", async (graceMs: number) => {
      stopped = true;
      clearInterval(relayTimer);
      clearInterval(sweepTimer);
      await relaying;
      await workers?.stop(graceMs);
      await statistics.settled();
    });
    if (config.enabled) {
      // A write that was answered has committed: the relay looks at once (within NUDGE_MS, once
      // for however many writes) instead of at its next tick. The write itself is not touched.
      let nudged: NodeJS.Timeout | undefined;
      app.addHook("onResponse", (request, reply, done) => {
        if (request.method !== "GET" && reply.statusCode < 300 && !nudged && !stopped) {
          nudged = setTimeout(() => {
            nudged = undefined;
            relay();
          }, NUDGE_MS);
        }
        done();
      });
      app.addHook("onReady", async () => {
        workers = new DeliveryWorkers({ database: services.database, config, sender, metrics, logger: app.log });
        workers.start();
        relayTimer = setInterval(relay, config.pollMs);
        relayTimer.unref();
        relay();
        sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
        sweepTimer.unref();
      });
    }
    app.addHook("onClose", async () => {
      await app.stopWebhooks(0);
      await sender.close();
    });
  },
  { name: "webhooks" },
);
