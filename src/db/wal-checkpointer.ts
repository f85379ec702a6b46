import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { PAGE_CACHE_KIB } from "./sqlite-connection.js";

/**
 * SQLite copies its write-ahead log back into the database file (a checkpoint) on the connection
 * that commits, once the log holds `wal_autocheckpoint` pages. A PATCH writes about three pages
 * (four before migration 004), so that happened every ~230–300 writes, on the event loop, with
 * two fsyncs: a 3–5 ms stall that every request in flight waited out (a quarter of p99 at 10
 * connections, BENCHMARKS.md). This worker thread checkpoints instead, on a connection of its
 * own, PASSIVE: it never waits for the writer and never makes the writer wait. The writer's own
 * autocheckpoint (SQLite's default, 1,000 pages) stays: it now mostly finds the log copied
 * already, and takes over should the worker fall behind or fail.
 */
const INTERVAL_MS = 50;

// The worker's whole program. CommonJS (an `eval` worker), so that it runs the same from dist/ and
// under the test runner's TypeScript loader. `data_version` changes only when another connection
// commits: an idle server costs one cheap read per tick, not a checkpoint. A failure is reported
// once (not every tick) and the worker keeps trying.
const PROGRAM = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const sqlite = new Database(workerData.file, { fileMustExist: true });
sqlite.pragma("cache_size = -" + workerData.pageCacheKib);
let seen = -1;
const tick = () => {
  const version = sqlite.pragma("data_version", { simple: true });
  if (version === seen) return;
  seen = version;
  sqlite.pragma("wal_checkpoint(PASSIVE)");
};
let lastError = "";
const timer = setInterval(() => {
  try {
    tick();
    lastError = "";
  } catch (error) {
    const message = String(error && error.message);
    if (message !== lastError) parentPort.postMessage({ error: message });
    lastError = message;
  }
}, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); sqlite.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file`'s WAL in a worker thread; `onError` hears of failures (logged, not fatal). */
export function startWalCheckpointer(file: string, onError: (message: string) => void): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(PROGRAM, {
    eval: true,
    workerData: { file, driver, intervalMs: INTERVAL_MS, pageCacheKib: PAGE_CACHE_KIB },
  });
  // Never what keeps the process alive; shutdown stops it explicitly.
  worker.unref();
  worker.on("message", (message: { error?: string }) => onError(message.error ?? "unknown"));
  worker.on("error", (error) => onError(error.message));
  const exited = new Promise<void>((done) => worker.once("exit", () => done()));
  return {
    stop: async () => {
      worker.ref(); // an unref'd worker would let the process exit before it has closed its connection
      worker.postMessage("stop");
      await exited;
    },
  };
}
