import { type TSchema, Type } from "@sinclair/typebox";
import { truthy } from "../auth/user-state.js";
import type { DbDate, UserRow } from "../db/schema.js";
import {
  ACCOUNT_STATUSES,
  ADMIN_FIELDS,
  type AdminField,
  FIELD_GROUPS,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfileFieldName,
} from "./user-fields.js";

// What Date#toISOString() writes; SQLite rows mostly hold exactly this and are served as they are.
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const toIso = (date: DbDate) =>
  typeof date === "string" && CANONICAL_ISO.test(date) ? date : new Date(date).toISOString();

/** The API's user object: snake_case, every key present, null where unset. */
export type User = { id: string; email: string } & { [name in ProfileFieldName]: string | null } & {
  role: string;
  is_active: boolean;
  email_verified: boolean;
  account_status: string;
  created_at: string;
  updated_at: string;
};

/** The user object of a row. Keys are set in one fixed order: the ETag hashes its JSON. */
export function toUserObject(row: UserRow): User {
  const user: Record<string, unknown> = { id: row.id, email: row.email };
  for (const spec of PROFILE_FIELDS) user[spec.name] = row[spec.column] ?? null;
  user.role = row.role ?? "user";
  user.is_active = truthy(row.is_active);
  user.email_verified = truthy(row.emailVerified);
  user.account_status = row.account_status ?? "active";
  user.created_at = toIso(row.createdAt);
  user.updated_at = toIso(row.updatedAt);
  return user as User;
}

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
  // For forms built from the document (the dashboard, through the client's profile-fields.ts):
  // the label, the seed's group, the kind of value, newlines.
  const form = {
    title: spec.label,
    "x-group": spec.group,
    "x-kind": spec.kind,
    ...(spec.multiline ? { "x-multiline": true } : {}),
  };
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
  return spec.nullable ? Type.Union([inner, Type.Null()], { description, ...form }) : { ...inner, ...form };
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
  "x-field-groups": FIELD_GROUPS,
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
