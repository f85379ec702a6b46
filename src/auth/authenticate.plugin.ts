import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Services } from "../services.js";
import { authenticate, type Caller } from "./credentials.js";

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
    const { database, secret, config } = services;
    app.decorateRequest("caller", null);
    app.decorate("authenticate", async (request: FastifyRequest) => {
      request.caller = await authenticate(database.reads, request.headers, secret, config.adminRoles);
    });
  },
  { name: "authenticate" },
);
