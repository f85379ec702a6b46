import { toStateCode } from "./us-states.js";
import type { ProfileField } from "./user-fields.js";

/** One problem with one field, as listed in `details.errors`. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export type RuleResult = { ok: true; value: string | null } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): RuleResult => ({ ok: false, code, message });

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators; newlines (\n, \r) are
// allowed only in multi-line fields. Tabs are control characters too.
/** Any control character, for single-line values. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const CONTROL_EXCEPT_NEWLINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;
/**
 * Half of a UTF-16 surrogate pair on its own (JSON's "\ud800" parses to one): not text. SQLite
 * would store it as bytes that never compare equal to anything read back (its compare-and-set
 * could not match the row again), PostgreSQL as U+FFFD. Refused on both.
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** One @, no spaces, a dotted domain. Deliverability is not ours to judge. */
export const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/u;
const PHONE = /^(\+?[0-9 ().-]+?)(?:\s*(?:x|ext\.?|extension|#)\s*[0-9]{1,6})?$/iu;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkPhone(value: string): RuleResult {
  const main = PHONE.exec(value)?.[1];
  const digits = main?.replace(/\D/g, "").length ?? 0;
  if (digits < 7 || digits > 15) {
    return fail("invalid_phone", "must be a phone number: 7 to 15 digits, optional leading +, optional extension");
  }
  return { ok: true, value };
}

function checkUrl(value: string): RuleResult {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("invalid_url", "must be an absolute http(s) URL");
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return fail("invalid_url", "must be an absolute http(s) URL");
  }
  return { ok: true, value };
}

function checkDate(value: string): RuleResult {
  const match = DATE.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(0);
    // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
    date.setUTCFullYear(year, month - 1, day);
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      return { ok: true, value };
    }
  }
  return fail("invalid_date", "must be a calendar date YYYY-MM-DD");
}

function checkKind(spec: ProfileField, value: string): RuleResult {
  switch (spec.kind) {
    case "text":
      return { ok: true, value };
    case "email":
      return EMAIL.test(value) ? { ok: true, value } : fail("invalid_email", "must be an email address");
    case "url":
      return checkUrl(value);
    case "phone":
      return checkPhone(value);
    case "date":
      return checkDate(value);
    case "us_state": {
      const code = toStateCode(value);
      return code
        ? { ok: true, value: code }
        : fail("invalid_state", "must be a US state or territory: two-letter code or full name");
    }
  }
}

/**
 * Checks one profile value and returns what to store: trimmed, NFC-normalised, "" → null on
 * nullable fields, states as their code. Never throws, whatever the input.
 */
export function checkProfileValue(spec: ProfileField, input: unknown): RuleResult {
  if (input === null) {
    return spec.nullable ? { ok: true, value: null } : fail("not_nullable", "cannot be null");
  }
  if (typeof input !== "string") return fail("invalid_type", "must be a string or null");
  const value = input.normalize("NFC").trim();
  if (value === "") {
    return spec.nullable ? { ok: true, value: null } : fail("too_short", "must not be empty");
  }
  if ((spec.multiline ? CONTROL_EXCEPT_NEWLINES : CONTROL).test(value)) {
    return fail(
      "control_characters",
      spec.multiline
        ? "must not contain control characters other than newlines"
        : "must not contain control characters",
    );
  }
  if (LONE_SURROGATE.test(value)) return fail("invalid_unicode", "must be valid Unicode text");
  // Lengths count code points. States and dates have their own exact formats to answer to.
  const length = [...value].length;
  if (spec.kind !== "us_state" && spec.kind !== "date" && length > spec.maxLength) {
    return fail("too_long", `must be at most ${spec.maxLength} characters`);
  }
  return checkKind(spec, value);
}
