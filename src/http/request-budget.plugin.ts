import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { RequestBudget } from "./request-budget.js";

declare module "fastify" {
  interface FastifyRequest {
    /** This request's share of REQUEST_TIMEOUT_MS, counted from its arrival. */
    budget: RequestBudget;
  }
}

/** Starts every request's time budget when it arrives. */
export const requestBudgetPlugin = fp(
  async (app: FastifyInstance, { timeoutMs }: { timeoutMs: number }) => {
    app.decorateRequest("budget", null as unknown as RequestBudget);
    app.addHook("onRequest", (request, _reply, done) => {
      request.budget = new RequestBudget(Date.now() + timeoutMs);
      done();
    });
  },
  { name: "request-budget" },
);
