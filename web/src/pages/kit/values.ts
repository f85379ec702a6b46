import { PROFILE_FIELDS } from "valara-users/client";

// Labels of the profile fields come from the client's catalog (generated from the OpenAPI
// document); the few admin-only fields a PUT may change are named here, as the catalog has none.
const LABELS = new Map<string, string>([
  ...PROFILE_FIELDS.map((field) => [field.name, field.label] as [string, string]),
  ["email", "Email"],
  ["role", "Role"],
  ["is_active", "Active"],
  ["email_verified", "Email verified"],
  ["account_status", "Account status"],
]);

/** A field's name in words. */
export const fieldLabel = (name: string): string => {
  const known = LABELS.get(name);
  if (known) return known;
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A stored value as a person reads it; nothing at all is "(empty)". */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
