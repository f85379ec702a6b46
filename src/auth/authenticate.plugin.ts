import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Services } from "../services.js";
import { sessionCookieName } from "./better-auth.js";
import { checkCookieWriteOrigin } from "./cookie-origin.js";
import { authenticatePresented, type Caller, presentedCredential } from "./credentials.js";
import { browserOrigins } from "./origins.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the `authenticate` hook; null on routes that do not require it. */
    caller: Caller | null;
  }
  interface FastifyInstance {
    /** onRequest hook: rule 1 of every /api/v1 route, before the body is read. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

/** The caller of an authenticated route (after the `authenticate` hook ran). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error("route is missing the authenticate hook");
  return request.caller;
}

export const authenticatePlugin = fp(
  async (app: FastifyInstance, { services }: { services: Services }) => {
    const { database, secret, config, auth } = services;
    const cookieName = sessionCookieName(auth);
    const allowedOrigins = new Set(browserOrigins(config));
    app.decorateRequest("caller", null);
    app.decorate("authenticate", async (request: FastifyRequest) => {
      const presented = presentedCredential(request.headers, cookieName);
      // Before the read: a cross-site write is refused without touching the database.
      if (presented.via === "cookie") checkCookieWriteOrigin(request.method, request.headers.origin, allowedOrigins);
      request.caller = await authenticatePresented(database.reads, presented, secret, config.adminRoles);
    });
  },
  { name: "authenticate" },
);
