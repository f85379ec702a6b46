import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    /** True once shutdown has begun: /healthz answers 503 and connections are not kept alive. */
    readonly draining: boolean;
    /** Starts draining before close(), so a load balancer moves traffic away without errors. */
    startDraining(): void;
  }
}

/**
 * Rolling restarts without failed requests: while draining, every response says
 * `Connection: close`, so no client keeps a socket it could race the close with, and the
 * health check fails, so the load balancer stops sending new connections.
 */
export const drainPlugin = fp(
  async (app: FastifyInstance) => {
    let draining = false;
    app.decorate("draining", {
      getter: () => draining,
    });
    app.decorate("startDraining", () => {
      draining = true;
    });
    app.addHook("onRequest", async (_request, reply) => {
      if (draining) reply.header("connection", "close");
    });
  },
  { name: "drain" },
);
