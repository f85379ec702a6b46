import { type TSchema, Type } from "@sinclair/typebox";
import { truthy } from "../auth/user-state.js";
import type { DbDate, UserRow } from "../db/schema.js";
import { STATE_CODES } from "./us-states.js";
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

const PHONE_PATTERN = "^\\+?[0-9 ().-]+((x|ext\\.?|extension|#) ?[0-9]{1,6})?$";

/** JSON Schema of one profile field's stored value, for requests and responses alike. */
export function profileFieldSchema(spec: ProfileField, forRequest: boolean): TSchema {
  const described = { description: spec.description, maxLength: spec.maxLength };
  const inner = (() => {
    switch (spec.kind) {
      case "email":
        return Type.String({ ...described, format: "email" });
      case "url":
        return Type.String({ ...described, format: "uri" });
      case "date":
        return Type.String({ ...described, format: "date" });
      case "phone":
        return Type.String({ ...described, pattern: PHONE_PATTERN });
      case "us_state":
        return forRequest
          ? Type.String({ description: `${spec.description}; a full state name is accepted too, any case` })
          : Type.Union(
              STATE_CODES.map((code) => Type.Literal(code)),
              { description: spec.description },
            );
      case "text":
        return Type.String({ ...described, minLength: spec.nullable ? 0 : 1 });
    }
  })();
  return spec.nullable ? Type.Union([inner, Type.Null()], { description: spec.description }) : inner;
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
