// The background's counters as data, apart from prom-client (webhook-metrics.ts): the webhook
// thread counts without loading it.

/** Each counter the background increments, with its label (none for `relayed`). */
export const COUNTER_LABELS = {
  deliveries: "outcome",
  attempts: "result",
  endpointsDisabled: "reason",
  relayed: null,
} as const;
export type CounterName = keyof typeof COUNTER_LABELS;

/**
 * The counters the background increments (webhook-background.ts): WebhookMetrics' own on the main
 * thread, forwarding ones in the webhook thread (webhook-thread.worker.ts).
 */
export interface WebhookCounters {
  deliveries: { inc(labels: { outcome: string }): void };
  attempts: { inc(labels: { result: string }): void };
  endpointsDisabled: { inc(labels: { reason: string }): void };
  relayed: { inc(value?: number): void };
}
