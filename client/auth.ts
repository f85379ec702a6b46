import type { components } from "./openapi-types.js";
import type { CallOptions, Transport } from "./transport.js";

type Schemas = components["schemas"];
export type Session = Schemas["Session"];
export type SessionWithUser = Schemas["SessionWithUser"];
export type ApiKey = Schemas["ApiKey"];
export type CreatedApiKey = Schemas["CreatedApiKey"];
export type SignInResponse = Schemas["SignInResponse"];

/** Better Auth's routes that we keep: sessions, password, and the caller's own API keys. */
export class AuthApi {
  readonly apiKeys: ApiKeysApi;
  constructor(private readonly transport: Transport) {
    this.apiKeys = new ApiKeysApi(transport);
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown, options?: CallOptions): Promise<T> {
    return (await this.transport.send<T>({ method, path: `/api/auth${path}`, body, options })).data;
  }

  /** Signs in with email and password; in a browser the session cookie is set by the answer. */
  signIn(credentials: Schemas["SignInRequest"], options?: CallOptions): Promise<SignInResponse> {
    return this.call("POST", "/sign-in/email", credentials, options);
  }

  /** Ends the current session. */
  signOut(options?: CallOptions): Promise<Schemas["SuccessResult"]> {
    return this.call("POST", "/sign-out", {}, options);
  }

  /** The current session and user, or null when not signed in. */
  getSession(options?: CallOptions): Promise<SessionWithUser | null> {
    return this.call("GET", "/get-session", undefined, options);
  }

  listSessions(options?: CallOptions): Promise<Session[]> {
    return this.call("GET", "/list-sessions", undefined, options);
  }

  revokeSession(token: string, options?: CallOptions): Promise<Schemas["StatusResult"]> {
    return this.call("POST", "/revoke-session", { token }, options);
  }

  /** Ends every session but this one. */
  revokeOtherSessions(options?: CallOptions): Promise<Schemas["StatusResult"]> {
    return this.call("POST", "/revoke-other-sessions", {}, options);
  }

  changePassword(body: Schemas["ChangePasswordRequest"], options?: CallOptions) {
    return this.call<Schemas["ChangePasswordResponse"]>("POST", "/change-password", body, options);
  }
}

/** The caller's API keys. The secret of a key is in `create`'s answer only. */
export class ApiKeysApi {
  constructor(private readonly transport: Transport) {}

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown, options?: CallOptions) {
    const query = method === "GET" && body ? (body as Record<string, string>) : undefined;
    const sent = method === "POST" ? body : undefined;
    return (await this.transport.send<T>({ method, path: `/api/auth/api-key${path}`, query, body: sent, options }))
      .data;
  }

  create(body: Schemas["CreateApiKeyRequest"] = {}, options?: CallOptions): Promise<CreatedApiKey> {
    return this.call("POST", "/create", body, options);
  }

  async list(options?: CallOptions): Promise<ApiKey[]> {
    return (await this.call<Schemas["ApiKeyList"]>("GET", "/list", undefined, options)).apiKeys;
  }

  get(id: string, options?: CallOptions): Promise<ApiKey> {
    return this.call("GET", "/get", { id }, options);
  }

  /** Renames, enables or disables (revokes), or changes the expiry of a key. */
  update(body: Schemas["UpdateApiKeyRequest"], options?: CallOptions): Promise<ApiKey> {
    return this.call("POST", "/update", body, options);
  }

  delete(keyId: string, options?: CallOptions): Promise<Schemas["SuccessResult"]> {
    return this.call("POST", "/delete", { keyId }, options);
  }
}
