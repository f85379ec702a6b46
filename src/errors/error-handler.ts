import type { Duplex } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { newUlid } from "../http/request-id.js";
import { AppError, isAppError } from "./app-error.js";
import { codeForStatus, ERROR_CODES, type ErrorCode } from "./error-codes.js";

/** The contract's error body. */
export function errorBody(error: AppError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      details: error.details,
      ...(error.hint ? { hint: error.hint } : {}),
    },
  };
}

/** Sends an AppError in the envelope; used by hooks that answer before a handler runs. */
export function sendError(reply: FastifyReply, error: AppError) {
  reply.headers(error.headers);
  // Set here too: errors raised before the onRequest hooks (a malformed URL) still carry them.
  reply.header("x-request-id", reply.request.id).header("x-content-type-options", "nosniff");
  return reply.code(error.status).type("application/json; charset=utf-8").send(errorBody(error, reply.request.id));
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_TYPE: "unsupported_media_type",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_json",
  FST_ERR_CTP_INVALID_CONTENT_TYPE_PARSER: "unsupported_media_type",
};

// The database is unreachable or going away: the client may retry (503), it did nothing wrong.
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "SQLITE_BUSY"]);
const isDatabaseUnavailable = (error: Error & { code?: unknown }) => {
  const code = String(error.code ?? "");
  // PostgreSQL classes 08 (connection exception) and 57P (operator intervention: shutdown).
  return (
    UNAVAILABLE_CODES.has(code) ||
    /^(08|57P)/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)
  );
};

/** Turns anything thrown (ours, Fastify's, a library's) into an AppError fit for a client. */
export function toAppError(error: FastifyError | Error, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new AppError("invalid_json");
  if (fastifyError.validation) {
    return new AppError("validation_failed", {
      details: {
        errors: fastifyError.validation.map((issue) => ({
          field:
            issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || (fastifyError.validationContext ?? "request"),
          code: issue.keyword,
          message: issue.message ?? "is invalid",
        })),
      },
    });
  }
  if (isDatabaseUnavailable(fastifyError)) {
    request.log.warn({ code: fastifyError.code, message: error.message }, "database unavailable");
    return new AppError("service_unavailable", { message: "The database is unavailable; retry shortly." });
  }
  const status = fastifyError.statusCode ?? 500;
  const code = status < 500 || status === 503 || status === 504 ? codeForStatus(status) : undefined;
  if (code) return new AppError(code, { status: ERROR_CODES[code].status });
  request.log.error({ err: error }, "unhandled error");
  return new AppError("internal_error");
}

/**
 * Answers a request Node's HTTP parser refused (bad header bytes, headers too large) in the
 * envelope, and logs it without its raw bytes, which may hold a credential.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex) {
  this.log.trace({ code: error.code, message: error.message }, "client error");
  if (!socket.writable) return;
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const requestId = `req_${newUlid()}`;
  const body = JSON.stringify({
    error: {
      code: tooLarge ? "payload_too_large" : "validation_failed",
      message: tooLarge ? "The request headers are too large." : "The request could not be parsed as HTTP.",
      request_id: requestId,
      details: {},
    },
  });
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** One place where every error becomes the contract's envelope, with the request id. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error, request);
      if (appError.status >= 500 && isAppError(error)) request.log.warn({ code: appError.code }, error.message);
      return sendError(reply, appError);
    });
    app.setNotFoundHandler((request, reply) =>
      sendError(
        reply,
        new AppError("not_found", { message: `No route for ${request.method} ${request.url.split("?")[0]}.` }),
      ),
    );
  },
  { name: "error-handler" },
);
