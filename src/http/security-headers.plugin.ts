import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Browser-facing hardening: no MIME sniffing on any response, and CORS closed unless
 * CORS_ORIGINS names the origins that may call the API from a browser.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, { corsOrigins }: { corsOrigins: string[] }) => {
    app.addHook("onRequest", (_request, reply, done) => {
      reply.header("x-content-type-options", "nosniff");
      done();
    });
    await app.register(cors, {
      origin: corsOrigins.length > 0 ? corsOrigins : false,
      credentials: true,
      exposedHeaders: [
        "x-request-id",
        "etag",
        "x-idempotent-replay",
        "x-rate-limit-limit",
        "x-rate-limit-remaining",
        "x-rate-limit-reset",
        "retry-after",
        "set-auth-token",
      ],
      maxAge: 600,
    });
  },
  { name: "security-headers" },
);
