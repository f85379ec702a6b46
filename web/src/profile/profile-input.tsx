import type { ProfileFieldSpec } from "valara-users/client";
import { Field } from "../ui";
import { inputType } from "./profile-model";

// Help for the kinds whose rules are not obvious from the label (the API's rules, contract §3);
// URL fields say theirs in an error only, rather than ten times over.
const HINTS: Partial<Record<ProfileFieldSpec["kind"], string>> = {
  us_state: "A two-letter code (CA) or the full name.",
  phone: "7 to 15 digits; a leading +, spaces, dashes and an extension are fine.",
};

interface ProfileInputProps {
  spec: ProfileFieldSpec;
  value: string;
  error: string | undefined;
  onEdit(value: string): void;
}

/** One catalog field: its label, input type from its kind, its length limit. */
export function ProfileInput({ spec, value, error, onEdit }: ProfileInputProps) {
  const shared = {
    label: spec.label,
    name: spec.name,
    value,
    error,
    hint: HINTS[spec.kind],
    required: !spec.nullable,
    maxLength: spec.maxLength ?? undefined,
    spellCheck: spec.kind === "text" ? undefined : false,
  };
  if (spec.multiline) return <Field {...shared} multiline rows={6} onChange={(event) => onEdit(event.target.value)} />;
  return <Field {...shared} type={inputType(spec.kind)} onChange={(event) => onEdit(event.target.value)} />;
}
