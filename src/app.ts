import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { authRoutes } from "./auth/auth.routes.js";
import { AUTH_SCHEMAS } from "./auth/auth.schemas.js";
import { authenticatePlugin } from "./auth/authenticate.plugin.js";
import { AppError } from "./errors/app-error.js";
import { answerClientError, errorHandlerPlugin, sendError } from "./errors/error-handler.js";
import { ErrorSchema } from "./errors/error-schema.js";
import { healthRoutes } from "./health/health.routes.js";
import { HistoryEntrySchema, HistoryPageSchema, historyRoutes } from "./history/history.routes.js";
import { drainPlugin } from "./http/drain.plugin.js";
import { acceptJsonBodies } from "./http/json-body.js";
import { requestBudgetPlugin } from "./http/request-budget.plugin.js";
import { generateRequestId, requestIdPlugin } from "./http/request-id.js";
import { OneLinePerRequest } from "./http/request-log.js";
import { securityHeadersPlugin } from "./http/security-headers.plugin.js";
import { createSchemaValidator } from "./http/validator.js";
import { idempotencySweeperPlugin } from "./idempotency/idempotency-sweeper.plugin.js";
import { metricsPlugin } from "./metrics/metrics.plugin.js";
import { openapiPlugin } from "./openapi/openapi.plugin.js";
import { rateLimitPlugin } from "./rate-limit/rate-limit.plugin.js";
import type { RateLimitStore } from "./rate-limit/store.js";
import type { Services } from "./services.js";
import { AdminPatchSchema, ProfilePatchSchema, UserSchema } from "./users/user-object.js";
import { usersRoutes } from "./users/users.routes.js";
import { UserPageSchema, usersListRoutes } from "./users/users-list.routes.js";
import { dashboardPlugin } from "./web/dashboard.plugin.js";
import type { Resolver } from "./webhooks/address-guard.js";
import { createWebhookMetrics, webhooksPlugin } from "./webhooks/webhooks.plugin.js";
import { WEBHOOK_SCHEMAS } from "./webhooks/webhooks.schemas.js";

/** Bodies over this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  services: Services;
  logger: FastifyBaseLogger;
  /** The rate limiter's store, instead of the one the configuration picks (a test's short window). */
  rateLimitStore?: RateLimitStore;
  /** The built dashboard's folder (default dist/app); tests point it elsewhere. */
  dashboardRoot?: string;
  /** How webhook hosts resolve, instead of the system's DNS (a test's rebinding name). */
  webhookResolver?: Resolver;
}

/** Builds the whole HTTP app on the given services. Never listens, never reads process.env. */
export async function buildApp({
  services,
  logger,
  rateLimitStore,
  dashboardRoot,
  webhookResolver,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    genReqId: generateRequestId,
    logController: new OneLinePerRequest(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Prototype keys reach the patch reader as own properties, which refuses them as unknown
    // fields (422) instead of Fastify's bare 400; nothing ever merges a body into an object.
    onProtoPoisoning: "ignore",
    onConstructorPoisoning: "ignore",
    trustProxy: services.config.trustProxy,
    // A request that reaches a closing server on a live connection is served, not refused: the
    // drain (see drain.plugin.ts) has already told its client not to reuse the connection.
    return503OnClosing: false,
    // Slow or stalled clients cannot hold a connection past the request budget (plus a margin
    // for the answer); idle keep-alive sockets go after 5 s (a proxy's pool should idle less).
    connectionTimeout: services.config.requestTimeoutMs + 1_000,
    requestTimeout: services.config.requestTimeoutMs + 5_000,
    keepAliveTimeout: 5_000,
    // Ids longer than this are no id of ours: they get the not-found envelope, not a 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors raised before routing (a malformed URL) get the envelope and a request id too.
    frameworkErrors: (error, request, reply) => {
      sendError(reply, new AppError("not_found", { message: "The URL is malformed." }));
      request.log.debug({ code: error.code }, "malformed URL");
    },
    clientErrorHandler: answerClientError,
  });
  // Only JSON bodies are accepted (415 otherwise).
  app.removeContentTypeParser("text/plain");
  acceptJsonBodies(app);
  // Named schemas: components of the OpenAPI document, and so named types in the typed client.
  const namedSchemas = [
    ErrorSchema,
    UserSchema,
    ProfilePatchSchema,
    AdminPatchSchema,
    UserPageSchema,
    HistoryEntrySchema,
    HistoryPageSchema,
    ...AUTH_SCHEMAS,
    ...WEBHOOK_SCHEMAS,
  ];
  for (const schema of namedSchemas) app.addSchema(schema);
  app.setValidatorCompiler(createSchemaValidator(namedSchemas));

  await app.register(requestIdPlugin);
  await app.register(drainPlugin);
  await app.register(requestBudgetPlugin, { timeoutMs: services.config.requestTimeoutMs });
  await app.register(securityHeadersPlugin, { corsOrigins: services.config.corsOrigins });
  await app.register(errorHandlerPlugin);
  await app.register(openapiPlugin, { publicUrl: services.config.authUrl });
  const webhookMetrics = createWebhookMetrics(services);
  await app.register(metricsPlugin, { services, registries: [webhookMetrics.registry] });
  await app.register(authenticatePlugin, { services });
  await app.register(rateLimitPlugin, { services, store: rateLimitStore });
  await app.register(healthRoutes, { services });
  await app.register(authRoutes, { services });
  await app.register(usersRoutes, { services });
  await app.register(historyRoutes, { services });
  await app.register(idempotencySweeperPlugin, { database: services.database });
  await app.register(usersListRoutes, { services });
  await app.register(webhooksPlugin, { services, metrics: webhookMetrics, resolve: webhookResolver });
  // Not wrapped in fastify-plugin: its headers (CSP) and static files stay inside /app.
  await app.register(dashboardPlugin, { root: dashboardRoot });
  return app;
}
