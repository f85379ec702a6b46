import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../config.js";
import type { BackgroundStore, CycleResult } from "./background-store.js";
import type { ClaimedDelivery, RunClaim } from "./delivery.repository.js";
import { type Outcome, sendDelivery } from "./delivery-attempt.js";
import type { Deliveries } from "./webhook-background.js";
import { newId } from "./webhook-events.js";
import type { WebhookSender } from "./webhook-http.js";

/** What the workers ask of the database (made on the main thread when they run in the webhook thread). */
export type DeliveryStore = Pick<BackgroundStore, "endpointsWithRoom" | "cycle">;

// A lease outlives the attempt's timeout by this much (the outcome's write included); a worker
// killed mid-delivery delays that delivery by at most the lease.
const LEASE_MARGIN_MS = 5_000;
// Deliveries of one user that one claim leases, sent one after another: a claim and its write per
// run instead of per delivery. A run of fast deliveries takes a fraction of its lease; one that
// slows down stops before it could outlast the lease (run).
const RUN_LENGTH = 100;
// Outcomes of runs still under way are written at least this often.
const RECORD_WITHIN_MS = 25;

export interface WorkerDependencies {
  store: DeliveryStore;
  config: WebhookConfig;
  sender: WebhookSender;
  logger: FastifyBaseLogger;
}

/** One user's run in flight (or one delivery of no user). */
interface Run {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * This instance's delivery workers. Each cycle is one write: it records the outcomes of the
 * attempts made since the last (and gives back the leases of runs cut short), then claims runs for
 * the free slots (delivery.repository.ts claimRunsSteps). Each run is sent one delivery after
 * another while its outcomes wait for the next cycle: a user's later event goes out once the
 * earlier one succeeded, without waiting for that to be written. A crash before the write only
 * means those deliveries are sent again once their leases expire (at least once, same event ids,
 * in order). Writing every outcome as it came (a transaction each) was most of a delivery's cost:
 * about 10,000 commits for 10,000 events, each taking SQLite's write lock from the API.
 *
 * At most `concurrency` runs in flight here; at most `endpointConcurrency` at one endpoint (across
 * instances, as far as the leases in the database show).
 */
export class DeliveryWorkers implements Deliveries {
  readonly owner = newId("wrk");
  private readonly runs = new Set<Run>();
  private readonly perEndpoint = new Map<string, number>();
  /** Attempts made and not yet written, and leases to give back, for the next cycle. */
  private outcomes: Outcome[] = [];
  private toRelease: string[] = [];
  private aborted = 0;
  private timer: NodeJS.Timeout | undefined;
  private recordSoon: NodeJS.Timeout | undefined;
  private cycling: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(private readonly deps: WorkerDependencies) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.deps.config.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Runs a cycle now (after the relay made deliveries, a run ended, or outcomes are waiting). */
  wake(): void {
    if (this.stopping) return;
    if (this.cycling) {
      this.again = true;
      return;
    }
    this.cycling = this.cycle()
      .catch((error) => this.deps.logger.warn({ err: error }, "webhook delivery cycle failed; will retry"))
      .finally(() => {
        this.cycling = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Cycles until one claims nothing more. */
  private async cycle(): Promise<void> {
    while ((await this.cycleOnce()) > 0 && !this.stopping) {}
  }

  /** One cycle: one write, then the runs it claimed started; how many runs. */
  private async cycleOnce(): Promise<number> {
    const { store, config } = this.deps;
    const claims = this.stopping ? [] : await this.plan();
    const outcomes = this.outcomes;
    const toRelease = this.toRelease;
    const aborted = this.aborted;
    // An aborted attempt's delivery is always given back: `toRelease` is not empty then.
    if (outcomes.length === 0 && toRelease.length === 0 && claims.length === 0) return 0;
    this.outcomes = [];
    this.toRelease = [];
    this.aborted = 0;
    clearTimeout(this.recordSoon);
    this.recordSoon = undefined;
    let written: CycleResult;
    try {
      written = await store.cycle({
        owner: this.owner,
        schedule: config.retryScheduleSeconds,
        outcomes,
        toRelease,
        claims,
        aborted,
      });
    } catch (error) {
      // Kept for the next cycle: nothing of this one was written.
      this.outcomes.unshift(...outcomes);
      this.toRelease.unshift(...toRelease);
      this.aborted += aborted;
      throw error;
    }
    const leaseUntil = claims[0] ? Date.parse(claims[0].leaseUntil) : 0;
    return this.startRuns(written.claimed, leaseUntil);
  }

  /** What to claim: at each endpoint with due deliveries, as many runs as it and this instance have room for. */
  private async plan(): Promise<RunClaim[]> {
    const { store, config } = this.deps;
    let free = config.concurrency - this.runs.size;
    if (free <= 0) return [];
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const leaseUntil = new Date(now + config.timeoutMs + LEASE_MARGIN_MS).toISOString();
    const claims: RunClaim[] = [];
    for (const endpoint of await store.endpointsWithRoom(nowIso, config.endpointConcurrency, this.owner)) {
      // The database counts other instances' runs; this instance's own are counted here, where a
      // run that ended is no longer one even before its outcomes are written.
      const room = endpoint.room - (this.perEndpoint.get(endpoint.id) ?? 0);
      const users = Math.min(free, room);
      if (users <= 0) continue;
      free -= users;
      claims.push({
        owner: this.owner,
        endpointId: endpoint.id,
        now: nowIso,
        leaseUntil,
        users,
        runLength: RUN_LENGTH,
        endpointCap: config.endpointConcurrency - (this.perEndpoint.get(endpoint.id) ?? 0),
      });
    }
    return claims;
  }

  /** Starts one run per user (and per delivery of no user) among `claimed`, each in feed order. */
  private startRuns(claimed: ClaimedDelivery[], leaseUntil: number): number {
    const runs = new Map<string, ClaimedDelivery[]>();
    for (const delivery of claimed) {
      const key = `${delivery.endpoint_id} ${delivery.user_id ?? delivery.id}`;
      const run = runs.get(key);
      if (run) run.push(delivery);
      else runs.set(key, [delivery]);
    }
    for (const run of runs.values()) {
      run.sort((a, b) => Number(a.position) - Number(b.position));
      this.run(run, leaseUntil);
    }
    return runs.size;
  }

  /**
   * Sends a run's deliveries one after another. It stops at the first that fails (the user's
   * later events wait behind it), on shutdown, or when another attempt might outlast the lease;
   * the deliveries not sent are given back at the next cycle.
   */
  private run(deliveries: ClaimedDelivery[], leaseUntil: number): void {
    const { sender, logger, config } = this.deps;
    const endpointId = (deliveries[0] as ClaimedDelivery).endpoint_id;
    const controller = new AbortController();
    this.perEndpoint.set(endpointId, (this.perEndpoint.get(endpointId) ?? 0) + 1);
    let sent = 0; // deliveries whose outcome is in `outcomes`
    const run: Run = { controller, done: Promise.resolve() };
    run.done = (async () => {
      for (const delivery of deliveries) {
        if (this.stopping || Date.now() + config.timeoutMs > leaseUntil) return;
        const result = await sendDelivery(sender, delivery, controller.signal);
        if (controller.signal.aborted) {
          // Stopped mid-attempt: no outcome; the lease is given back for another worker.
          this.aborted++;
          return;
        }
        const { id, endpoint_id, attempts, failing_since } = delivery;
        this.outcomes.push({ delivery: { id, endpoint_id, attempts, failing_since }, result, at: new Date() });
        sent++;
        this.recordWithin();
        if (result.status === null || result.status < 200 || result.status >= 300) return;
      }
    })()
      .catch((error) => logger.warn({ err: error, endpointId }, "a webhook delivery run failed"))
      .finally(() => {
        for (const delivery of deliveries.slice(sent)) this.toRelease.push(delivery.id);
        this.runs.delete(run);
        const left = (this.perEndpoint.get(endpointId) ?? 1) - 1;
        if (left > 0) this.perEndpoint.set(endpointId, left);
        else this.perEndpoint.delete(endpointId);
        this.wake();
      });
    this.runs.add(run);
  }

  /** A cycle within RECORD_WITHIN_MS, to write the outcomes of runs still under way. */
  private recordWithin(): void {
    if (this.recordSoon || this.stopping) return;
    this.recordSoon = setTimeout(() => {
      this.recordSoon = undefined;
      this.wake();
    }, RECORD_WITHIN_MS);
    this.recordSoon.unref();
  }

  /**
   * Stops claiming; lets runs finish the attempt under way for up to `graceMs` (none starts
   * another), then aborts the rest; then writes every outcome and gives back every lease not
   * used. Resolves once nothing is in flight.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearTimeout(this.recordSoon);
    await this.cycling;
    const all = () => Promise.all([...this.runs].map((run) => run.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const run of this.runs) run.controller.abort();
    await all();
    await this.cycling;
    await this.cycleOnce();
  }
}
