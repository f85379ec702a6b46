import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { callerOf } from "../auth/authenticate.plugin.js";
import { errorResponses } from "../errors/error-schema.js";
import { API_SECURITY } from "../openapi/security.js";
import type { Services } from "../services.js";
import { UserParams } from "../users/users.routes.js";
import { readHistory } from "./history.service.js";

const HistoryQuery = Type.Object({
  // Optional for the client (the default applies); the validator fills it in before the handler.
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: "Page size, 1–200" })),
  cursor: Type.Optional(Type.String({ description: "next_cursor from the previous page" })),
});

export const HistoryEntrySchema = Type.Object(
  {
    id: Type.String({ description: "chg_N: the user's entries are numbered in the order their changes committed" }),
    at: Type.String({ format: "date-time" }),
    actor_id: Type.String({ description: "Who made the change" }),
    request_id: Type.String({ description: "The request that made it (its X-Request-Id)" }),
    changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() }), {
      description: "Each changed field with its old and new value",
    }),
  },
  { $id: "HistoryEntry", title: "HistoryEntry", description: "One change of a user's profile" },
);

export const HistoryPageSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(HistoryEntrySchema)),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: "Pass as `cursor` for the next (older) page; null on the last page",
    }),
  },
  { $id: "HistoryPage", title: "HistoryPage", description: "One page of a user's changes, newest first" },
);

/** GET /api/v1/users/{user_id}/history: what changed, when, by whom. */
export async function historyRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { user_id: string }; Querystring: { limit: number; cursor?: string } }>(
    "/api/v1/users/:user_id/history",
    {
      onRequest: [app.authenticate, app.rateLimit("read")],
      schema: {
        operationId: "getUserHistory",
        tags: ["users"],
        summary: "A user's profile changes, newest first (owner or admin)",
        security: API_SECURITY,
        params: UserParams,
        querystring: HistoryQuery,
        response: { 200: Type.Ref(HistoryPageSchema), ...errorResponses(401, 404, 422, 429, 500) },
      },
    },
    async (request) =>
      readHistory(services.database, services.secret, callerOf(request), request.params.user_id, request.query),
  );
}
