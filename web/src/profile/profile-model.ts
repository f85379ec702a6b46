import { PROFILE_FIELDS, type ProfileFieldSpec, type ProfilePatch, type User } from "valara-users/client";

export type FieldName = ProfileFieldSpec["name"];
/** What the person typed, field by field: only the fields they touched. */
export type Edits = Partial<Record<FieldName, string>>;

/** A field's value as an input shows it: null is the empty string. */
export const shown = (user: User, name: FieldName): string => user[name] ?? "";

/** The value an input shows: the person's edit if any, else the user's. */
export const inputValue = (user: User, edits: Edits, name: FieldName): string => edits[name] ?? shown(user, name);

/** The fields whose edit differs from the user as loaded, in the catalog's order. */
export const changedFields = (user: User, edits: Edits): ProfileFieldSpec[] =>
  PROFILE_FIELDS.filter((spec) => edits[spec.name] !== undefined && edits[spec.name] !== shown(user, spec.name));

/**
 * The PATCH body: only the changed fields. A nullable field emptied is sent as null (cleared); a
 * required one as "" so that the API says it must not be empty.
 */
export function patchOf(user: User, edits: Edits): ProfilePatch {
  const patch: Record<string, string | null> = {};
  for (const spec of changedFields(user, edits)) {
    const value = edits[spec.name] ?? "";
    patch[spec.name] = spec.nullable && value.trim() === "" ? null : value;
  }
  return patch as ProfilePatch;
}

/** One field that changed elsewhere between two versions of the user. */
export interface RemoteChange {
  spec: ProfileFieldSpec;
  from: string;
  to: string;
}

export const remoteChanges = (before: User, after: User): RemoteChange[] =>
  PROFILE_FIELDS.filter((spec) => shown(before, spec.name) !== shown(after, spec.name)).map((spec) => ({
    spec,
    from: shown(before, spec.name),
    to: shown(after, spec.name),
  }));

/** An API field error in words: "website_url must be …" → "Website URL must be …." */
export function inWords(label: string, name: string, message: string): string {
  const rest = message.startsWith(`${name} `) ? message.slice(name.length + 1) : message;
  const sentence = /^[a-z]/.test(rest) && !rest.startsWith(label) ? `${label} ${rest}` : rest;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** The input type for a field's kind (us_state stays text: a code or a full name is accepted). */
export const inputType = (kind: ProfileFieldSpec["kind"]): string =>
  ({ text: "text", us_state: "text", email: "email", url: "url", phone: "tel", date: "date" })[kind];
