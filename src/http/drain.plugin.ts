import net from "node:net";
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
 * Rolling restarts without failed requests: once draining, no new connection is accepted, every
 * response says `Connection: close` so no client keeps a socket it could race the close with,
 * and the health check fails on the connections that remain.
 */
export const drainPlugin = fp(
  async (app: FastifyInstance) => {
    let draining = false;
    app.decorate("draining", {
      getter: () => draining,
    });
    app.decorate("startDraining", () => {
      draining = true;
      // Stop accepting connections now (a load balancer's next connect is refused and goes
      // elsewhere), but without http.Server#close's reaping of idle keep-alive sockets: a client
      // may be sending on one at this very moment. Those get `Connection: close` below instead;
      // close() later finds the listener gone, which Fastify expects.
      if (app.server.listening) net.Server.prototype.close.call(app.server);
    });
    app.addHook("onRequest", (_request, reply, done) => {
      if (draining) reply.header("connection", "close");
      done();
    });
  },
  { name: "drain" },
);
