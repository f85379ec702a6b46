import { type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifySchemaCompiler } from "fastify";
import { callerOf } from "../auth/authenticate.plugin.js";
import { errorResponses } from "../errors/error-schema.js";
import { API_SECURITY } from "../openapi/security.js";
import type { Services } from "../services.js";
import { toUserObject, UserSchema } from "./user-object.js";
import { LIST_LIMIT, type LIST_QUERY_PARAMETERS, listUsers, SEARCH_MAX_LENGTH } from "./users-list.service.js";

// The query is documented by its schema but read by the service, which is stricter than
// TypeBox's coercion ("1.5" or "true" are not a limit, "1" is not a boolean), reports every
// problem at once, and runs after the admin check so a non-admin learns nothing but 403.
const queryReadByService: FastifySchemaCompiler<unknown> = () => (data) => ({ value: data });

function listQuerySchema(roles: readonly string[]) {
  const parameters = {
    limit: Type.Integer({
      minimum: LIST_LIMIT.min,
      maximum: LIST_LIMIT.max,
      default: LIST_LIMIT.default,
      description: `Page size, ${LIST_LIMIT.min}–${LIST_LIMIT.max}; anything else is 422 validation_failed`,
    }),
    cursor: Type.String({
      description:
        "`next_cursor` of the previous page, unchanged. It is bound to the `role` and `active` filters it was " +
        "issued with (not to `limit`); with other filters, or altered, it is 422 invalid_cursor",
    }),
    role: Type.String({
      enum: [...roles],
      description:
        "Only users with this role, as the user object's `role` shows it. Must be one of the configured roles " +
        "(an unknown role is 422 validation_failed, so that a typo cannot pass for an empty result)",
    }),
    search: Type.String({
      minLength: 1,
      maxLength: SEARCH_MAX_LENGTH,
      description:
        "Only users whose name or email contains this text, ignoring case (on SQLite, ASCII letters only). " +
        "A cursor is bound to it like the other filters",
    }),
    active: Type.Boolean({
      description:
        "`true` or `false` (nothing else): filters on the user object's `is_active` flag alone; " +
        "`account_status` (e.g. suspended) is not considered",
    }),
  } satisfies Record<(typeof LIST_QUERY_PARAMETERS)[number], TSchema>;
  return Type.Partial(Type.Object(parameters), { additionalProperties: false });
}

export const UserPageSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(UserSchema)),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: "Pass as `cursor` for the next page; null on the last page",
    }),
  },
  { $id: "UserPage", title: "UserPage", description: "One page of users, oldest first" },
);

/** GET /api/v1/users: the admin user list, oldest first, keyset-paginated. */
export async function usersListRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const deps = { database: services.database, secret: services.secret, roles: services.config.roles };

  app.get(
    "/api/v1/users",
    {
      onRequest: [app.authenticate, app.rateLimit("list")],
      validatorCompiler: queryReadByService,
      schema: {
        operationId: "listUsers",
        tags: ["users"],
        summary: "List users (admin)",
        description:
          "Oldest first by creation time, ties broken by id; pages follow `next_cursor`. Admins only: anyone " +
          "else gets 403 forbidden. Unknown or repeated query parameters are 422 validation_failed.",
        security: API_SECURITY,
        querystring: listQuerySchema(services.config.roles),
        response: { 200: Type.Ref(UserPageSchema), ...errorResponses(401, 403, 422, 429, 500) },
      },
    },
    async (request) => {
      const page = await listUsers(deps, callerOf(request), request.query);
      return { data: page.users.map(toUserObject), next_cursor: page.nextCursor };
    },
  );
}
