import { type TSchema, Type } from "@sinclair/typebox";
import { PROFILE_FIELDS } from "../users/user-fields.js";

// JSON Schemas of the Better Auth routes we keep (auth.routes.ts), as they answer here, for the
// OpenAPI document and the typed client. Better Auth validates these bodies itself; ours add the
// rules we hold it to (no key prefix of the caller's choosing). Every schema is named ($id), so
// generated client types read `components["schemas"]["Session"]`, not `def-7`.

const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });
const named = (id: string, description: string) => ({ $id: id, title: id, description });

/** Better Auth's own view of a user: camelCase, as its routes answer (ours answer `User`). */
export const AuthUserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String({ format: "email" }),
    name: Type.String(),
    emailVerified: Type.Boolean(),
    image: nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
    role: nullable(Type.String()),
    banned: nullable(Type.Boolean()),
    banReason: nullable(Type.String()),
    banExpires: nullable(DateTime),
    isActive: Type.Boolean(),
    accountStatus: Type.String(),
    // The profile fields, camelCase; read and change them through /api/v1/users instead.
    ...Object.fromEntries(
      PROFILE_FIELDS.filter((spec) => !spec.core).map((spec) => [spec.camel, Type.Optional(nullable(Type.String()))]),
    ),
  },
  named("AuthUser", "A user as Better Auth's routes show it (camelCase). GET /api/v1/users/me gives the API's User."),
);

export const SessionSchema = Type.Object(
  {
    id: Type.String(),
    token: nullable(
      Type.String({
        description:
          "The session token (send as Authorization: Bearer). Null in answers to this server's own page " +
          "(Sec-Fetch-Site: same-origin), which holds the session in its HttpOnly cookie",
      }),
    ),
    userId: Type.String(),
    expiresAt: DateTime,
    createdAt: DateTime,
    updatedAt: DateTime,
    ipAddress: nullable(Type.String()),
    userAgent: nullable(Type.String()),
    impersonatedBy: Type.Optional(nullable(Type.String())),
  },
  named("Session", "A signed-in session"),
);

export const SessionWithUserSchema = Type.Object(
  { session: Type.Ref(SessionSchema), user: Type.Ref(AuthUserSchema) },
  named("SessionWithUser", "The current session and its user"),
);

const password = (description: string) => Type.String({ minLength: 8, maxLength: 128, description });

export const SignUpRequestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    email: Type.String({ format: "email" }),
    password: password("8–128 characters"),
    rememberMe: Type.Optional(Type.Boolean()),
    callbackURL: Type.Optional(Type.String()),
  },
  named("SignUpRequest", "A new account, signed in at once"),
);

export const SignUpResponseSchema = Type.Object(
  {
    token: nullable(Type.String({ description: "The new session's token" })),
    user: Type.Ref(AuthUserSchema),
  },
  named("SignUpResponse", "The account and its first session (also in the set-auth-token header and the cookie)"),
);

export const SignInRequestSchema = Type.Object(
  {
    email: Type.String({ format: "email" }),
    password: Type.String({ minLength: 1 }),
    rememberMe: Type.Optional(Type.Boolean({ description: "false: the cookie ends with the browser session" })),
    callbackURL: Type.Optional(Type.String()),
  },
  named("SignInRequest", "Email and password"),
);

export const SignInResponseSchema = Type.Object(
  {
    redirect: Type.Boolean(),
    token: nullable(
      Type.String({
        description:
          "The session token; the set-auth-token header holds it signed. Neither is sent to this server's " +
          "own page (Sec-Fetch-Site: same-origin): the HttpOnly cookie holds the session there",
      }),
    ),
    url: Type.Optional(nullable(Type.String())),
    user: Type.Ref(AuthUserSchema),
  },
  named("SignInResponse", "The new session: its token here and in set-auth-token, and the session cookie"),
);

export const RevokeSessionRequestSchema = Type.Object(
  { token: Type.String({ description: "The token of the session to end (from list-sessions)" }) },
  named("RevokeSessionRequest", "Which session to end"),
);

export const ChangePasswordRequestSchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1 }),
    newPassword: password("8–128 characters"),
    revokeOtherSessions: Type.Optional(Type.Boolean({ description: "Also end every other session" })),
  },
  named("ChangePasswordRequest", "The current password and the new one"),
);

export const ChangePasswordResponseSchema = Type.Object(
  {
    token: nullable(Type.String({ description: "A new session token when other sessions were revoked" })),
    user: Type.Ref(AuthUserSchema),
  },
  named("ChangePasswordResponse", "The password was changed"),
);

export const StatusResultSchema = Type.Object({ status: Type.Boolean() }, named("StatusResult", "Done"));
export const SuccessResultSchema = Type.Object({ success: Type.Boolean() }, named("SuccessResult", "Done"));

const apiKeyProperties = {
  id: Type.String(),
  name: nullable(Type.String()),
  start: nullable(Type.String({ description: "The key's first characters, to recognise it" })),
  prefix: nullable(Type.String()),
  referenceId: Type.String({ description: "The owner's user id" }),
  enabled: Type.Boolean({ description: "false: revoked; it never authenticates again" }),
  expiresAt: nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
  lastRequest: nullable(DateTime),
  metadata: Type.Optional(Type.Unknown()),
};

export const ApiKeySchema = Type.Object(apiKeyProperties, {
  ...named("ApiKey", "An API key, without its secret"),
  additionalProperties: true,
});

export const CreatedApiKeySchema = Type.Object(
  { ...apiKeyProperties, key: Type.String({ description: "The secret (vk_…): shown this once, stored hashed" }) },
  { ...named("CreatedApiKey", "A new API key with its secret, shown once"), additionalProperties: true },
);

export const ApiKeyListSchema = Type.Object(
  { apiKeys: Type.Array(Type.Ref(ApiKeySchema)), total: Type.Integer() },
  named("ApiKeyList", "The caller's API keys"),
);

const expiresIn = Type.Optional(
  nullable(
    Type.Integer({
      minimum: 86_400,
      maximum: 365 * 86_400,
      description: "Seconds until it expires, from a day to a year; null or absent: never",
    }),
  ),
);

export const CreateApiKeyRequestSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    expiresIn,
    metadata: Type.Optional(Type.Unknown()),
  },
  // Keys always start with vk_ (that is how a credential is told from a session token), and
  // the server-only properties are refused by Better Auth anyway: nothing else is accepted.
  { ...named("CreateApiKeyRequest", "A new key for the caller"), additionalProperties: false },
);

export const UpdateApiKeyRequestSchema = Type.Object(
  {
    keyId: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    enabled: Type.Optional(Type.Boolean({ description: "false revokes the key" })),
    expiresIn,
    metadata: Type.Optional(Type.Unknown()),
  },
  { ...named("UpdateApiKeyRequest", "What to change on one of the caller's keys"), additionalProperties: false },
);

export const DeleteApiKeyRequestSchema = Type.Object(
  { keyId: Type.String({ minLength: 1 }) },
  { ...named("DeleteApiKeyRequest", "Which key to delete"), additionalProperties: false },
);

/** Every named schema of this file, for app.addSchema. */
export const AUTH_SCHEMAS = [
  AuthUserSchema,
  SessionSchema,
  SessionWithUserSchema,
  SignUpRequestSchema,
  SignUpResponseSchema,
  SignInRequestSchema,
  SignInResponseSchema,
  RevokeSessionRequestSchema,
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  StatusResultSchema,
  SuccessResultSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  ApiKeyListSchema,
  CreateApiKeyRequestSchema,
  UpdateApiKeyRequestSchema,
  DeleteApiKeyRequestSchema,
];
