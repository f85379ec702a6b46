import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { FieldError } from "../src/users/field-rules.js";
import { type AdminPatch, type ProfilePatch, readAdminPatch, readProfilePatch } from "../src/users/patch-body.js";
import {
  ADMIN_FIELD_BY_KEY,
  type AdminField,
  type CatalogField,
  PROFILE_FIELD_BY_KEY,
  PROFILE_FIELDS,
  READ_ONLY_FIELD_BY_KEY,
} from "../src/users/user-fields.js";
import {
  anyFieldValue,
  bodyFromEntries,
  controlChar,
  fieldBody,
  likelyProfileEntries,
  likelyValueFor,
  nastyString,
} from "./support/arbitraries.js";
import { assertAdminValue, assertProfileValue, codePoints } from "./support/contract-rules.js";

// Property-based tests of the PATCH/PUT body reader (issue 6, fuzzing): whatever JSON value comes
// in, the reader never throws, and answers either a patch whose every value obeys the contract's
// field rules (re-checked here independently of src) or a complete list of field errors.

const RUNS = 4_000;
const ROLES = ["user", "admin"];
const params = (numRuns = RUNS) => ({ numRuns, includeErrorInReport: true });

type Spec = CatalogField | AdminField;
const specOf = (key: string): Spec | undefined => PROFILE_FIELD_BY_KEY.get(key) ?? ADMIN_FIELD_BY_KEY.get(key);
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The sent value behind a patch entry (both casings, if sent, carry the same value). */
function sentValue(body: Record<string, unknown>, spec: Spec): unknown {
  const keys = Object.keys(body).filter((key) => specOf(key) === spec);
  assert.ok(keys.length > 0, `${spec.name} was sent`);
  for (const key of keys) assert.equal(body[key], body[keys[0] as string], `${spec.name}: casings agree`);
  return body[keys[0] as string];
}

/** An ok patch: exactly the fields sent, in catalog order, each the normalised form of what was sent. */
function assertOkPatch(body: Record<string, unknown>, patch: ProfilePatch, admin: AdminPatch, adminAllowed: boolean) {
  for (const key of Object.keys(body)) {
    const spec = specOf(key);
    assert.ok(spec, `ok with unknown key ${JSON.stringify(key)}`);
    assert.ok(adminAllowed || PROFILE_FIELD_BY_KEY.has(key), `ok with admin-only key ${key} on PATCH`);
  }
  const sentProfile = PROFILE_FIELDS.filter((spec) => Object.keys(body).some((key) => specOf(key) === spec));
  assert.deepEqual(
    patch.map(([spec]) => spec.name),
    sentProfile.map((spec) => spec.name),
    "the patch names every profile field sent, once, in catalog order",
  );
  for (const [spec, value] of patch) {
    assertProfileValue(spec, value);
    const input = sentValue(body, spec);
    assert.ok(input === null || typeof input === "string", `${spec.name}: only strings and null are accepted`);
    if (input === null || value === null) {
      assert.ok(input === null || input.normalize("NFC").trim() === "", `${spec.name}: null only for null or blank`);
      continue;
    }
    const normalised = input.normalize("NFC").trim();
    if (spec.kind === "us_state") {
      if (codePoints(normalised) === 2) assert.equal(value, normalised.toUpperCase(), spec.name);
    } else assert.equal(value, normalised, `${spec.name}: stored as sent, trimmed and NFC`);
  }
  assert.equal(admin.length, new Set(admin.map(([spec]) => spec)).size, "each admin field once");
  for (const [spec, value] of admin) {
    assertAdminValue(spec, value, ROLES);
    const input = sentValue(body, spec);
    const expected = spec.kind === "email" ? (input as string).normalize("NFC").trim().toLowerCase() : input;
    assert.equal(value, expected, spec.name);
  }
}

function assertFieldErrors(errors: FieldError[]) {
  assert.ok(Array.isArray(errors) && errors.length > 0, "a non-empty error list");
  for (const error of errors) {
    for (const part of ["field", "code", "message"] as const) assert.equal(typeof error[part], "string", part);
    assert.match(error.code, /^[a-z][a-z_]*$/, "codes are snake_case");
    assert.ok(error.message.length > 0, "a message");
  }
}

/** Every key the errors point at (by key or by field name), dropped from the body. */
function withoutBlamedKeys(body: Record<string, unknown>, blamed: readonly string[]) {
  const blamedSpecs = new Set(blamed.map(specOf).filter(Boolean));
  const kept = Object.keys(body).filter((key) => !blamed.includes(key) && !blamedSpecs.has(specOf(key)));
  return bodyFromEntries(kept.map((key) => [key, body[key]]));
}

/** The core property: a well-formed answer, never an exception, whatever came in. */
function checkRead(body: unknown, mode: "patch" | "put") {
  const result = mode === "patch" ? readProfilePatch(body) : readAdminPatch(body, ROLES);
  if (!isPlainObject(body)) {
    assert.equal(result.kind, "not_object");
    return result;
  }
  const adminKeys = Object.keys(body).filter((key) => ADMIN_FIELD_BY_KEY.has(key));
  switch (result.kind) {
    case "not_object":
      assert.fail("a plain object was read as not an object");
      break;
    case "admin_only_fields":
      assert.equal(mode, "patch", "PUT accepts admin-only fields");
      assert.deepEqual(result.fields, adminKeys, "exactly the admin-only keys sent, in order");
      assert.notEqual(readProfilePatch(withoutBlamedKeys(body, adminKeys)).kind, "admin_only_fields");
      break;
    case "invalid": {
      assertFieldErrors(result.errors);
      if (mode === "patch") assert.deepEqual(adminKeys, [], "admin-only keys are reported first (rule 4)");
      for (const key of Object.keys(body)) {
        if (specOf(key)) continue;
        const code = READ_ONLY_FIELD_BY_KEY.has(key) ? "read_only" : "unknown_field";
        assert.ok(
          result.errors.some((error) => error.field === key && error.code === code),
          `${JSON.stringify(key)} is reported as ${code}`,
        );
      }
      // Every problem is listed at once: without the blamed keys, what is left is accepted.
      const rest = withoutBlamedKeys(
        body,
        result.errors.map((error) => error.field),
      );
      const again = mode === "patch" ? readProfilePatch(rest) : readAdminPatch(rest, ROLES);
      assert.equal(again.kind, "ok", `left over after removing blamed keys: ${JSON.stringify(again)}`);
      break;
    }
    case "ok":
      assertOkPatch(body, result.patch, "admin" in result ? (result.admin as AdminPatch) : [], mode === "put");
      break;
  }
  return result;
}

/** The body an ok result stands for, in one casing. */
function bodyOf(patch: ProfilePatch, admin: AdminPatch, casing: "name" | "camel") {
  return bodyFromEntries([...patch, ...admin].map(([spec, value]) => [spec[casing], value]));
}

const readBoth = (body: unknown) => ({ patch: checkRead(body, "patch"), put: checkRead(body, "put") });
const anyBody = fc.oneof(
  fc.jsonValue(),
  fc.jsonValue({ stringUnit: "binary" }),
  fieldBody,
  likelyProfileEntries.map((entries) => bodyFromEntries(entries.map(([spec, value]) => [spec.name, value]))),
);

describe("fuzz: the PATCH/PUT body reader (fast-check)", () => {
  it("any JSON value: never throws; a patch that obeys every field rule, or a complete list of field errors", () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        readBoth(body);
      }),
      params(),
    );
  });

  it("objects keyed by real, admin-only, read-only, prototype and near-miss keys, values of any JSON type", () => {
    fc.assert(
      fc.property(fieldBody, (body) => {
        readBoth(body);
      }),
      params(),
    );
  });

  it("any value under any profile field, alone: never throws, and the value is either stored by the rule or refused", () => {
    const field = fc.constantFrom(...PROFILE_FIELDS);
    fc.assert(
      fc.property(field, fc.oneof(anyFieldValue, field.chain(likelyValueFor)), (spec, value) => {
        for (const key of new Set([spec.name, spec.camel])) {
          const result = checkRead(bodyFromEntries([[key, value]]), "patch");
          if (result.kind === "invalid") assert.ok(result.errors.every((error) => error.field === key));
        }
      }),
      params(),
    );
  });

  it("length limits count code points after NFC: at the limit accepted, one over refused as too_long", () => {
    const textFields = PROFILE_FIELDS.filter((spec) => spec.kind === "text");
    fc.assert(
      fc.property(
        fc.constantFrom(...textFields),
        fc.constantFrom("a", "é", "e\u0301", "😀", "ﬀ", "\u00a0x"),
        fc.constantFrom(-1, 0, 1),
        (spec, unit, delta) => {
          const count = spec.maxLength + delta;
          const value = unit === "\u00a0x" ? `${"x".repeat(count)}\u00a0` : unit.repeat(count);
          const result = checkRead(bodyFromEntries([[spec.camel, value]]), "patch");
          if (delta <= 0) assert.equal(result.kind, "ok", `${spec.name}: ${count} characters`);
          else assert.deepEqual(result.kind === "invalid" && result.errors.map((error) => error.code), ["too_long"]);
        },
      ),
      params(500),
    );
  });

  it("likely-valid bodies are mostly accepted (the ok path is exercised, not just refusals)", () => {
    let ok = 0;
    fc.assert(
      fc.property(likelyProfileEntries, (entries) => {
        const result = checkRead(bodyFromEntries(entries.map(([spec, value]) => [spec.name, value])), "patch");
        if (result.kind === "ok") ok++;
      }),
      params(),
    );
    assert.ok(ok > RUNS * 0.2, `only ${ok} of ${RUNS} likely-valid bodies were accepted`);
  });

  it("normalisation is idempotent: an accepted patch's values, sent again, give the same patch", () => {
    fc.assert(
      fc.property(fc.oneof(anyBody, fieldBody), (body) => {
        readBoth(body);
        const [patch, put] = [readProfilePatch(body), readAdminPatch(body, ROLES)];
        if (patch.kind === "ok") {
          for (const casing of ["name", "camel"] as const) {
            const again = checkRead(bodyOf(patch.patch, [], casing), "patch");
            assert.deepEqual(again, patch, `PATCH, ${casing} casing`);
          }
        }
        if (put.kind === "ok") {
          const again = checkRead(bodyOf(put.patch, put.admin, "name"), "put");
          assert.deepEqual(again, put, "PUT");
        }
      }),
      params(),
    );
  });

  it("snake_case, camelCase and both spellings (same value) of one body read alike", () => {
    const specs = [...PROFILE_FIELDS, ...ADMIN_FIELD_BY_KEY.values()];
    const entries = fc.uniqueArray(
      fc.tuple(
        fc.constantFrom(...new Set(specs)),
        fc.oneof(anyFieldValue, fc.constantFrom(...PROFILE_FIELDS).chain(likelyValueFor)),
      ),
      { selector: ([spec]) => spec, maxLength: 6 },
    );
    const summary = (result: ReturnType<typeof checkRead>) => {
      if (result.kind === "ok") return result;
      if (result.kind === "invalid") {
        return result.errors.map((error) => `${specOf(error.field)?.name ?? error.field}:${error.code}`).sort();
      }
      if (result.kind === "admin_only_fields")
        return [...new Set(result.fields.map((key) => specOf(key)?.name))].sort();
      return result.kind;
    };
    fc.assert(
      fc.property(entries, (list) => {
        const snake = bodyFromEntries(list.map(([spec, value]) => [spec.name, value]));
        const camel = bodyFromEntries(list.map(([spec, value]) => [spec.camel, value]));
        const primitive = list.every(([, value]) => value === null || typeof value !== "object");
        const doubled = bodyFromEntries(
          list.flatMap(([spec, value]) => [[spec.camel, value] as const, [spec.name, value] as const]),
        );
        for (const mode of ["patch", "put"] as const) {
          const expected = summary(checkRead(snake, mode));
          assert.deepEqual(summary(checkRead(camel, mode)), expected, `${mode}: camelCase reads as snake_case`);
          if (primitive) assert.deepEqual(summary(checkRead(doubled, mode)), expected, `${mode}: both spellings`);
        }
      }),
      params(),
    );
  });

  it("the same field in both casings with different values is refused as conflicting_casing, naming the field", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROFILE_FIELDS.filter((spec) => spec.name !== spec.camel)),
        nastyString,
        nastyString,
        (spec, first, second) => {
          fc.pre(first !== second);
          const result = checkRead(
            bodyFromEntries([
              [spec.camel, first],
              [spec.name, second],
            ]),
            "patch",
          );
          assert.equal(result.kind, "invalid");
          if (result.kind !== "invalid") return;
          assert.ok(result.errors.some((error) => error.field === spec.name && error.code === "conflicting_casing"));
        },
      ),
      params(500),
    );
  });

  it("PUT email: a control character inside an otherwise valid address is refused (CONTRACT §3)", () => {
    fc.assert(
      fc.property(fc.emailAddress(), controlChar, fc.nat(), (email, control, at) => {
        // Inside, not at the ends: strings are trimmed first, and a trailing tab or newline is
        // whitespace that trimming removes, as on every other field.
        const index = 1 + (at % (email.length - 1));
        const body = bodyFromEntries([["email", `${email.slice(0, index)}${control}${email.slice(index)}`]]);
        const result = readAdminPatch(body, ROLES);
        if (result.kind === "ok") assertOkPatch(body, result.patch, result.admin, true);
        assert.equal(result.kind, "invalid", JSON.stringify(body));
      }),
      params(500),
    );
  });

  it("prototype keys are refused as unknown fields and never reach Object.prototype", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("__proto__", "constructor", "prototype"),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom("name", "role", "isAdmin", "is_active"),
        (key, value, innerKey) => {
          const body = bodyFromEntries([
            [key, { [innerKey]: value, prototype: { [innerKey]: value } }],
            ["title", "Agent"],
          ]);
          for (const mode of ["patch", "put"] as const) {
            const result = checkRead(body, mode);
            assert.equal(result.kind, "invalid");
          }
          assert.equal(Object.hasOwn(Object.prototype, innerKey), false, "Object.prototype untouched");
          assert.equal(({} as Record<string, unknown>)[innerKey], undefined);
        },
      ),
      params(300),
    );
  });

  it("error messages stay one readable line (CONTRACT §5) even when the sent key carries line breaks or controls", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom("\n", "\r\n", "\u2028", "\u0000", "\u001b[31m")),
        ([stem, nasty]) => {
          const result = readProfilePatch(bodyFromEntries([[`${stem}${nasty}x`, 1]]));
          assert.equal(result.kind, "invalid");
          if (result.kind !== "invalid") return;
          for (const error of result.errors)
            assert.doesNotMatch(error.message, /[\p{Cc}\u2028\u2029]/u, JSON.stringify(error));
        },
      ),
      params(200),
    );
  });

  it("pathological bodies: deep nesting, a thousand near-miss keys, huge strings; answered quickly", () => {
    const deep = JSON.parse(`{"bio":${"[".repeat(5_000)}${"]".repeat(5_000)}}`);
    const manyKeys = bodyFromEntries(Array.from({ length: 1_000 }, (_, i) => [`firstNme${"x".repeat(i % 50)}${i}`, i]));
    const huge = bodyFromEntries(PROFILE_FIELDS.map((spec) => [spec.name, "é".repeat(spec.maxLength * 10 + 1)]));
    const started = performance.now();
    for (const body of [deep, manyKeys, huge]) readBoth(body);
    const readHuge = readProfilePatch(huge);
    assert.equal(readHuge.kind, "invalid");
    if (readHuge.kind === "invalid") assert.equal(readHuge.errors.length, PROFILE_FIELDS.length, "one error per field");
    assert.ok(performance.now() - started < 3_000, "bounded work");
  });
});
