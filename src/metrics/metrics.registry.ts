import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { logLinesDropped } from "../logger.js";

type HttpLabel = "method" | "route" | "status";

/** The metrics of one app instance, in a registry of its own (never prom-client's global one). */
export interface AppMetrics {
  registry: Registry;
  httpRequests: Counter<HttpLabel>;
  httpDuration: Histogram<HttpLabel>;
}

/** Request latency buckets in seconds, for a fast API: 0.5 ms to 10 s (the request budget). */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// Process metrics describe the process, not an app: collectDefaultMetrics starts an event-loop
// delay monitor and a GC observer that it never stops, so it runs once per process and each
// app's registry is its own metrics merged with those same process-metric objects.
let processMetrics: Registry | undefined;

function sharedProcessMetrics(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
    // There is one stdout per process, so this one is the process's too.
    new Counter({
      name: "valara_log_lines_dropped_total",
      help: "Log lines dropped because stdout (a pipe, socket or terminal) was not read fast enough",
      registers: [processMetrics],
      collect() {
        this.reset();
        this.inc(logLinesDropped());
      },
    });
  }
  return processMetrics;
}

/**
 * A fresh registry with the HTTP and database metrics, plus the process's default metrics.
 * `statements()` is read for valara_db_queries_total at each scrape; `others` (a feature's own
 * registry, such as the webhooks') are merged in.
 */
export function createMetrics(statements: () => number, others: Registry[] = []): AppMetrics {
  const own = new Registry();
  const registers = [own];
  const labelNames: HttpLabel[] = ["method", "route", "status"];
  const httpRequests = new Counter({
    name: "valara_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames,
    registers,
  });
  const httpDuration = new Histogram({
    name: "valara_http_request_duration_seconds",
    help: "Time from receiving a request to finishing its response, by method, route pattern and status",
    labelNames,
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });
  new Counter({
    name: "valara_db_queries_total",
    help: "SQL statements the process ran (the API's and Better Auth's), as counted for the statement budget",
    registers,
    collect() {
      this.reset();
      this.inc(statements());
    },
  });
  const registry = Registry.merge([own, ...others, sharedProcessMetrics()]);
  return { registry, httpRequests, httpDuration };
}
