import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ulid } from "ulid";

// A client-supplied id is kept only when it cannot smuggle anything into headers or logs.
const SAFE_CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Fastify's genReqId: the caller's X-Request-Id when safe, else `req_` + ULID. */
export function generateRequestId(request: IncomingMessage): string {
  const supplied = request.headers["x-request-id"];
  return typeof supplied === "string" && SAFE_CLIENT_ID.test(supplied) ? supplied : `req_${ulid()}`;
}

/** Echoes the request id on every response. */
export const requestIdPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook("onRequest", async (request, reply) => {
      reply.header("x-request-id", request.id);
    });
  },
  { name: "request-id" },
);
