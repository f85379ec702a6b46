import { type TSchema, Type } from "@sinclair/typebox";
import { EVENT_TYPES, SUBSCRIBABLE_TYPES } from "./webhook-events.js";

// Named schemas ($id): components of the OpenAPI document, and so named types in the client.
const named = (id: string, description: string) => ({ $id: id, title: id, description });
const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });

export const WebhookEventTypeSchema = Type.Union(
  EVENT_TYPES.map((type) => Type.Literal(type)),
  named("WebhookEventType", "An event type of the catalog"),
);
const Subscribable = Type.Union(SUBSCRIBABLE_TYPES.map((type) => Type.Literal(type)));
const EventTypes = Type.Array(Subscribable, {
  minItems: 1,
  uniqueItems: true,
  description: "The event types to receive; omitted at creation: every type",
});

export const WebhookCatalogSchema = Type.Object(
  { data: Type.Array(Type.Object({ type: Type.Ref(WebhookEventTypeSchema), description: Type.String() })) },
  named("WebhookCatalog", "Every event type an endpoint can receive"),
);

export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String({ description: "whe_…" }),
    url: Type.String({ description: "Where deliveries are POSTed (https)" }),
    description: nullable(Type.String()),
    event_types: Type.Array(Subscribable),
    enabled: Type.Boolean(),
    disabled_reason: nullable(
      Type.String({ description: "Why it was disabled: `admin`, `gone` (it answered 410) or `failing` (5 days)" }),
    ),
    previous_secret_expires_at: nullable(
      Type.String({ format: "date-time", description: "Until when the secret before the last rotation still signs" }),
    ),
    created_at: DateTime,
    updated_at: DateTime,
  },
  named("WebhookEndpoint", "A registered receiver of webhooks (its secret is shown only once)"),
);

export const WebhookEndpointWithSecretSchema = Type.Intersect(
  [
    Type.Ref(WebhookEndpointSchema),
    Type.Object({ secret: Type.String({ description: "whsec_…: shown this once; store it now" }) }),
  ],
  named("WebhookEndpointWithSecret", "A new endpoint, or one whose secret was just rotated, with its secret"),
);

export const WebhookEndpointCreateSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { ...named("WebhookEndpointCreate", "A new endpoint"), additionalProperties: false },
);

export const WebhookEndpointPatchSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    event_types: Type.Optional(EventTypes),
    description: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
    enabled: Type.Optional(Type.Boolean({ description: "true re-enables a disabled endpoint" })),
  },
  { ...named("WebhookEndpointPatch", "Changes to an endpoint"), additionalProperties: false },
);

const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: "Pass as `cursor` for the next page; null on the last page",
});

export const WebhookEndpointPageSchema = Type.Object(
  { data: Type.Array(Type.Ref(WebhookEndpointSchema)), next_cursor: NextCursor },
  named("WebhookEndpointPage", "One page of endpoints, oldest first"),
);

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ description: "dlv_…" }),
    endpoint_id: Type.String(),
    event_id: Type.String(),
    event_type: Type.Ref(WebhookEventTypeSchema),
    status: Type.Union(
      [Type.Literal("pending"), Type.Literal("succeeded"), Type.Literal("failed"), Type.Literal("dead")],
      {
        description: "pending (not tried yet), failed (retried at next_attempt_at), succeeded, dead (no more tries)",
      },
    ),
    attempts: Type.Integer(),
    last_response_status: nullable(Type.Integer()),
    last_error: nullable(Type.String()),
    last_duration_ms: nullable(Type.Integer()),
    next_attempt_at: nullable(DateTime),
    created_at: DateTime,
    updated_at: DateTime,
  },
  named("WebhookDelivery", "One event sent (or to send) to one endpoint"),
);

export const WebhookDeliveryPageSchema = Type.Object(
  { data: Type.Array(Type.Ref(WebhookDeliverySchema)), next_cursor: NextCursor },
  named("WebhookDeliveryPage", "One page of an endpoint's deliveries, newest first"),
);

export const WebhookTestResultSchema = Type.Object(
  {
    delivery_id: Type.String(),
    event_id: Type.String(),
    ok: Type.Boolean({ description: "The receiver answered 2xx" }),
    status: nullable(Type.Integer({ description: "The receiver's status; null when it did not answer" })),
    duration_ms: Type.Integer(),
    error: nullable(Type.String()),
  },
  named("WebhookTestResult", "How the receiver answered a webhook.test event"),
);

export const EventSchema = Type.Object(
  {
    event_id: Type.String({ description: "evt_…: the same on every delivery of this event" }),
    event_type: Type.Ref(WebhookEventTypeSchema),
    api_version: Type.String(),
    timestamp: Type.Integer({ description: "Epoch seconds of this read (of this attempt, in a delivery)" }),
    nonce: Type.String(),
    position: Type.Integer({ description: "The event's place in the feed: commit order, no gaps" }),
    data: Type.Object({}, { additionalProperties: true }),
  },
  named("Event", "Valara's event envelope, as deliveries carry it (plus its feed position)"),
);

export const EventPageSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(EventSchema)),
    next_cursor: Type.String({
      description: "Pass as `after` for what follows; never null: at the end it marks where to poll from next",
    }),
    has_more: Type.Boolean(),
  },
  named("EventPage", "One page of the events feed, oldest first"),
);

/** Every named schema of webhooks and the feed, for app.addSchema. */
export const WEBHOOK_SCHEMAS = [
  WebhookEventTypeSchema,
  WebhookCatalogSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointPageSchema,
  WebhookDeliverySchema,
  WebhookDeliveryPageSchema,
  WebhookTestResultSchema,
  EventSchema,
  EventPageSchema,
];
