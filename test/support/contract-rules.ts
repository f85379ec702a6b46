import assert from "node:assert/strict";
import { STATE_CODES } from "../../src/users/us-states.js";
import { ACCOUNT_STATUSES, type AdminField, type CatalogField } from "../../src/users/user-fields.js";

// CONTRACT §3's field rules, restated independently of src (its regexes and checks are not
// imported), to re-check every value the body reader accepts.

const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_BUT_NEWLINES = /(?![\n\r])[\p{Cc}\u2028\u2029]/u;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
const PHONE = /^(\+?[0-9 ().-]+?)(?:\s*(?:x|ext\.?|extension|#)\s*[0-9]{1,6})?$/iu;
export const codePoints = (value: string) => [...value].length;

/** A stored profile value obeys its field's rule. */
export function assertProfileValue(spec: CatalogField, value: string | null) {
  const label = `${spec.name} = ${JSON.stringify(value)}`;
  if (value === null) {
    assert.ok(spec.nullable, `${label}: only nullable fields clear`);
    return;
  }
  assert.equal(typeof value, "string", label);
  assert.notEqual(value, "", `${label}: "" is stored as null`);
  assert.equal(value, value.trim(), `${label}: trimmed`);
  assert.equal(value, value.normalize("NFC"), `${label}: NFC`);
  assert.doesNotMatch(value, spec.multiline ? CONTROL_BUT_NEWLINES : CONTROL, `${label}: no control characters`);
  assert.ok(codePoints(value) <= spec.maxLength, `${label}: at most ${spec.maxLength} characters`);
  switch (spec.kind) {
    case "us_state":
      assert.match(value, /^[A-Z]{2}$/, label);
      assert.ok(STATE_CODES.includes(value), `${label}: a real state code`);
      break;
    case "date": {
      assert.match(value, /^\d{4}-\d{2}-\d{2}$/, label);
      const date = new Date(`${value}T00:00:00Z`);
      assert.equal(date.toISOString().slice(0, 10), value, `${label}: a calendar date`);
      break;
    }
    case "email":
      assert.match(value, EMAIL, label);
      break;
    case "url": {
      const url = new URL(value);
      assert.ok(["http:", "https:"].includes(url.protocol) && url.hostname !== "", `${label}: absolute http(s)`);
      break;
    }
    case "phone": {
      const digits = (PHONE.exec(value)?.[1] ?? "").replace(/\D/g, "").length;
      assert.ok(digits >= 7 && digits <= 15, `${label}: 7 to 15 digits`);
      break;
    }
    case "text":
      break;
  }
}

export function assertAdminValue(spec: AdminField, value: string | boolean, roles: readonly string[]) {
  const label = `${spec.name} = ${JSON.stringify(value)}`;
  if (spec.kind === "boolean") assert.equal(typeof value, "boolean", label);
  else assert.equal(typeof value, "string", label);
  if (spec.kind === "role") assert.ok(roles.includes(value as string), label);
  if (spec.kind === "account_status") assert.ok((ACCOUNT_STATUSES as readonly unknown[]).includes(value), label);
  if (spec.kind === "email") {
    const email = value as string;
    assert.match(email, EMAIL, label);
    assert.equal(email, email.toLowerCase(), `${label}: lower-case`);
    assert.equal(email, email.normalize("NFC").trim(), `${label}: trimmed and NFC`);
    assert.doesNotMatch(email, CONTROL, `${label}: no control characters (CONTRACT §3)`);
    assert.ok(email.length <= 254, label);
  }
}
