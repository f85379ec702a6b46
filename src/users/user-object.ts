import { type TSchema, Type } from "@sinclair/typebox";
import { truthy } from "../auth/user-state.js";
import type { DbDate, UserRow } from "../db/schema.js";
import {
  ACCOUNT_STATUSES,
  ADMIN_FIELDS,
  type AdminField,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfileFieldName,
} from "./user-fields.js";

const toIso = (date: DbDate) => new Date(date).toISOString();

/** The API's user object: snake_case, every key present, null where unset. */
export function toUserObject(row: UserRow) {
  const profile = {} as { [name in ProfileFieldName]: string | null };
  for (const spec of PROFILE_FIELDS) profile[spec.name] = row[spec.column] ?? null;
  return {
    id: row.id,
    email: row.email,
    ...profile,
    role: row.role ?? "user",
    is_active: truthy(row.is_active),
    email_verified: truthy(row.emailVerified),
    account_status: row.account_status ?? "active",
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

export type User = ReturnType<typeof toUserObject>;

const RULES: Record<ProfileField["kind"], string> = {
  text: "",
  email: "an email address",
  url: "an absolute http(s) URL",
  date: "a calendar date YYYY-MM-DD",
  phone: "7–15 digits, optional leading +, spaces, - . ( ), optional extension (x, ext, #); kept as sent",
  us_state: "two-letter code of a US state or territory",
};

/**
 * JSON Schema of one profile field. Request schemas carry the rules as formats for readers of
 * the OpenAPI document (the patch reader enforces them). Response schemas are plain strings:
 * the serialiser must never refuse a stored value, and a nullable `type` avoids its anyOf search.
 */
export function profileFieldSchema(spec: ProfileField, forRequest: boolean): TSchema {
  const rule = RULES[spec.kind];
  const description = rule ? `${spec.description}: ${rule}` : spec.description;
  if (!forRequest) {
    return Type.Unsafe<string | null>({ type: spec.nullable ? ["string", "null"] : "string", description });
  }
  const described = { description, maxLength: spec.maxLength };
  const inner = (() => {
    switch (spec.kind) {
      case "email":
        return Type.String({ ...described, format: "email" });
      case "url":
        return Type.String({ ...described, format: "uri" });
      case "date":
        return Type.String({ description, format: "date" });
      case "phone":
        return Type.String(described);
      case "us_state":
        return Type.String({ description: `${description}; a full state name is accepted too, any case` });
      case "text":
        return Type.String({ ...described, minLength: spec.nullable ? 0 : 1 });
    }
  })();
  return spec.nullable ? Type.Union([inner, Type.Null()], { description }) : inner;
}

const profileProperties = (forRequest: boolean) =>
  Object.fromEntries(PROFILE_FIELDS.map((spec) => [spec.name, profileFieldSchema(spec, forRequest)]));

export const UserSchema = Type.Object(
  {
    id: Type.String({ description: "Opaque user id" }),
    email: Type.String({ format: "email" }),
    ...profileProperties(false),
    role: Type.String({ description: "One of the configured roles (default: user, admin)" }),
    is_active: Type.Boolean(),
    email_verified: Type.Boolean(),
    account_status: Type.Union(ACCOUNT_STATUSES.map((status) => Type.Literal(status))),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { $id: "User", title: "User", additionalProperties: false },
);

const adminFieldSchema = (spec: AdminField): TSchema => {
  const described = { description: spec.description };
  switch (spec.kind) {
    case "email":
      return Type.String({ ...described, format: "email", maxLength: 254 });
    case "role":
      return Type.String(described);
    case "boolean":
      return Type.Boolean(described);
    case "account_status":
      return Type.Union(
        ACCOUNT_STATUSES.map((status) => Type.Literal(status)),
        described,
      );
  }
};

/** The PATCH body, as documented. camelCase spellings of each key are accepted too. */
export const ProfilePatchSchema = Type.Partial(Type.Object(profileProperties(true)), {
  $id: "UserProfilePatch",
  title: "UserProfilePatch",
  description:
    "Only the fields sent change. Each key may also be sent in camelCase (displayName, cellPhone, …). " +
    'Strings are trimmed and NFC-normalised; "" or null clears a field (name cannot be cleared).',
  additionalProperties: false,
  examples: [{ displayName: "John D.", title: "Senior Real Estate Agent", cellPhone: "+1-555-0123" }],
});

/** The PUT body: the profile fields and the admin-only ones. */
export const AdminPatchSchema = Type.Partial(
  Type.Object({
    ...profileProperties(true),
    ...Object.fromEntries(ADMIN_FIELDS.map((spec) => [spec.name, adminFieldSchema(spec)])),
  }),
  {
    $id: "UserAdminPatch",
    title: "UserAdminPatch",
    description:
      "Like UserProfilePatch, plus the admin-only fields. camelCase spellings are accepted too (isActive, …).",
    additionalProperties: false,
    examples: [{ role: "admin", isActive: true, title: "Broker" }],
  },
);
