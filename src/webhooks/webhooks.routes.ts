import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { callerOf } from "../auth/authenticate.plugin.js";
import { AppError } from "../errors/app-error.js";
import { errorResponses } from "../errors/error-schema.js";
import { API_SECURITY } from "../openapi/security.js";
import { readFeed } from "./events.service.js";
import { EVENT_TYPES, type EventType } from "./webhook-events.js";
import {
  EventPageSchema,
  WebhookCatalogSchema,
  WebhookDeliveryPageSchema,
  WebhookDeliverySchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointPageSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookTestResultSchema,
} from "./webhooks.schemas.js";
import {
  catalog,
  changeEndpoint,
  createEndpoint,
  getEndpoint,
  listDeliveryPage,
  listEndpointPage,
  redeliver,
  removeEndpoint,
  rotateSecret,
  sendTest,
  type WebhookDeps,
} from "./webhooks.service.js";

const EndpointParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: "whe_…" }) });
const DeliveryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: "dlv_…" }) });
const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: "Page size, 1–200" })),
    cursor: Type.Optional(Type.String({ description: "next_cursor of the previous page" })),
  },
  { additionalProperties: false },
);
const FeedQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ description: "next_cursor of the previous page; omitted: from the start" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: "Page size, 1–500" })),
    types: Type.Optional(
      Type.String({
        pattern: "^[a-z_.]+(,[a-z_.]+)*$",
        description: `Only these types, comma-separated: ${EVENT_TYPES.join(", ")}`,
      }),
    ),
  },
  { additionalProperties: false },
);

type Id = { id: string };
type Page = { limit: number; cursor?: string };

/** Admins only, before anything else is read: anyone else learns nothing but 403. */
async function adminOnly(request: FastifyRequest) {
  if (!callerOf(request).isAdmin) {
    throw new AppError("forbidden", { message: "Only administrators may manage webhooks and read events." });
  }
}

function feedTypes(types: string | undefined): EventType[] | undefined {
  if (types === undefined) return undefined;
  const list = types.split(",");
  const unknown = list.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw new AppError("validation_failed", {
      details: { fields: [{ field: "types", message: `unknown event types: ${unknown.join(", ")}` }] },
    });
  }
  return list as EventType[];
}

/** CONTRACT §10: endpoints, the catalog, tests, deliveries and the events feed. */
export async function webhooksRoutes(app: FastifyInstance, { deps }: { deps: WebhookDeps }) {
  const read = { onRequest: [app.authenticate, app.rateLimit("read")], preValidation: adminOnly };
  const list = { onRequest: [app.authenticate, app.rateLimit("list")], preValidation: adminOnly };
  const write = { onRequest: [app.authenticate, app.rateLimit("write")], preValidation: adminOnly };
  const common = { tags: ["webhooks"], security: API_SECURITY };
  const id = (request: FastifyRequest) => (request.params as Id).id;

  app.get(
    "/api/v1/webhooks/events",
    {
      ...read,
      schema: {
        ...common,
        operationId: "listWebhookEventTypes",
        summary: "The event catalog (admin)",
        response: { 200: Type.Ref(WebhookCatalogSchema), ...errorResponses(401, 403, 429, 500) },
      },
    },
    async () => catalog(),
  );

  app.post<{ Body: { url: string; event_types?: EventType[]; description?: string } }>(
    "/api/v1/webhooks/endpoints",
    {
      ...write,
      schema: {
        ...common,
        operationId: "createWebhookEndpoint",
        summary: "Register an endpoint (admin); its secret is shown once",
        description:
          "The URL must be https and resolve only to public addresses (422 webhook_url_not_allowed); " +
          "no `event_types`: every type.",
        body: Type.Ref(WebhookEndpointCreateSchema),
        response: { 201: Type.Ref(WebhookEndpointWithSecretSchema), ...errorResponses(401, 403, 415, 422, 429, 500) },
      },
    },
    async (request, reply) => reply.code(201).send(await createEndpoint(deps, request.body, request.budget)),
  );

  app.get<{ Querystring: Page }>(
    "/api/v1/webhooks/endpoints",
    {
      ...list,
      schema: {
        ...common,
        operationId: "listWebhookEndpoints",
        summary: "List endpoints (admin)",
        querystring: PageQuery,
        response: { 200: Type.Ref(WebhookEndpointPageSchema), ...errorResponses(401, 403, 422, 429, 500) },
      },
    },
    async (request) => listEndpointPage(deps, request.query),
  );

  app.get(
    "/api/v1/webhooks/endpoints/:id",
    {
      ...read,
      schema: {
        ...common,
        operationId: "getWebhookEndpoint",
        summary: "Read an endpoint (admin)",
        params: EndpointParams,
        response: { 200: Type.Ref(WebhookEndpointSchema), ...errorResponses(401, 403, 404, 429, 500) },
      },
    },
    async (request) => getEndpoint(deps, id(request)),
  );

  app.patch<{ Body: { url?: string; event_types?: EventType[]; description?: string | null; enabled?: boolean } }>(
    "/api/v1/webhooks/endpoints/:id",
    {
      ...write,
      schema: {
        ...common,
        operationId: "updateWebhookEndpoint",
        summary: "Change an endpoint's url, event types, description or enabled (admin)",
        params: EndpointParams,
        body: Type.Ref(WebhookEndpointPatchSchema),
        response: { 200: Type.Ref(WebhookEndpointSchema), ...errorResponses(401, 403, 404, 415, 422, 429, 500) },
      },
    },
    async (request) => changeEndpoint(deps, id(request), request.body, request.budget),
  );

  app.delete(
    "/api/v1/webhooks/endpoints/:id",
    {
      ...write,
      schema: {
        ...common,
        operationId: "deleteWebhookEndpoint",
        summary: "Delete an endpoint and its deliveries (admin)",
        params: EndpointParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses(401, 403, 404, 429, 500) },
      },
    },
    async (request, reply) => {
      await removeEndpoint(deps, id(request), request.budget);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/v1/webhooks/endpoints/:id/rotate-secret",
    {
      ...write,
      schema: {
        ...common,
        operationId: "rotateWebhookSecret",
        summary: "A new secret, shown once; the old one still signs for 24 hours (admin)",
        params: EndpointParams,
        response: { 200: Type.Ref(WebhookEndpointWithSecretSchema), ...errorResponses(401, 403, 404, 429, 500) },
      },
    },
    async (request) => rotateSecret(deps, id(request), request.budget),
  );

  app.post(
    "/api/v1/webhooks/endpoints/:id/test",
    {
      ...write,
      schema: {
        ...common,
        operationId: "testWebhookEndpoint",
        summary: "Send a webhook.test event now and report how the receiver answered (admin)",
        params: EndpointParams,
        response: { 200: Type.Ref(WebhookTestResultSchema), ...errorResponses(401, 403, 404, 429, 500) },
      },
    },
    async (request) => sendTest(deps, id(request), request.budget),
  );

  app.get<{ Querystring: Page }>(
    "/api/v1/webhooks/endpoints/:id/deliveries",
    {
      ...list,
      schema: {
        ...common,
        operationId: "listWebhookDeliveries",
        summary: "An endpoint's deliveries, newest first (admin)",
        params: EndpointParams,
        querystring: PageQuery,
        response: { 200: Type.Ref(WebhookDeliveryPageSchema), ...errorResponses(401, 403, 404, 422, 429, 500) },
      },
    },
    async (request) => listDeliveryPage(deps, id(request), request.query),
  );

  app.post(
    "/api/v1/webhooks/deliveries/:id/redeliver",
    {
      ...write,
      schema: {
        ...common,
        operationId: "redeliverWebhook",
        summary: "Queue a delivery again, a dead one included, with a fresh schedule (admin)",
        params: DeliveryParams,
        response: { 202: Type.Ref(WebhookDeliverySchema), ...errorResponses(401, 403, 404, 429, 500) },
      },
    },
    async (request, reply) => reply.code(202).send(await redeliver(deps, id(request), request.budget)),
  );

  app.get<{ Querystring: { after?: string; limit: number; types?: string } }>(
    "/api/v1/events",
    {
      ...list,
      schema: {
        tags: ["events"],
        security: API_SECURITY,
        operationId: "listEvents",
        summary: "The feed of every event, oldest first, kept 30 days (admin)",
        description:
          "Positions follow commit order without gaps; a page, once read, never changes. Poll with `after` = the " +
          "last `next_cursor` (never null). A cursor is bound to its `types` filter.",
        querystring: FeedQuery,
        response: { 200: Type.Ref(EventPageSchema), ...errorResponses(401, 403, 422, 429, 500) },
      },
    },
    async (request) =>
      readFeed(deps.database, deps.secret, {
        after: request.query.after,
        limit: request.query.limit,
        types: feedTypes(request.query.types),
      }),
  );
}
