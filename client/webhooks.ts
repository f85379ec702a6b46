import type { components, operations } from "./openapi-types.js";
import { Paginator } from "./pagination.js";
import type { CallOptions, Transport } from "./transport.js";

type Schemas = components["schemas"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
/** A new endpoint, or one whose secret was just rotated: the secret is shown this once. */
export type WebhookEndpointWithSecret = Schemas["WebhookEndpointWithSecret"];
export type WebhookEndpointCreate = Schemas["WebhookEndpointCreate"];
export type WebhookEndpointPatch = Schemas["WebhookEndpointPatch"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookTestResult = Schemas["WebhookTestResult"];
export type WebhookEventType = Schemas["WebhookEventType"];
/** One item of the events feed: Valara's envelope with its position. */
export type FeedEvent = Schemas["Event"];
export type EventPage = Schemas["EventPage"];
export type EventListQuery = NonNullable<operations["listEvents"]["parameters"]["query"]>;

const endpointPath = (id: string) => `/api/v1/webhooks/endpoints/${encodeURIComponent(id)}`;

/** /api/v1/webhooks (admins): endpoints, the catalog, tests, deliveries and redelivery. */
export class WebhooksApi {
  constructor(private readonly transport: Transport) {}

  private async call<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    options?: CallOptions,
  ) {
    return (await this.transport.send<T>({ method, path, body, options })).data;
  }

  /** The event catalog. */
  async eventTypes(options?: CallOptions): Promise<Schemas["WebhookCatalog"]["data"]> {
    return (await this.call<Schemas["WebhookCatalog"]>("GET", "/api/v1/webhooks/events", undefined, options)).data;
  }

  /** Registers an endpoint; keep the `secret` of the answer, it is never shown again. */
  create(body: WebhookEndpointCreate, options?: CallOptions): Promise<WebhookEndpointWithSecret> {
    return this.call("POST", "/api/v1/webhooks/endpoints", body, options);
  }

  /** Every endpoint, oldest first, page by page as you iterate. */
  list(query: { limit?: number } = {}, options?: CallOptions): Paginator<WebhookEndpoint> {
    return new Paginator(
      async (cursor) =>
        (
          await this.transport.send<Schemas["WebhookEndpointPage"]>({
            method: "GET",
            path: "/api/v1/webhooks/endpoints",
            query: { ...query, cursor },
            options,
          })
        ).data,
    );
  }

  get(id: string, options?: CallOptions): Promise<WebhookEndpoint> {
    return this.call("GET", endpointPath(id), undefined, options);
  }

  /** Changes url, event_types, description or enabled. */
  update(id: string, patch: WebhookEndpointPatch, options?: CallOptions): Promise<WebhookEndpoint> {
    return this.call("PATCH", endpointPath(id), patch, options);
  }

  /** Deletes the endpoint and its deliveries. */
  async delete(id: string, options?: CallOptions): Promise<void> {
    await this.transport.send({ method: "DELETE", path: endpointPath(id), options });
  }

  /** A new secret (shown once); the old one keeps signing for 24 hours. */
  rotateSecret(id: string, options?: CallOptions): Promise<WebhookEndpointWithSecret> {
    return this.call("POST", `${endpointPath(id)}/rotate-secret`, undefined, options);
  }

  /** Sends a webhook.test event now; how the receiver answered. */
  test(id: string, options?: CallOptions): Promise<WebhookTestResult> {
    return this.call("POST", `${endpointPath(id)}/test`, undefined, options);
  }

  /** The endpoint's deliveries, newest first, page by page as you iterate. */
  deliveries(id: string, query: { limit?: number } = {}, options?: CallOptions): Paginator<WebhookDelivery> {
    return new Paginator(
      async (cursor) =>
        (
          await this.transport.send<Schemas["WebhookDeliveryPage"]>({
            method: "GET",
            path: `${endpointPath(id)}/deliveries`,
            query: { ...query, cursor },
            options,
          })
        ).data,
    );
  }

  /** Queues a delivery again (a dead one included). */
  redeliver(deliveryId: string, options?: CallOptions): Promise<WebhookDelivery> {
    return this.call(
      "POST",
      `/api/v1/webhooks/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
      undefined,
      options,
    );
  }
}

/** /api/v1/events (admins): the feed of every event, oldest first. */
export class EventsApi {
  constructor(private readonly transport: Transport) {}

  /**
   * One page after `after` (a previous `next_cursor`; omitted: from the start). `next_cursor` is
   * never null: when `has_more` is false, poll again later with it.
   */
  async list(query: EventListQuery = {}, options?: CallOptions): Promise<EventPage> {
    return (await this.transport.send<EventPage>({ method: "GET", path: "/api/v1/events", query, options })).data;
  }
}
