import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callerOf } from "../auth/authenticate.plugin.js";
import { errorResponses } from "../errors/error-schema.js";
import { zeroBytesAreEmptyJson } from "../http/json-body.js";
import { bodyReadByService } from "../http/validator.js";
import { OPTIONAL_BODY } from "../openapi/openapi.plugin.js";
import { API_SECURITY } from "../openapi/security.js";
import type { Services } from "../services.js";
import { ifNoneMatchHit, type ServedUser, served } from "./etag.js";
import { AdminPatchSchema, ProfilePatchSchema, toUserObject, UserSchema } from "./user-object.js";
import type { WriteContext, WriteOutcome } from "./user-write.service.js";
import { assertAdmin, assertMayWrite, getUser, patchUser, putUser } from "./users.service.js";

export const UserParams = Type.Object({
  user_id: Type.String({ minLength: 1, description: "The user's id, or `me` for the caller" }),
});
type UserParams = { user_id: string };

const WriteHeaders = Type.Object({
  "x-idempotency-key": Type.Optional(
    Type.String({
      description: "Makes retries safe: 1–255 printable ASCII characters, kept 24 hours (also Idempotency-Key)",
    }),
  ),
  "if-match": Type.Optional(Type.String({ description: "Apply only if the user's ETag still matches (`*` for any)" })),
});
const ReadHeaders = Type.Object({
  "if-none-match": Type.Optional(Type.String({ description: "Answer 304 if the user's ETag still matches" })),
});
const ETagHeader = { etag: { type: "string", description: "Strong entity tag of the returned user" } };

/** Rule 2, before the body is read: a non-admin naming another user gets 403. */
async function mayWrite(request: FastifyRequest) {
  assertMayWrite(callerOf(request), (request.params as UserParams).user_id);
}

/** PUT is for admins only, refused before the body is read. */
async function adminOnly(request: FastifyRequest) {
  assertAdmin(callerOf(request));
}

function writeContext(services: Services, request: FastifyRequest, method: WriteContext["method"]): WriteContext {
  const ifMatch = request.headers["if-match"];
  return {
    database: services.database,
    caller: callerOf(request),
    requestId: request.id,
    budget: request.budget,
    ifMatch: typeof ifMatch === "string" ? ifMatch : undefined,
    idempotencyHeaders: {
      "x-idempotency-key": request.headers["x-idempotency-key"],
      "idempotency-key": request.headers["idempotency-key"],
    },
    method,
  };
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Sends a user: the JSON its ETag was made of, as it is (Fastify serialises no string sent as
 * JSON; toUserObject sets the schema's keys in the schema's order, which a test holds to).
 */
const sendUser = (reply: FastifyReply, user: ServedUser) =>
  reply.header("etag", user.etag).type(JSON_TYPE).send(user.json);

/** Sends a write's result: the user with its ETag, or the first response again for a replay. */
function sendWrite(reply: FastifyReply, outcome: WriteOutcome) {
  if (outcome.kind === "written") return sendUser(reply, outcome);
  const { response } = outcome;
  reply.header("x-idempotent-replay", "true").header("x-request-id", response.requestId);
  if (response.etag) reply.header("etag", response.etag);
  return reply.code(response.status).type(JSON_TYPE).send(response.body);
}

/** /api/v1/users/{user_id}: read one (and me), PATCH a profile, PUT as an admin. */
export async function usersRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { database, config } = services;
  const writeResponses = {
    200: Type.Ref(UserSchema, { description: "The whole user after the change", headers: ETagHeader }),
    ...errorResponses(401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503, 504),
  };

  const readUser = async (request: FastifyRequest, reply: FastifyReply, userId: string) => {
    const user = served(toUserObject(await getUser(database, callerOf(request), userId)));
    const ifNoneMatch = request.headers["if-none-match"];
    if (typeof ifNoneMatch === "string" && ifNoneMatchHit(ifNoneMatch, user.etag)) {
      return reply.header("etag", user.etag).code(304).send();
    }
    return sendUser(reply, user);
  };

  app.get<{ Params: UserParams }>(
    "/api/v1/users/me",
    {
      onRequest: [app.authenticate, app.rateLimit("read")],
      schema: {
        operationId: "getCurrentUser",
        tags: ["users"],
        summary: "The caller's own user",
        security: API_SECURITY,
        headers: ReadHeaders,
        response: {
          200: Type.Ref(UserSchema, { description: "The user", headers: ETagHeader }),
          304: Type.Null({ description: "Not modified" }),
          ...errorResponses(401, 429, 500),
        },
      },
    },
    (request, reply) => readUser(request, reply, "me"),
  );

  app.get<{ Params: UserParams }>(
    "/api/v1/users/:user_id",
    {
      onRequest: [app.authenticate, app.rateLimit("read")],
      schema: {
        operationId: "getUser",
        tags: ["users"],
        summary: "Read one user (owner or admin; anyone else gets 404)",
        security: API_SECURITY,
        params: UserParams,
        headers: ReadHeaders,
        response: {
          200: Type.Ref(UserSchema, { description: "The user", headers: ETagHeader }),
          304: Type.Null({ description: "Not modified" }),
          ...errorResponses(401, 404, 429, 500),
        },
      },
    },
    (request, reply) => readUser(request, reply, request.params.user_id),
  );

  app.patch<{ Params: UserParams; Body: unknown }>(
    "/api/v1/users/:user_id",
    {
      onRequest: [app.authenticate, app.rateLimit("write"), mayWrite, zeroBytesAreEmptyJson],
      validatorCompiler: bodyReadByService,
      schema: {
        ...OPTIONAL_BODY,
        operationId: "updateUserProfile",
        tags: ["users"],
        summary: "Update a user profile (partial)",
        description:
          "Only the fields sent change, atomically. Owners may change their own profile; admins anyone's. " +
          "No body at all (zero bytes, whatever the Content-Type) is the empty patch: 200 and the user, " +
          "nothing changed. " +
          "Admin-only fields (email, role, is_active, email_verified, account_status) need PUT. " +
          "Rules are checked in this order: credentials (401), ownership (403), body (415/413/422), " +
          "admin-only fields (403/422), field validation (422), existence (404), If-Match (412).",
        security: API_SECURITY,
        params: UserParams,
        headers: WriteHeaders,
        body: Type.Ref(ProfilePatchSchema),
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const ctx = writeContext(services, request, "PATCH");
      const outcome = await request.budget.race(patchUser(ctx, request.params.user_id, request.body));
      return sendWrite(reply, outcome);
    },
  );

  app.put<{ Params: UserParams; Body: unknown }>(
    "/api/v1/users/:user_id",
    {
      onRequest: [app.authenticate, app.rateLimit("write"), adminOnly],
      validatorCompiler: bodyReadByService,
      schema: {
        operationId: "updateUserAsAdmin",
        tags: ["users"],
        summary: "Update any user, including admin-only fields (admins only)",
        description:
          "PATCH's merge semantics (only the fields sent change) plus email, role, is_active, email_verified " +
          "and account_status. Deactivating or suspending a user ends their sessions and stops their API keys " +
          "at once; reactivating restores the keys. An admin cannot deactivate, suspend or demote themself.",
        security: API_SECURITY,
        params: UserParams,
        headers: WriteHeaders,
        body: Type.Ref(AdminPatchSchema),
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const ctx = writeContext(services, request, "PUT");
      const outcome = await request.budget.race(putUser(ctx, request.params.user_id, request.body, config));
      return sendWrite(reply, outcome);
    },
  );
}
