// valara-users/client: the typed client of the Valara Users API, for Node 20 and browsers.
// Its types come from the server's OpenAPI document (openapi-types.ts, generated).
import { AuthApi } from "./auth.js";
import { type ClientOptions, Transport } from "./transport.js";
import { UsersApi } from "./users.js";
import { EventsApi, WebhooksApi } from "./webhooks.js";

export type { ApiKey, CreatedApiKey, Session, SessionWithUser, SignInResponse } from "./auth.js";
export { type ErrorCode, type FieldError, ValaraError, ValaraNetworkError, ValaraTimeoutError } from "./errors.js";
export type { components, operations, paths } from "./openapi-types.js";
export { type Page, Paginator } from "./pagination.js";
export {
  PROFILE_FIELD_GROUPS,
  PROFILE_FIELDS,
  type ProfileFieldGroupId,
  type ProfileFieldSpec,
} from "./profile-fields.js";
export {
  type CallOptions,
  type ClientOptions,
  metaOf,
  newIdempotencyKey,
  type ResponseMeta,
  type WriteOptions,
} from "./transport.js";
export type { AdminPatch, HistoryEntry, HistoryQuery, ProfilePatch, User, UserListQuery } from "./users.js";
export {
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookEvent,
  WebhookSignatureError,
} from "./verify-webhook.js";
export type {
  EventListQuery,
  EventPage,
  FeedEvent,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointPatch,
  WebhookEndpointWithSecret,
  WebhookEventType,
  WebhookTestResult,
} from "./webhooks.js";

/** The Valara Users API: `new ValaraClient({ baseUrl, apiKey })`, or `await ValaraClient.signIn(…)`. */
export class ValaraClient {
  readonly users: UsersApi;
  readonly auth: AuthApi;
  readonly webhooks: WebhooksApi;
  readonly events: EventsApi;
  readonly baseUrl: string;

  constructor(options: ClientOptions) {
    const transport = new Transport(options);
    this.baseUrl = transport.baseUrl;
    this.users = new UsersApi(transport);
    this.auth = new AuthApi(transport);
    this.webhooks = new WebhooksApi(transport);
    this.events = new EventsApi(transport);
  }

  /**
   * Signs in by email and password (from Node; in a browser use `auth.signIn`, which sets the
   * session cookie) and returns a client that holds the session token.
   */
  static async signIn(
    options: Omit<ClientOptions, "apiKey" | "sessionToken"> & { email: string; password: string },
  ): Promise<ValaraClient> {
    const { email, password, ...clientOptions } = options;
    const transport = new Transport(clientOptions);
    const { meta } = await transport.send({
      method: "POST",
      path: "/api/auth/sign-in/email",
      body: { email, password },
    });
    // The signed token, as the bearer plugin hands it out; the bare one in the body works too.
    const token = meta.headers.get("set-auth-token");
    if (!token) throw new TypeError("sign-in answered without a session token (set-auth-token)");
    return new ValaraClient({ ...clientOptions, sessionToken: token });
  }
}
