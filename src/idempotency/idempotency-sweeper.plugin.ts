import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Database } from "../db/database.js";
import { deleteExpired } from "./idempotency.repository.js";

const SWEEP_EVERY_MS = 10 * 60 * 1000;
const BATCH = 500;

/**
 * Removes idempotency keys past their 24 hours, in small batches between requests; a lookup
 * already ignores expired keys, so sweeping late never changes an answer. Returns how many went.
 */
export async function sweepExpiredKeys(database: Database, now = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteExpired(database.db, now.toISOString(), BATCH);
    total += deleted;
    if (deleted < BATCH) return total;
    // Let waiting requests have the database between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Sweeps on a timer for as long as the app runs. */
export const idempotencySweeperPlugin = fp(
  async (app: FastifyInstance, { database }: { database: Database }) => {
    let timer: NodeJS.Timeout | undefined;
    const sweep = () => {
      sweepExpiredKeys(database).then(
        (count) => count > 0 && app.log.info({ count }, "removed expired idempotency keys"),
        (error) => app.log.warn({ err: error }, "idempotency sweep failed; will retry"),
      );
    };
    app.addHook("onReady", async () => {
      timer = setInterval(sweep, SWEEP_EVERY_MS);
      timer.unref();
    });
    app.addHook("onClose", async () => clearInterval(timer));
  },
  { name: "idempotency-sweeper" },
);
