import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkProfileValue, type RuleResult } from "../src/users/field-rules.js";
import { type PatchBodyResult, readProfilePatch } from "../src/users/patch-body.js";
import { ADMIN_FIELDS, type CatalogField, PROFILE_FIELD_BY_KEY, PROFILE_FIELDS } from "../src/users/user-fields.js";

// Unit tests of the pure PATCH body reader and the per-field rule: no app, no database.

function specOf(key: string): CatalogField {
  const spec = PROFILE_FIELD_BY_KEY.get(key);
  assert.ok(spec, `${key} is in the catalog`);
  return spec;
}

/** A value each kind accepts. */
const validFor = (spec: CatalogField): string =>
  ({
    text: "Sample",
    email: "agent@example.com",
    url: "https://example.com/a",
    phone: "+1-555-0123",
    us_state: "NY",
    date: "2030-01-31",
  })[spec.kind];

const KINDS = new Set(["ok", "not_object", "admin_only_fields", "invalid"]);

/** The result has exactly the shape its kind promises. */
function assertWellFormed(result: PatchBodyResult) {
  assert.ok(KINDS.has(result.kind), `unexpected kind ${String(result.kind)}`);
  switch (result.kind) {
    case "ok":
      assert.deepEqual(Object.keys(result).sort(), ["kind", "patch"]);
      for (const [spec, value] of result.patch) {
        assert.ok(PROFILE_FIELDS.includes(spec), "patch entries are catalog specs");
        assert.ok(value === null || typeof value === "string");
      }
      break;
    case "not_object":
      assert.deepEqual(Object.keys(result), ["kind"]);
      break;
    case "admin_only_fields":
      assert.deepEqual(Object.keys(result).sort(), ["fields", "kind"]);
      assert.ok(result.fields.length > 0);
      break;
    case "invalid":
      assert.deepEqual(Object.keys(result).sort(), ["errors", "kind"]);
      assert.ok(result.errors.length > 0);
      for (const error of result.errors) {
        const keys = Object.keys(error).sort();
        assert.ok(["code,field,message", "code,field,message,suggestion"].includes(keys.join(",")), keys.join(","));
        assert.ok(typeof error.field === "string" && typeof error.code === "string");
        assert.ok(typeof error.message === "string" && error.message.length > 0);
      }
      break;
  }
}

const errorPairs = (result: PatchBodyResult) => {
  assert.ok(result.kind === "invalid", `expected invalid, got ${result.kind}`);
  return result.errors.map((error) => `${error.field}:${error.code}`).sort();
};

describe("readProfilePatch", () => {
  it("returns the normalised patch with catalog specs, in catalog order whatever the body order", () => {
    const body = Object.fromEntries(
      [...PROFILE_FIELDS].reverse().map((spec, index) => [index % 2 ? spec.camel : spec.name, ` ${validFor(spec)} `]),
    );
    const result = readProfilePatch(body);
    assertWellFormed(result);
    assert.ok(result.kind === "ok");
    assert.deepEqual(
      result.patch.map(([spec]) => spec.name),
      PROFILE_FIELDS.map((spec) => spec.name),
    );
    for (const [spec, value] of result.patch) {
      assert.equal(spec, specOf(spec.name), "the catalog's own spec object");
      assert.equal(value, validFor(spec), `${spec.name} trimmed`);
    }
  });

  it('maps camelCase to the field, null and "" to null, and state names to codes', () => {
    const result = readProfilePatch({
      displayName: "John D.",
      cellPhone: "+1-555-0123",
      bio: "",
      city: null,
      licenseState: "new york",
    });
    assert.deepEqual(result, {
      kind: "ok",
      patch: [
        [specOf("display_name"), "John D."],
        [specOf("cell_phone"), "+1-555-0123"],
        [specOf("license_state"), "NY"],
        [specOf("bio"), null],
        [specOf("city"), null],
      ],
    });
  });

  it("reads {} as an empty patch and one field sent in both casings with one value once", () => {
    assert.deepEqual(readProfilePatch({}), { kind: "ok", patch: [] });
    assert.deepEqual(readProfilePatch({ first_name: "Ann", firstName: "Ann" }), {
      kind: "ok",
      patch: [[specOf("first_name"), "Ann"]],
    });
  });

  it("reads anything but a JSON object as not_object", () => {
    for (const body of [
      null,
      undefined,
      0,
      42,
      -1.5,
      Number.NaN,
      true,
      false,
      "",
      "{}",
      '{"title":"x"}',
      [],
      [{ title: "x" }],
      [[[]]],
    ]) {
      assert.deepEqual(readProfilePatch(body), { kind: "not_object" }, JSON.stringify(body) ?? String(body));
    }
  });

  it("reports admin-only fields first, in body order and casing, before any other problem", () => {
    const body = {
      displayNmae: "x",
      title: 5,
      isActive: false,
      id: "usr_1",
      name: null,
      role: "admin",
      first_name: "A",
      firstName: "B",
    };
    assert.deepEqual(readProfilePatch(body), { kind: "admin_only_fields", fields: ["isActive", "role"] });
    for (const spec of ADMIN_FIELDS) {
      for (const key of new Set([spec.name, spec.camel])) {
        assert.deepEqual(readProfilePatch({ title: 7, [key]: "x" }), { kind: "admin_only_fields", fields: [key] }, key);
      }
    }
  });

  it("reports every other problem at once, each with field, code and message", () => {
    const result = readProfilePatch({
      title: "Fine",
      displayNmae: "x",
      created_at: "2020-01-01",
      updatedAt: "2020-01-01",
      website_url: "ftp://example.com",
      name: null,
      city: 7,
      first_name: "A",
      firstName: "B",
      displayEmail: "nope",
    });
    assertWellFormed(result);
    assert.deepEqual(errorPairs(result), [
      "city:invalid_type",
      "created_at:read_only",
      "displayEmail:invalid_email",
      "displayNmae:unknown_field",
      "first_name:conflicting_casing",
      "name:not_nullable",
      "updatedAt:read_only",
      "website_url:invalid_url",
    ]);
  });

  it("reports a casing conflict once, without also judging either value", () => {
    assert.deepEqual(errorPairs(readProfilePatch({ first_name: 5, firstName: [] })), ["first_name:conflicting_casing"]);
    assert.deepEqual(errorPairs(readProfilePatch({ cellPhone: "x", cell_phone: "+1-555-0123" })), [
      "cell_phone:conflicting_casing",
    ]);
  });

  it("suggests the snake_case field for close misspellings only", () => {
    const result = readProfilePatch({
      displayNmae: 1,
      cellphone: 1,
      Display_Name: 1,
      licence_state: 1,
      zzzzzzzzzzzzzz: 1,
    });
    assertWellFormed(result);
    assert.ok(result.kind === "invalid");
    const suggestion = Object.fromEntries(
      result.errors.map((error) => [error.field, (error as { suggestion?: string }).suggestion]),
    );
    assert.deepEqual(suggestion, {
      displayNmae: "display_name",
      cellphone: "cell_phone",
      Display_Name: "display_name",
      licence_state: "license_state",
      zzzzzzzzzzzzzz: undefined,
    });
    for (const error of result.errors) assert.equal(error.code, "unknown_field");
  });

  it("treats prototype-ish keys as unknown fields, never as the object's machinery", () => {
    const parsed = JSON.parse(
      '{"__proto__": {"role": "admin"}, "constructor": {"prototype": {}}, "toString": 1, "hasOwnProperty": 2}',
    ) as unknown;
    assert.deepEqual(errorPairs(readProfilePatch(parsed)), [
      "__proto__:unknown_field",
      "constructor:unknown_field",
      "hasOwnProperty:unknown_field",
      "toString:unknown_field",
    ]);
    assert.equal(Object.hasOwn(Object.prototype, "role"), false);
  });

  it("never throws on odd inputs and always returns a well-formed result", () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { title: "Null proto" });
    const odd: unknown[] = [
      Number.POSITIVE_INFINITY,
      1e308,
      "x".repeat(1_000_000),
      deep,
      { bio: deep },
      { title: [[["x"]]] },
      {
        title: {
          toString: () => {
            throw new Error("no");
          },
        },
      },
      { title: { valueOf: () => 1 } },
      { bio: "x".repeat(1_000_000) },
      { ["k".repeat(100_000)]: 1 },
      { "": "", " ": 1, "\u0000": 2, "\uD800": 3 },
      Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`field_${i}`, i])),
      { title: "\uD800\uDC00\uDFFF", city: "\uFFFF", name: "\u0301" },
      nullProto,
      Object.freeze({ title: "Frozen" }),
      new Date(0),
      new Map([["title", "x"]]),
      /title/,
      new (class Weird {
        title = "instance";
      })(),
    ];
    for (const body of odd) {
      let result: PatchBodyResult | undefined;
      assert.doesNotThrow(() => {
        result = readProfilePatch(body);
      });
      assert.ok(result);
      assertWellFormed(result);
    }
    assert.deepEqual(readProfilePatch(nullProto), { kind: "ok", patch: [[specOf("title"), "Null proto"]] });
    assert.deepEqual(errorPairs(readProfilePatch({ bio: "x".repeat(1_000_000) })), ["bio:too_long"]);
    assert.equal(errorPairs(readProfilePatch(odd[11])).length, 2_000);
  });
});

/** A RuleResult has exactly the keys its branch promises. */
function assertRuleShape(result: RuleResult) {
  if (result.ok) {
    assert.deepEqual(Object.keys(result).sort(), ["ok", "value"]);
    assert.ok(result.value === null || typeof result.value === "string");
  } else {
    assert.deepEqual(Object.keys(result).sort(), ["code", "message", "ok"]);
    assert.match(result.code, /^[a-z]+(_[a-z]+)*$/);
    assert.ok(result.message.length > 0);
  }
}

describe("checkProfileValue", () => {
  it("returns { ok: true, value } with the value to store for every field", () => {
    for (const spec of PROFILE_FIELDS) {
      const result = checkProfileValue(spec, `  ${validFor(spec)}\u00a0`);
      assertRuleShape(result);
      assert.deepEqual(result, { ok: true, value: validFor(spec) }, spec.name);
    }
    assert.deepEqual(checkProfileValue(specOf("state"), "District of Columbia"), { ok: true, value: "DC" });
    assert.deepEqual(checkProfileValue(specOf("title"), "Cafe\u0301"), { ok: true, value: "Caf\u00e9" });
  });

  it('clears nullable fields with null or "" and refuses both for name', () => {
    for (const spec of PROFILE_FIELDS) {
      for (const input of [null, "", "   "]) {
        const result = checkProfileValue(spec, input);
        assertRuleShape(result);
        if (spec.nullable) assert.deepEqual(result, { ok: true, value: null }, `${spec.name} ${JSON.stringify(input)}`);
        else assert.equal(!result.ok && result.code, input === null ? "not_nullable" : "too_short", spec.name);
      }
    }
    assert.deepEqual(
      PROFILE_FIELDS.filter((spec) => !spec.nullable).map((spec) => spec.name),
      ["name"],
    );
  });

  it("refuses every non-string value as invalid_type, without throwing", () => {
    const odd: unknown[] = [
      undefined,
      0,
      -0,
      1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      true,
      false,
      {},
      [],
      ["x"],
      [[["x"]]],
      { toString: () => "x" },
      new Date(0),
      () => "x",
      Object.create(null),
    ];
    for (const spec of PROFILE_FIELDS) {
      for (const input of odd) {
        let result: RuleResult | undefined;
        assert.doesNotThrow(() => {
          result = checkProfileValue(spec, input);
        });
        assert.ok(result);
        assertRuleShape(result);
        assert.equal(!result.ok && result.code, "invalid_type", `${spec.name} ${typeof input}`);
      }
    }
  });

  it("survives huge and malformed strings with a coded refusal", () => {
    const huge = "x".repeat(1_000_000);
    for (const spec of PROFILE_FIELDS) {
      const long = checkProfileValue(spec, huge);
      assertRuleShape(long);
      const expected = spec.kind === "us_state" ? "invalid_state" : spec.kind === "date" ? "invalid_date" : "too_long";
      assert.equal(!long.ok && long.code, expected, spec.name);
      for (const input of [
        "\uD800",
        "\uDFFF\uD800",
        "\u0301",
        "\uFFFE",
        "a\u2028b",
        "%%%",
        "http://[::1",
        "9999-99-99",
      ]) {
        let result: RuleResult | undefined;
        assert.doesNotThrow(
          () => {
            result = checkProfileValue(spec, input);
          },
          `${spec.name} ${JSON.stringify(input)}`,
        );
        assert.ok(result);
        assertRuleShape(result);
      }
    }
  });
});

describe("checkProfileValue: the contract's edge cases", () => {
  const spec = (name: string) => PROFILE_FIELDS.find((field) => field.name === name)!;

  it("refuses a tab in bio (a control character; only newlines are allowed there)", () => {
    const result = checkProfileValue(spec("bio"), "a\tb");
    assert.equal(!result.ok && result.code, "control_characters");
    assert.deepEqual(checkProfileValue(spec("bio"), "a\nb\r\nc"), { ok: true, value: "a\nb\r\nc" });
  });

  it("answers a date-time in license_expiration with invalid_date, and accepts years below 100", () => {
    const dateTime = checkProfileValue(spec("license_expiration"), "2025-06-30T00:00:00Z");
    assert.equal(!dateTime.ok && dateTime.code, "invalid_date");
    assert.deepEqual(checkProfileValue(spec("license_expiration"), "0099-01-01"), { ok: true, value: "0099-01-01" });
  });
});
