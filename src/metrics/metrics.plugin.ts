import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Registry } from "prom-client";
import { AppError } from "../errors/app-error.js";
import { sendError } from "../errors/error-handler.js";
import { ErrorSchema, errorResponses } from "../errors/error-schema.js";
import type { Services } from "../services.js";
import { bearerTokenMatcher } from "./metrics.auth.js";
import { createMetrics } from "./metrics.registry.js";

/** The `route` label of requests that matched no route: one series, whatever the URL. */
export const UNMATCHED_ROUTE = "not_found";

const unauthorized = () =>
  new AppError("auth_required", {
    message: "GET /metrics requires Authorization: Bearer <METRICS_TOKEN>.",
    headers: { "www-authenticate": 'Bearer realm="metrics"' },
  });

/**
 * Prometheus metrics: request counts and latencies by route pattern and status, every SQL
 * statement, and the process's default metrics, served at GET /metrics. Absent (404) when
 * METRICS_ENABLED=false; behind `Authorization: Bearer <METRICS_TOKEN>` when a token is set.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, { services, registries = [] }: { services: Services; registries?: Registry[] }) => {
    const { enabled, token } = services.config.metrics;
    if (!enabled) return;
    // valara_db_queries_total is read when scraped, from the database's own count (no work per
    // statement): the statements run since this app started.
    const { queries } = services.database;
    const queriesAtStart = queries.total;
    const { registry, httpRequests, httpDuration } = createMetrics(() => queries.total - queriesAtStart, registries);

    // Callback style (no promise per request), and one labelled child per method × route
    // pattern × status, made once: prom-client would otherwise hash the labels on every request
    // (4 % of a PATCH).
    const series = new Map<
      string,
      { requests: ReturnType<typeof httpRequests.labels>; duration: ReturnType<typeof httpDuration.labels> }
    >();
    app.addHook("onResponse", (request, reply, done) => {
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      const key = `${request.method} ${route} ${reply.statusCode}`;
      let one = series.get(key);
      if (!one) {
        const labels = { method: request.method, route, status: reply.statusCode };
        one = { requests: httpRequests.labels(labels), duration: httpDuration.labels(labels) };
        series.set(key, one);
      }
      one.requests.inc();
      one.duration.observe(reply.elapsedTime / 1000);
      done();
    });

    // Answers through sendError rather than by throwing, so the envelope does not depend on
    // whether the app's error handler was set before this route was registered.
    const tokenMatches = token === undefined ? undefined : bearerTokenMatcher(token);
    const checkToken = async (request: FastifyRequest, reply: FastifyReply) => {
      if (tokenMatches && !tokenMatches(request.headers.authorization)) return sendError(reply, unauthorized());
    };

    app.get(
      "/metrics",
      {
        onRequest: checkToken,
        schema: {
          operationId: "getMetrics",
          tags: ["operations"],
          summary: "Prometheus metrics",
          description:
            "Request counts and latency histograms by route pattern and status, `valara_db_queries_total` " +
            "(every SQL statement the process ran) and the process's default metrics, in the Prometheus text " +
            "format. Absent (404) when METRICS_ENABLED=false; when METRICS_TOKEN is set, send " +
            "`Authorization: Bearer <METRICS_TOKEN>`.",
          response: {
            200: {
              description: "Prometheus text exposition format 0.0.4",
              content: { [registry.contentType]: { schema: Type.String() } },
            },
            401: Type.Ref(ErrorSchema, {
              description: "Error envelope; code is auth_required (missing or wrong token)",
            }),
            ...errorResponses(500),
          },
        },
      },
      async (request, reply) => {
        try {
          const text = await registry.metrics();
          return reply.header("cache-control", "no-store").type(registry.contentType).send(text);
        } catch (error) {
          request.log.error({ err: error }, "collecting metrics failed");
          return sendError(reply, new AppError("internal_error"));
        }
      },
    );
  },
  { name: "metrics" },
);
