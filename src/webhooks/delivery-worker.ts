import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { Database } from "../db/database.js";
import {
  type ClaimedDelivery,
  claimDue,
  endpointsWithRoom,
  loadClaimed,
  releaseLeases,
} from "./delivery.repository.js";
import { recordOutcome, sendDelivery } from "./delivery-attempt.js";
import { newId } from "./webhook-events.js";
import type { WebhookSender } from "./webhook-http.js";
import type { WebhookMetrics } from "./webhook-metrics.js";

// A lease outlives the attempt's timeout by this much (the outcome's write included); a worker
// killed mid-delivery delays that delivery by at most the lease.
const LEASE_MARGIN_MS = 5_000;
// Deliveries one slot sends in a row, going on to the same user's next (see run).
const CHAIN = 10;

export interface WorkerDependencies {
  database: Database;
  config: WebhookConfig;
  sender: WebhookSender;
  metrics: WebhookMetrics;
  logger: FastifyBaseLogger;
}

/**
 * This instance's delivery workers: claim due deliveries with a lease, send each, record the
 * outcome. At most `concurrency` in flight here; at most `endpointConcurrency` per endpoint
 * (across instances, as far as the leases in the database show). Every database statement is
 * background work (QueryCounter.inBackground).
 */
export class DeliveryWorkers {
  readonly owner = newId("wrk");
  private readonly inFlight = new Set<{ controller: AbortController; done: Promise<void> }>();
  private readonly perEndpoint = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(private readonly deps: WorkerDependencies) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.deps.config.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (after the relay made some, or one finished). */
  wake(): void {
    if (this.stopping) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.deps.database.queries
      .inBackground(() => this.poll())
      .catch((error) => this.deps.logger.warn({ err: error }, "webhook delivery poll failed; will retry"))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async poll(): Promise<void> {
    const { config, database } = this.deps;
    for (;;) {
      if (this.stopping || this.inFlight.size >= config.concurrency) return;
      const now = Date.now();
      const nowIso = new Date(now).toISOString();
      const leaseUntil = this.leaseUntil(now);
      const open = await endpointsWithRoom(database, nowIso, config.endpointConcurrency);
      let claimedAny = false;
      for (const endpoint of open) {
        const free = config.concurrency - this.inFlight.size;
        // This instance's own count too: an outcome clears its lease in the database a moment
        // before its slot is freed here.
        const room = Math.min(endpoint.room, config.endpointConcurrency - (this.perEndpoint.get(endpoint.id) ?? 0));
        const limit = Math.min(free, room);
        if (limit <= 0 || this.stopping) continue;
        const ids = await claimDue(database, {
          owner: this.owner,
          endpointId: endpoint.id,
          now: nowIso,
          leaseUntil,
          limit,
          endpointCap: config.endpointConcurrency,
        });
        if (ids.length === 0) continue;
        claimedAny = true;
        const claimed = await loadClaimed(database, this.owner, ids);
        if (this.stopping) await releaseLeases(database, ids, this.owner);
        else for (const delivery of claimed) this.run(delivery);
      }
      if (!claimedAny) return;
    }
  }

  /**
   * One slot: sends `first`, records its outcome, and after a success goes straight on to the same
   * user's next delivery when that write could claim it (recordOutcome's `goOn`), up to CHAIN
   * deliveries; then the slot is freed and the poll claims again, oldest due first. The limit keeps
   * a slot from serving one busy user's queue while other users' heads wait.
   */
  private run(first: ClaimedDelivery): void {
    const { database, logger } = this.deps;
    const controller = new AbortController();
    const endpointId = first.endpoint_id;
    this.perEndpoint.set(endpointId, (this.perEndpoint.get(endpointId) ?? 0) + 1);
    const slot = { controller, done: Promise.resolve() };
    let current: ClaimedDelivery | null = first;
    slot.done = database.queries
      .inBackground(async () => {
        for (let sent = 1; current !== null; sent++) {
          if (this.stopping && current !== first) {
            await releaseLeases(database, [current.id], this.owner);
            return;
          }
          current = await this.attempt(current, controller.signal, sent < CHAIN);
        }
      })
      .catch((error) => logger.warn({ err: error, deliveryId: current?.id }, "recording a webhook delivery failed"))
      .finally(() => {
        this.inFlight.delete(slot);
        const left = (this.perEndpoint.get(endpointId) ?? 1) - 1;
        if (left > 0) this.perEndpoint.set(endpointId, left);
        else this.perEndpoint.delete(endpointId);
        this.wake();
      });
    this.inFlight.add(slot);
  }

  /** Sends one delivery and records the outcome; the same user's next one when claimed with it. */
  private async attempt(
    delivery: ClaimedDelivery,
    signal: AbortSignal,
    goOn: boolean,
  ): Promise<ClaimedDelivery | null> {
    const { database, sender, metrics, logger, config } = this.deps;
    const result = await sendDelivery(sender, delivery, signal);
    if (signal.aborted) {
      // Stopped mid-attempt: not counted; the lease is given back for another worker.
      metrics.attempts.inc({ result: "aborted" });
      await releaseLeases(database, [delivery.id], this.owner);
      return null;
    }
    const { next } = await recordOutcome(
      { database, metrics, logger, schedule: config.retryScheduleSeconds, owner: this.owner },
      delivery,
      result,
      goOn && !this.stopping
        ? { goOn: { leaseUntil: this.leaseUntil(), endpointCap: config.endpointConcurrency } }
        : {},
    );
    return next;
  }

  /** When a lease taken now ends. */
  private leaseUntil(now = Date.now()): string {
    return new Date(now + this.deps.config.timeoutMs + LEASE_MARGIN_MS).toISOString();
  }

  /**
   * Stops claiming; lets deliveries in flight finish for up to `graceMs`, then aborts the rest,
   * whose leases are given back (not left to expire). Resolves once nothing is in flight.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.polling;
    const all = () => Promise.all([...this.inFlight.values()].map((entry) => entry.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const entry of this.inFlight.values()) entry.controller.abort();
    await all();
  }
}
