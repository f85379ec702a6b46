import { type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../errors/app-error.js";
import { codeForStatus, type ErrorCode } from "../errors/error-codes.js";
import { sendError } from "../errors/error-handler.js";
import { errorResponses } from "../errors/error-schema.js";
import { SESSION_SECURITY } from "../openapi/security.js";
import type { Services } from "../services.js";
import {
  ApiKeyListSchema,
  ApiKeySchema,
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  DeleteApiKeyRequestSchema,
  RevokeSessionRequestSchema,
  SessionSchema,
  SessionWithUserSchema,
  SignInRequestSchema,
  SignInResponseSchema,
  SignUpRequestSchema,
  SignUpResponseSchema,
  StatusResultSchema,
  SuccessResultSchema,
  UpdateApiKeyRequestSchema,
} from "./auth.schemas.js";
import { CLIENT_IP_HEADER } from "./better-auth.js";

// Better Auth's error codes that have a name in our contract; others map by status.
const BETTER_AUTH_CODES: Record<string, ErrorCode> = {
  USER_ALREADY_EXISTS: "email_taken",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "email_taken",
  ACCOUNT_INACTIVE: "account_inactive",
};

function toRequest(request: FastifyRequest): Request {
  const url = new URL(request.url, `http://${request.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === CLIENT_IP_HEADER || name === "content-length") continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  headers.set(CLIENT_IP_HEADER, request.ip);
  const hasBody = request.body !== undefined && request.method !== "GET" && request.method !== "HEAD";
  return new Request(url, {
    method: request.method,
    headers,
    body: hasBody ? JSON.stringify(request.body) : undefined,
  });
}

/** Better Auth's error response, restated in our envelope (its own code kept in details). */
async function toAppError(response: Response): Promise<AppError> {
  const text = await response.text();
  let parsed: { code?: string; message?: string } = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  const named = parsed.code ? BETTER_AUTH_CODES[parsed.code] : undefined;
  // Better Auth's own failures (5xx) are internal errors to our clients.
  const code = named ?? (response.status < 500 ? codeForStatus(response.status) : undefined);
  if (!code) return new AppError("internal_error");
  return new AppError(code, {
    ...(parsed.message && response.status < 500 ? { message: parsed.message } : {}),
    ...(named ? {} : { status: response.status === 400 ? 422 : response.status }),
    details: parsed.code ? { auth_code: parsed.code } : {},
  });
}

// A page of this very server (the dashboard) is a browser whose fetch says `Sec-Fetch-Site:
// same-origin`. It holds the session in the HttpOnly cookie, so no answer to it needs the session
// token, and none carries it: no script of the page can read a credential (CONTRACT §9). Other
// clients (Node, curl, a browser app on an allowed other origin) get the token as Better Auth
// gives it, to send as Bearer.
const isOwnPage = (request: FastifyRequest) => request.headers["sec-fetch-site"] === "same-origin";

/** The JSON with every `token` string replaced by null (sessions, sign-in answers). */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "token" && typeof inner === "string" ? null : withoutTokens(inner),
    ]),
  );
}

async function forward(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const response = await services.auth.handler(toRequest(request));
  if (response.status >= 400) {
    const error = await toAppError(response);
    const retryAfter = response.headers.get("retry-after") ?? response.headers.get("x-retry-after");
    if (retryAfter) reply.header("retry-after", retryAfter);
    return sendError(reply, error);
  }
  const tokenless = isOwnPage(request);
  reply.code(response.status);
  for (const [name, value] of response.headers) {
    if (name === "set-cookie" || name === "content-length" || (tokenless && name === "set-auth-token")) continue;
    reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  if (!response.body) return reply.send(null);
  const body = Buffer.from(await response.arrayBuffer());
  if (!tokenless || !(response.headers.get("content-type") ?? "").includes("json")) return reply.send(body);
  return reply.send(JSON.stringify(withoutTokens(JSON.parse(body.toString("utf8")))));
}

/** One Better Auth route that we keep, as the OpenAPI document describes it. */
interface KeptRoute {
  method: "GET" | "POST";
  /** Under /api/auth. */
  path: string;
  operationId: string;
  summary: string;
  body?: TSchema;
  querystring?: TSchema;
  response: TSchema;
  /** Error statuses besides 500. */
  errors: number[];
  /** Needs a session (Bearer session token or the session cookie). */
  session: boolean;
}

const SignedInQuery = (description: string) =>
  Type.Object({ id: Type.String({ minLength: 1, description }) }, { additionalProperties: false });

/**
 * The Better Auth routes a client may call: accounts, sessions and the caller's own API keys.
 * Every other route of Better Auth (its admin plugin's user removal, impersonation and password
 * setting, profile and email changes, social sign-in, password reset by email, which this
 * service does not send) is not served: each would change a user around the rules, the history
 * or the audit of /api/v1/users, and an undocumented route is one nobody reviews.
 */
export const KEPT_AUTH_ROUTES: readonly KeptRoute[] = [
  {
    method: "POST",
    path: "/sign-up/email",
    operationId: "signUpEmail",
    summary: "Create an account with email and password, signed in at once",
    body: Type.Ref(SignUpRequestSchema),
    response: Type.Ref(SignUpResponseSchema),
    errors: [409, 422, 429],
    session: false,
  },
  {
    method: "POST",
    path: "/sign-in/email",
    operationId: "signInEmail",
    summary: "Sign in with email and password",
    body: Type.Ref(SignInRequestSchema),
    response: Type.Ref(SignInResponseSchema),
    errors: [401, 403, 422, 429],
    session: false,
  },
  {
    method: "POST",
    path: "/sign-out",
    operationId: "signOut",
    summary: "End the current session (its cookie is cleared)",
    response: Type.Ref(SuccessResultSchema),
    errors: [401, 403],
    session: true,
  },
  {
    method: "GET",
    path: "/get-session",
    operationId: "getSession",
    summary: "The current session and its user; null when not signed in",
    response: Type.Union([Type.Ref(SessionWithUserSchema), Type.Null()]),
    errors: [],
    session: true,
  },
  {
    method: "GET",
    path: "/list-sessions",
    operationId: "listSessions",
    summary: "The caller's active sessions",
    response: Type.Array(Type.Ref(SessionSchema)),
    errors: [401],
    session: true,
  },
  {
    method: "POST",
    path: "/revoke-session",
    operationId: "revokeSession",
    summary: "End one of the caller's sessions",
    body: Type.Ref(RevokeSessionRequestSchema),
    response: Type.Ref(StatusResultSchema),
    errors: [401, 403, 422],
    session: true,
  },
  {
    method: "POST",
    path: "/revoke-other-sessions",
    operationId: "revokeOtherSessions",
    summary: "End every session of the caller but this one",
    response: Type.Ref(StatusResultSchema),
    errors: [401, 403],
    session: true,
  },
  {
    method: "POST",
    path: "/revoke-sessions",
    operationId: "revokeSessions",
    summary: "End every session of the caller, this one included",
    response: Type.Ref(StatusResultSchema),
    errors: [401, 403],
    session: true,
  },
  {
    method: "POST",
    path: "/change-password",
    operationId: "changePassword",
    summary: "Change the caller's password",
    body: Type.Ref(ChangePasswordRequestSchema),
    response: Type.Ref(ChangePasswordResponseSchema),
    errors: [401, 403, 422],
    session: true,
  },
  {
    method: "POST",
    path: "/api-key/create",
    operationId: "createApiKey",
    summary: "Create an API key for the caller; its secret is in this answer only",
    body: Type.Ref(CreateApiKeyRequestSchema),
    response: Type.Ref(CreatedApiKeySchema),
    errors: [401, 403, 422],
    session: true,
  },
  {
    method: "GET",
    path: "/api-key/list",
    operationId: "listApiKeys",
    summary: "The caller's API keys (without their secrets)",
    response: Type.Ref(ApiKeyListSchema),
    errors: [401],
    session: true,
  },
  {
    method: "GET",
    path: "/api-key/get",
    operationId: "getApiKey",
    summary: "One of the caller's API keys (without its secret)",
    querystring: SignedInQuery("The key's id"),
    response: Type.Ref(ApiKeySchema),
    errors: [401, 404, 422],
    session: true,
  },
  {
    method: "POST",
    path: "/api-key/update",
    operationId: "updateApiKey",
    summary: "Rename, enable or disable (revoke), or change the expiry of one of the caller's keys",
    body: Type.Ref(UpdateApiKeyRequestSchema),
    response: Type.Ref(ApiKeySchema),
    errors: [401, 404, 422],
    session: true,
  },
  {
    method: "POST",
    path: "/api-key/delete",
    operationId: "deleteApiKey",
    summary: "Delete one of the caller's keys; it never authenticates again",
    body: Type.Ref(DeleteApiKeyRequestSchema),
    response: Type.Ref(SuccessResultSchema),
    errors: [401, 404, 422],
    session: true,
  },
];

/** The Better Auth routes we keep (KEPT_AUTH_ROUTES), under /api/auth, documented. */
export async function authRoutes(app: FastifyInstance, { services }: { services: Services }) {
  for (const route of KEPT_AUTH_ROUTES) {
    app.route({
      method: route.method,
      url: `/api/auth${route.path}`,
      schema: {
        operationId: route.operationId,
        tags: ["auth"],
        summary: route.summary,
        ...(route.session ? { security: SESSION_SECURITY } : {}),
        ...(route.body ? { body: route.body } : {}),
        ...(route.querystring ? { querystring: route.querystring } : {}),
        response: { 200: route.response, ...errorResponses(...route.errors, 500) },
      },
      handler: (request, reply) => forward(services, request, reply),
    });
  }
}
