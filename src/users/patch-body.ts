import { closest, distance } from "fastest-levenshtein";
import { type AdminValue, checkAdminValue } from "./admin-field-rules.js";
import { checkProfileValue, type FieldError } from "./field-rules.js";
import {
  ADMIN_FIELD_BY_KEY,
  ADMIN_FIELDS,
  type AdminField,
  type CatalogField,
  KNOWN_FIELD_KEYS,
  PROFILE_FIELD_BY_KEY,
  PROFILE_FIELDS,
  READ_ONLY_FIELD_BY_KEY,
} from "./user-fields.js";

/** Normalised profile changes, in catalog order: field → value to store (null clears). */
export type ProfilePatch = ReadonlyArray<readonly [CatalogField, string | null]>;

export type PatchBodyResult =
  | { kind: "ok"; patch: ProfilePatch }
  | { kind: "not_object" }
  | { kind: "admin_only_fields"; fields: string[] }
  | { kind: "invalid"; errors: FieldError[] };

const squash = (key: string) => key.toLowerCase().replace(/[_\-\s]/g, "");
const SQUASHED = new Map(KNOWN_FIELD_KEYS.map((key) => [squash(key), PROFILE_FIELD_BY_KEY.get(key)?.name]));

/**
 * A key as JSON, with the controls JSON.stringify leaves alone (C1, U+2028/9) escaped too:
 * whatever a client sends as a key, a message naming it stays one readable line.
 */
const quoteKey = (key: string) =>
  JSON.stringify(key).replace(
    /[\u007f-\u009f\u2028\u2029]/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** The snake_case field a mistyped key most likely meant, if any is close. */
function suggestField(key: string): string | undefined {
  const exact = SQUASHED.get(squash(key));
  if (exact) return exact;
  if (key.length > 64) return undefined;
  const candidate = closest(key, KNOWN_FIELD_KEYS as string[]);
  const limit = Math.max(1, Math.floor(key.length / 3));
  return distance(key, candidate) <= limit ? PROFILE_FIELD_BY_KEY.get(candidate)?.name : undefined;
}

function unknownField(key: string): FieldError {
  const suggestion = suggestField(key);
  return {
    field: key,
    code: "unknown_field",
    // The key is quoted as JSON: whatever it holds, the message stays one readable line.
    message: suggestion
      ? `${quoteKey(key)} is not a field; did you mean ${suggestion}?`
      : `${quoteKey(key)} is not a field`,
    ...(suggestion ? { suggestion } : {}),
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Admin-only changes (PUT), in catalog order. */
export type AdminPatch = ReadonlyArray<readonly [AdminField, AdminValue]>;

export type UserPatchResult =
  | { kind: "ok"; patch: ProfilePatch; admin: AdminPatch }
  | Exclude<PatchBodyResult, { kind: "ok" }>;

/**
 * Reads a PATCH body: accepts snake_case and camelCase, reports admin-only fields first (rule 4),
 * then every other problem at once (rule 5). Never throws, whatever JSON value it is given.
 */
export function readProfilePatch(body: unknown): PatchBodyResult {
  const result = readUserPatch(body, { adminFields: false, roles: [] });
  return result.kind === "ok" ? { kind: "ok", patch: result.patch } : result;
}

/** Reads a PUT body: the profile fields plus the admin-only ones, every problem at once. */
export function readAdminPatch(body: unknown, roles: readonly string[]): UserPatchResult {
  return readUserPatch(body, { adminFields: true, roles });
}

type AnyField = CatalogField | AdminField;

function readUserPatch(body: unknown, options: { adminFields: boolean; roles: readonly string[] }): UserPatchResult {
  if (!isPlainObject(body)) return { kind: "not_object" };
  const keys = Object.keys(body);

  if (!options.adminFields) {
    const adminOnly = keys.filter((key) => ADMIN_FIELD_BY_KEY.has(key));
    if (adminOnly.length > 0) return { kind: "admin_only_fields", fields: adminOnly };
  }

  const errors: FieldError[] = [];
  const raw = new Map<AnyField, { key: string; value: unknown }>();
  const conflicting = new Set<AnyField>();
  for (const key of keys) {
    const value = body[key];
    const spec: AnyField | undefined = PROFILE_FIELD_BY_KEY.get(key) ?? ADMIN_FIELD_BY_KEY.get(key);
    if (!spec) {
      errors.push(
        READ_ONLY_FIELD_BY_KEY.has(key)
          ? { field: key, code: "read_only", message: `${quoteKey(key)} is read-only` }
          : unknownField(key),
      );
      continue;
    }
    const earlier = raw.get(spec);
    if (earlier && earlier.value !== value) {
      conflicting.add(spec);
      errors.push({
        field: spec.name,
        code: "conflicting_casing",
        message: `${spec.name} was sent as ${earlier.key} and ${key} with different values`,
      });
      continue;
    }
    raw.set(spec, { key, value });
  }

  const patch: Array<readonly [CatalogField, string | null]> = [];
  for (const spec of PROFILE_FIELDS) {
    const entry = raw.get(spec);
    if (!entry || conflicting.has(spec)) continue;
    const result = checkProfileValue(spec, entry.value);
    if (result.ok) patch.push([spec, result.value]);
    else errors.push({ field: entry.key, code: result.code, message: `${entry.key} ${result.message}` });
  }
  const admin: Array<readonly [AdminField, AdminValue]> = [];
  for (const spec of ADMIN_FIELDS) {
    const entry = raw.get(spec);
    if (!entry || conflicting.has(spec)) continue;
    const result = checkAdminValue(spec, entry.value, entry.key, options.roles);
    if (result.ok) admin.push([spec, result.value]);
    else errors.push(result.error);
  }
  return errors.length > 0 ? { kind: "invalid", errors } : { kind: "ok", patch, admin };
}
