import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Services } from "../services.js";
import { type Resolver, systemResolver } from "./address-guard.js";
import { localStore } from "./background-store.js";
import { pendingSummary } from "./delivery.repository.js";
import { DeliveryWorkers } from "./delivery-worker.js";
import { type Deliveries, startBackground, type WebhookBackground } from "./webhook-background.js";
import { WebhookSender } from "./webhook-http.js";
import { WebhookMetrics } from "./webhook-metrics.js";
import { startWebhookThread } from "./webhook-thread.js";
import { webhooksRoutes } from "./webhooks.routes.js";
import type { WebhookDeps } from "./webhooks.service.js";

const NUDGE_MS = 50;

declare module "fastify" {
  interface FastifyInstance {
    /** Stops the relay and the delivery workers (SIGTERM): in-flight deliveries get `graceMs`. */
    stopWebhooks(graceMs: number): Promise<void>;
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
 * Webhooks and the events feed: the routes on every instance; with WEBHOOKS_ENABLED the
 * background (webhook-background.ts: the relay, one sequencer at a time across instances, the
 * sweep, and this instance's delivery workers in a thread of their own once deliveries are due),
 * from onReady until stopWebhooks or close.
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
    let background: WebhookBackground | undefined;
    let stopped = false;
    const deps: WebhookDeps = {
      database: services.database,
      secret: services.secret,
      config,
      resolve,
      sender,
      metrics,
      logger: app.log,
      wake: () => background?.wake(),
    };
    await app.register(webhooksRoutes, { deps });

    app.decorate("stopWebhooks", async (graceMs: number) => {
      stopped = true;
      await background?.stop(graceMs);
    });
    if (config.enabled) {
      // A write that was answered has committed: the relay looks at once (within NUDGE_MS, once
      // for however many writes) instead of at its next tick. The write itself is not touched.
      let nudged: NodeJS.Timeout | undefined;
      app.addHook("onResponse", (request, reply, done) => {
        if (request.method !== "GET" && reply.statusCode < 300 && !nudged && !stopped) {
          nudged = setTimeout(() => {
            nudged = undefined;
            if (!stopped) background?.relay();
          }, NUDGE_MS);
        }
        done();
      });
      const store = localStore(services.database, { metrics, logger: app.log });
      // The delivery workers run in the webhook thread, except with a test's resolver: a function,
      // which does not cross into a thread.
      const startDeliveries = async (): Promise<Deliveries> => {
        if (resolve === systemResolver) {
          return startWebhookThread({ webhooks: config }, { store, logger: app.log });
        }
        const workers = new DeliveryWorkers({ store, config, sender, logger: app.log });
        workers.start();
        return workers;
      };
      app.addHook("onReady", async () => {
        background = startBackground({ store, config, metrics, logger: app.log, startDeliveries });
      });
    }
    app.addHook("onClose", async () => {
      await app.stopWebhooks(0);
      await sender.close();
    });
  },
  { name: "webhooks" },
);
