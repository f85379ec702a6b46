import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { getCookies } from "better-auth/cookies";
import { admin, bearer } from "better-auth/plugins";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { checkProfileValue } from "../users/field-rules.js";
import { PROFILE_FIELDS } from "../users/user-fields.js";
import { authBaseUrl, browserOrigins } from "./origins.js";
import { isUserActive } from "./user-state.js";

/** Prefix of every API key we issue; it tells a key from a session token in one glance. */
export const API_KEY_PREFIX = "vk_";

/** Header we set from Fastify's request.ip so Better Auth's limiter sees the real client. */
export const CLIENT_IP_HEADER = "x-valara-client-ip";

// Better Auth routes that would write a profile around our validation and admin rules.
// They answer 404; PATCH/PUT /api/v1/users/{id} are the only ways to change a user.
export const DISABLED_AUTH_PATHS = [
  "/update-user",
  "/change-email",
  "/delete-user",
  "/admin/update-user",
  "/admin/set-role",
  "/admin/create-user",
];

// Every profile column is written by our endpoints only: `input: false` keeps sign-up from
// setting them.
const profileAdditionalFields = Object.fromEntries(
  PROFILE_FIELDS.filter((spec) => !spec.core).map((spec) => [
    spec.camel,
    { type: "string", required: false, input: false, fieldName: spec.column },
  ]),
) as Record<string, { type: "string"; required: false; input: false; fieldName: string }>;

const NAME_FIELD = PROFILE_FIELDS.find((spec) => spec.name === "name") as (typeof PROFILE_FIELDS)[number];

export interface AuthOptions {
  config: Config;
  database: Database;
  secret: string;
  logger: FastifyBaseLogger;
}

/** Better Auth with email/password, bearer, admin and API keys, on our database. */
export function createAuth({ config, database, secret, logger }: AuthOptions) {
  return betterAuth({
    appName: "Valara",
    baseURL: authBaseUrl(config),
    // Sign-in from the dashboard opened at either local origin (or a CORS_ORIGINS page) passes
    // Better Auth's own Origin check; the same list guards cookie writes on /api/v1 (origins.ts).
    trustedOrigins: browserOrigins(config),
    basePath: "/api/auth",
    secret,
    database: { db: database.db, type: database.dialect },
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    disabledPaths: DISABLED_AUTH_PATHS,
    user: {
      additionalFields: {
        ...profileAdditionalFields,
        isActive: { type: "boolean", required: false, input: false, defaultValue: true, fieldName: "is_active" },
        accountStatus: {
          type: "string",
          required: false,
          input: false,
          defaultValue: "active",
          fieldName: "account_status",
        },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Better Auth marks cookies Secure only for an https baseURL; production may sit behind a
      // TLS proxy with BETTER_AUTH_URL unset, so say it outright. HttpOnly and Lax are its defaults,
      // restated so that a change of default cannot loosen them.
      useSecureCookies: config.production || authBaseUrl(config).startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    logger: {
      level: "warn",
      log: (level, message) => logger[level]({ component: "better-auth" }, message),
    },
    databaseHooks: {
      user: {
        create: {
          // A new account's name answers to the same rule as PATCH's (1–120 characters, no control
          // characters, trimmed and NFC-normalised). Without it, a name holding a NUL was stored
          // on SQLite and failed the insert on PostgreSQL.
          before: async (user) => {
            const checked = checkProfileValue(NAME_FIELD, user.name);
            if (!checked.ok) {
              throw new APIError("BAD_REQUEST", { code: "INVALID_NAME", message: `name ${checked.message}` });
            }
            return { data: { ...user, name: checked.value as string } };
          },
        },
      },
      session: {
        create: {
          // An inactive or suspended user keeps their data but cannot start a session.
          before: async (session) => {
            const user = await database.db
              .selectFrom("user")
              .select(["is_active", "account_status", "banned"])
              .where("id", "=", session.userId)
              .executeTakeFirst();
            if (user && !isUserActive(user)) {
              throw new APIError("FORBIDDEN", {
                code: "ACCOUNT_INACTIVE",
                message: "This account is inactive or suspended.",
              });
            }
          },
        },
      },
    },
    plugins: [
      bearer(),
      admin({ defaultRole: "user", adminRoles: config.adminRoles }),
      apiKey({
        defaultPrefix: API_KEY_PREFIX,
        // The plugin's own limiter defaults to 10 requests a day; ours is per endpoint.
        rateLimit: { enabled: false },
        // Never let a bare key act as a session on Better Auth's routes.
        enableSessionForAPIKeys: false,
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The name of Better Auth's session cookie (`__Secure-` prefixed when cookies are Secure). */
export const sessionCookieName = (auth: Auth): string => getCookies(auth.options).sessionToken.name;
