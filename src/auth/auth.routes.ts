import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../errors/app-error.js";
import { codeForStatus, type ErrorCode } from "../errors/error-codes.js";
import { sendError } from "../errors/error-handler.js";
import type { Services } from "../services.js";
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

async function forward(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const response = await services.auth.handler(toRequest(request));
  if (response.status >= 400) {
    const error = await toAppError(response);
    const retryAfter = response.headers.get("retry-after") ?? response.headers.get("x-retry-after");
    if (retryAfter) reply.header("retry-after", retryAfter);
    return sendError(reply, error);
  }
  reply.code(response.status);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie" && name !== "content-length") reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
}

/** Better Auth's own routes (sign-up, sign-in, sessions, API keys) under /api/auth/*. */
export async function authRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    handler: (request, reply) => forward(services, request, reply),
  });
}
