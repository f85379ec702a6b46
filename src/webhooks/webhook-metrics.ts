import { Counter, Gauge, Registry } from "prom-client";

/** The webhook metrics of one app, in a registry of their own (merged into GET /metrics). */
export class WebhookMetrics {
  readonly registry = new Registry();
  readonly deliveries = new Counter({
    name: "valara_webhook_deliveries_total",
    help: "Deliveries that reached an outcome: succeeded, dead (after the last attempt, or 410)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly attempts = new Counter({
    name: "valara_webhook_attempts_total",
    help: "POSTs to receivers, by result: success, failure, refused (address guard), aborted (shutdown)",
    labelNames: ["result"],
    registers: [this.registry],
  });
  readonly endpointsDisabled = new Counter({
    name: "valara_webhook_endpoints_disabled_total",
    help: "Endpoints disabled automatically: gone (410) or failing (5 days without a success)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly relayed = new Counter({
    name: "valara_webhook_events_relayed_total",
    help: "Events this instance's relay placed in the feed",
    registers: [this.registry],
  });

  /** `pending()` is read at each scrape: deliveries not yet final, and the oldest one's age. */
  constructor(pending: () => Promise<{ depth: number; oldestAgeSeconds: number }>) {
    let last: Promise<{ depth: number; oldestAgeSeconds: number }> | undefined;
    // One database read per scrape serves both gauges.
    const read = () => {
      last ??= pending().finally(() => setTimeout(() => (last = undefined), 100));
      return last;
    };
    new Gauge({
      name: "valara_webhook_pending_deliveries",
      help: "Deliveries pending or failed and awaiting a retry (all instances: read from the database)",
      registers: [this.registry],
      async collect() {
        this.set((await read()).depth);
      },
    });
    new Gauge({
      name: "valara_webhook_oldest_pending_age_seconds",
      help: "Age of the oldest event with a delivery still pending (0 when none)",
      registers: [this.registry],
      async collect() {
        this.set((await read()).oldestAgeSeconds);
      },
    });
  }
}
