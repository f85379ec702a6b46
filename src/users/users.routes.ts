import { TypeBoxValidatorCompiler } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from "fastify";
import { callerOf } from "../auth/authenticate.plugin.js";
import { errorResponses } from "../errors/error-schema.js";
import type { Services } from "../services.js";
import { ProfilePatchSchema, toUserObject, UserSchema } from "./user-object.js";
import { assertMayWrite, getUser, patchUserProfile } from "./users.service.js";

const UserParams = Type.Object({
  user_id: Type.String({ minLength: 1, description: "The user's id, or `me` for the caller" }),
});
type UserParams = { user_id: string };

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
const IdempotencyHeaders = Type.Object({
  "x-idempotency-key": Type.Optional(
    Type.String({ description: "Makes retries safe (1–255 printable ASCII characters)" }),
  ),
  "if-match": Type.Optional(Type.String({ description: "Apply only if the user's ETag still matches" })),
});

// The PATCH body is documented by its schema but read by the patch reader, which accepts both
// casings, reports every problem at once and orders the rules as the contract says.
const bodyReadByService: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === "body" ? (data) => ({ value: data }) : TypeBoxValidatorCompiler(route as never);

/** Rule 2, before the body is read: a non-admin naming another user gets 403. */
async function mayWrite(request: FastifyRequest, _reply: FastifyReply) {
  assertMayWrite(callerOf(request), (request.params as UserParams).user_id);
}

/** /api/v1/users: read one, read me, PATCH a profile. */
export async function usersRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { database } = services;

  app.get(
    "/api/v1/users/me",
    {
      onRequest: [app.authenticate, app.rateLimit("read")],
      schema: {
        operationId: "getCurrentUser",
        tags: ["users"],
        summary: "The caller's own user",
        security,
        response: { 200: Type.Ref(UserSchema, { description: "The user" }), ...errorResponses(401, 429, 500) },
      },
    },
    async (request) => toUserObject(callerOf(request).user),
  );

  app.get<{ Params: UserParams }>(
    "/api/v1/users/:user_id",
    {
      onRequest: [app.authenticate, app.rateLimit("read")],
      schema: {
        operationId: "getUser",
        tags: ["users"],
        summary: "Read one user (owner or admin; anyone else gets 404)",
        security,
        params: UserParams,
        response: { 200: Type.Ref(UserSchema, { description: "The user" }), ...errorResponses(401, 404, 429, 500) },
      },
    },
    async (request) => toUserObject(await getUser(database, callerOf(request), request.params.user_id)),
  );

  app.patch<{ Params: UserParams; Body: unknown }>(
    "/api/v1/users/:user_id",
    {
      onRequest: [app.authenticate, app.rateLimit("write"), mayWrite],
      validatorCompiler: bodyReadByService,
      schema: {
        operationId: "updateUserProfile",
        tags: ["users"],
        summary: "Update a user profile (partial)",
        description:
          "Only the fields sent change, atomically. Owners may change their own profile; admins anyone's. " +
          "Admin-only fields (email, role, is_active, email_verified, account_status) need PUT. " +
          "Rules are checked in this order: credentials (401), ownership (403), body (415/413/422), " +
          "admin-only fields (403/422), field validation (422), existence (404), If-Match (412).",
        security,
        params: UserParams,
        headers: IdempotencyHeaders,
        body: Type.Ref(ProfilePatchSchema),
        response: {
          200: Type.Ref(UserSchema, { description: "The whole user after the change" }),
          ...errorResponses(401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503, 504),
        },
      },
    },
    async (request) =>
      toUserObject(await patchUserProfile(database, callerOf(request), request.params.user_id, request.body)),
  );
}
