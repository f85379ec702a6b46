import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/database.js";
import type { StatementSteps } from "../db/raw-sql.js";
import {
  type ClaimedDelivery,
  claimedById,
  claimRunsSteps,
  deleteOlderThan,
  endpointsWithRoom,
  hasDueDeliveries,
  type RunClaim,
  releaseStatement,
  writeInBackground,
} from "./delivery.repository.js";
import { type Outcome, type RecordedOutcome, recordOutcomeSteps, reportOutcomes } from "./delivery-attempt.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import { relayOnce } from "./webhook-relay.js";

/** One delivery cycle's write (DeliveryWorkers): outcomes to record, leases to give back, runs to claim. */
export interface CycleWrite {
  owner: string;
  schedule: readonly number[];
  outcomes: readonly Outcome[];
  toRelease: readonly string[];
  claims: readonly RunClaim[];
  /** Attempts cut short by a shutdown since the last cycle (counted, not recorded). */
  aborted: number;
}

/** What a cycle's write came to: the outcomes kept, and the deliveries claimed. */
export interface CycleResult {
  recorded: RecordedOutcome[];
  claimed: ClaimedDelivery[];
}

/**
 * Everything the webhook background asks of the database, each call one operation of plain data
 * in and out, so that it can be made on another thread: the delivery workers in the webhook thread
 * send each call to the main thread, whose database makes it (webhook-thread.ts). The thread owns
 * no connection of its own: on SQLite its writes join the main thread's group commit instead of
 * taking the one write lock from it (a second writer connection made the API wait for that lock
 * 12 % of the time under load, and each side's commits emptied the other's page cache).
 */
export interface BackgroundStore {
  /** One relay step (webhook-relay.ts): how many events it made. */
  relay(): Promise<number>;
  /** Whether a delivery is due at `now` (a read): the delivery workers start once one is. */
  hasDueDeliveries(now: string): Promise<boolean>;
  /** The endpoints with room for more runs (delivery.repository.ts endpointsWithRoom). */
  endpointsWithRoom(now: string, endpointCap: number, owner: string): Promise<Array<{ id: string; room: number }>>;
  /** One delivery cycle's write, in one transaction. */
  cycle(write: CycleWrite): Promise<CycleResult>;
  /** Deletes up to `batch` events and deliveries created before `cutoff`; how many went. */
  sweep(cutoff: string, batch: number): Promise<number>;
  /** Refreshes the planner's statistics of the deliveries (Database.refreshStatistics). */
  refreshStatistics(): Promise<void>;
}

/** Where a cycle's outcomes are counted and told: the main thread's metrics and logger. */
export interface OutcomeReporting {
  metrics: WebhookMetrics;
  logger: Pick<FastifyBaseLogger, "warn">;
}

/**
 * The store on `database`, on this thread; every statement counted as background work. The
 * outcomes a cycle records are counted and logged here, as they commit: the counters agree with
 * the database whenever it is read.
 */
export function localStore(database: Database, { metrics, logger }: OutcomeReporting): BackgroundStore {
  const inBackground = <T>(work: () => Promise<T>) => database.queries.inBackground(work);
  return {
    relay: () => relayOnce(database),
    hasDueDeliveries: (now) => inBackground(() => hasDueDeliveries(database, now)),
    endpointsWithRoom: (now, endpointCap, owner) =>
      inBackground(() => endpointsWithRoom(database, now, endpointCap, owner)),
    cycle: async (write) => {
      const result = await inBackground(() => writeInBackground(database, () => cycleSteps(database, write)));
      reportOutcomes(write.outcomes, result.recorded, metrics, logger);
      if (write.aborted > 0) metrics.attempts.inc({ result: "aborted" }, write.aborted);
      return result;
    },
    sweep: (cutoff, batch) => inBackground(() => deleteOlderThan(database.db, cutoff, batch)),
    refreshStatistics: () => inBackground(() => database.refreshStatistics("webhook_delivery")),
  };
}

/**
 * A cycle's write: the outcomes, then the leases given back, then the claims (which see both:
 * a user whose run just ended is free again), then what was claimed, with its event and endpoint.
 */
function* cycleSteps(database: Database, write: CycleWrite): StatementSteps<CycleResult> {
  const { owner, schedule, outcomes, toRelease, claims } = write;
  const recorded = yield* recordOutcomeSteps(outcomes, owner, schedule);
  if (toRelease.length > 0) yield releaseStatement(owner, toRelease);
  const ids: string[] = [];
  for (const claim of claims) ids.push(...(yield* claimRunsSteps(database, claim)));
  const claimed = ids.length > 0 ? ((yield claimedById(owner, ids)) as ClaimedDelivery[]) : [];
  return { recorded, claimed };
}
