import { CONTROL, EMAIL, type FieldError, LONE_SURROGATE } from "./field-rules.js";
import { ACCOUNT_STATUSES, type AdminField } from "./user-fields.js";

export type AdminValue = string | boolean;
export type AdminRuleResult = { ok: true; value: AdminValue } | { ok: false; error: FieldError };

const EMAIL_MAX = 254;

/** Checks one admin-only value (PUT); emails are stored lower-case, as Better Auth stores them. */
export function checkAdminValue(
  spec: AdminField,
  input: unknown,
  key: string,
  roles: readonly string[],
): AdminRuleResult {
  const fail = (code: string, message: string): AdminRuleResult => ({
    ok: false,
    error: { field: key, code, message: `${key} ${message}` },
  });
  if (input === null) return fail("not_nullable", "cannot be null");
  switch (spec.kind) {
    case "boolean":
      return typeof input === "boolean" ? { ok: true, value: input } : fail("invalid_type", "must be true or false");
    case "email": {
      if (typeof input !== "string") return fail("invalid_type", "must be a string");
      const email = input.normalize("NFC").trim().toLowerCase();
      if (CONTROL.test(email)) return fail("control_characters", "must not contain control characters");
      if (LONE_SURROGATE.test(email)) return fail("invalid_unicode", "must be valid Unicode text");
      if (email.length > EMAIL_MAX) return fail("too_long", `must be at most ${EMAIL_MAX} characters`);
      return EMAIL.test(email) ? { ok: true, value: email } : fail("invalid_email", "must be an email address");
    }
    case "role":
      return typeof input === "string" && roles.includes(input)
        ? { ok: true, value: input }
        : fail("invalid_role", `must be one of: ${roles.join(", ")}`);
    case "account_status":
      return typeof input === "string" && (ACCOUNT_STATUSES as readonly string[]).includes(input)
        ? { ok: true, value: input }
        : fail("invalid_value", `must be one of: ${ACCOUNT_STATUSES.join(", ")}`);
  }
}
