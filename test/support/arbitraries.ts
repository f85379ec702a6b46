import fc from "fast-check";
import { STATE_CODES } from "../../src/users/us-states.js";
import { ADMIN_FIELDS, type CatalogField, PROFILE_FIELDS, READ_ONLY_FIELDS } from "../../src/users/user-fields.js";

// fast-check arbitraries shared by the fuzz tests: hostile JSON bodies built from the real field
// catalog, values of every JSON type, and plausible-but-wrong values for every field kind.

const both = (list: ReadonlyArray<{ name: string; camel: string }>) => [
  ...new Set(list.flatMap((spec) => [spec.name, spec.camel])),
];
export const PROFILE_KEYS = both(PROFILE_FIELDS);
export const ADMIN_KEYS = both(ADMIN_FIELDS);
export const READ_ONLY_KEYS = both(READ_ONLY_FIELDS);
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "isPrototypeOf",
];
export const NEAR_MISS_KEYS = [
  "firstname",
  "First_Name",
  "first-name",
  "frist_name",
  "Name",
  "NAME",
  " name",
  "name ",
  "titel",
  "avatarURL",
  "avatar-url",
  "e_mail",
  "Email",
  "isactive",
  "is-active",
  "IsActive",
  "accountstatus",
  "emailverified",
  "licence_state",
  "phone_number",
  "bio\u0000",
  "bío",
  "ｎａｍｅ",
  "name\u200b",
  "",
  "__proto",
  "proto",
  "banned",
  "banReason",
  "password",
  "x".repeat(300),
];

/** One UTF-16 unit of a surrogate pair, alone: legal in JSON text (as an escape), odd everywhere else. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** C0, DEL, C1 and the Unicode line/paragraph separators. */
export const controlChar = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.constantFrom(0x2028, 0x2029))
  .map((code) => String.fromCharCode(code));
/** What `String.prototype.trim` removes, and a few look-alikes it does not (zero-width space, NEL). */
export const padding = fc
  .array(
    fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\ufeff", "\u2000", "\u200b", "\u0085", "\u2028"),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(""));

const LENGTHS = [59, 60, 61, 63, 64, 65, 99, 100, 101, 119, 120, 121, 159, 160, 161, 199, 200, 201, 253, 254, 255];
/** Exactly n code points of one character: at, under and over every field's limit (NFC shrinks `e\u0301`). */
export const longString = fc
  .tuple(
    fc.constantFrom("a", "é", "e\u0301", "😀", "\u00a0", "\n", "ﬀ", "\u0000"),
    fc.oneof(fc.constantFrom(...LENGTHS), fc.constantFrom(2047, 2048, 2049, 4999, 5000, 5001, 20_480, 50_000)),
  )
  .map(([unit, length]) => unit.repeat(length));

const localPart = fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }).filter((s) => !/[\s@]/u.test(s));
export const plausibleEmail = fc.oneof(
  fc.emailAddress(),
  fc.tuple(localPart, fc.domain()).map(([local, domain]) => `${local}@${domain}`),
  fc.constantFrom("a@b.co", "A@B.CO", "a@b", "@b.co", "a b@c.de", `${"x".repeat(65)}@a.bc`, "a@@b.co", "a@b..co"),
);
export const plausibleUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(fc.constantFrom("http", "https", "HTTPS"), fc.domain(), fc.string({ unit: "grapheme", maxLength: 12 }))
    .map(([scheme, domain, path]) => `${scheme}://${domain}/${path}`),
  fc.constantFrom(
    "https://example.com",
    "HTTP://EXAMPLE.COM/A",
    "ftp://example.com",
    "javascript:alert(1)",
    "http://",
    "https://a b.com",
    "//example.com",
    "https://例え.jp/パス",
    "http://[::1]:8080/",
    "mailto:a@b.co",
    "https:example.com",
    `https://example.com/${"p".repeat(2030)}`,
  ),
);
export const plausiblePhone = fc.oneof(
  fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(..."0123456789 -.()"), { minLength: 5, maxLength: 22 }))
    .map(([plus, chars]) => `${plus ? "+" : ""}${chars.join("")}`),
  fc.constantFrom(
    "+1-555-0123",
    "555 0123",
    "(555) 012-3456 ext. 12",
    "+1 (555) 012-3456 x 9",
    "1234567",
    "123456",
    "1234567890123456",
    "+++1234567",
    "555-0123#12",
    "555-0123 extension 1234567",
    "٥٥٥١٢٣٤٥٦٧",
  ),
);
export const plausibleState = fc.oneof(
  fc.constantFrom(...STATE_CODES).chain((code) => fc.mixedCase(fc.constant(code))),
  fc.constantFrom(
    "New York",
    "new   york",
    "NEW YORK",
    "Washington, D.C.",
    "washington dc",
    "virgin islands",
    "U.S. Virgin Islands",
    "XX",
    "N Y",
    "N.Y.",
    "Nueva York",
    "ＮＹ",
  ),
);
export const plausibleDate = fc.oneof(
  fc
    .date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10)),
  fc.constantFrom(
    "2024-02-29",
    "2023-02-29",
    "0000-01-01",
    "9999-12-31",
    "2024-13-01",
    "2024-00-10",
    "2024-1-1",
    "20240101",
    "2024-02-30T00:00:00Z",
    "２０２４-01-01",
    "+002024-01-01",
  ),
);

/** A string aimed at one field kind (or any kind), sometimes padded with whitespace. */
export function plausibleFor(kind: CatalogField["kind"] | "any"): fc.Arbitrary<string> {
  const base = {
    text: fc.string({ unit: "grapheme", maxLength: 40 }),
    email: plausibleEmail,
    url: plausibleUrl,
    phone: plausiblePhone,
    us_state: plausibleState,
    date: plausibleDate,
    any: fc.oneof(plausibleEmail, plausibleUrl, plausiblePhone, plausibleState, plausibleDate),
  }[kind];
  return fc.oneof(
    { weight: 3, arbitrary: base },
    { weight: 1, arbitrary: fc.tuple(padding, base, padding).map((parts) => parts.join("")) },
  );
}

/** Any string at all: any code point, lone surrogates, controls, decomposed forms, long runs. */
export const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "binary-ascii", maxLength: 30 }),
  fc.string({ unit: "grapheme-composite", maxLength: 30 }),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), controlChar, loneSurrogate), { maxLength: 8 }).map((p) => p.join("")),
  fc.constantFrom("", " ", "\n", "e\u0301", "Å", "A\u030a", "ﬁ", "\u0000", "null", "true", "0", "[]", "{}"),
  longString,
  plausibleFor("any"),
);

/** Any JSON value a field could be sent. */
export const anyFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -0, 1, -1, 1e308, 0.5, [], {}, [null], { a: 1 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: "binary" }) },
);

export const anyKey = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PROFILE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...ADMIN_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...READ_ONLY_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...NEAR_MISS_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);

/**
 * Builds the object a JSON parser hands the service: through JSON text, so `__proto__` is an own
 * key (never the prototype) and a repeated key keeps its last value.
 */
export function bodyFromEntries(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  return JSON.parse(`{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(",")}}`);
}

/** Objects keyed by real field names (both casings), admin-only and prototype keys and near misses. */
export const fieldBody = fc
  .array(fc.tuple(anyKey, anyFieldValue), { maxLength: 8 })
  .map((entries) => bodyFromEntries(entries));

/** A value for this field that is usually acceptable: right kind, sometimes padded, null or "". */
export function likelyValueFor(spec: CatalogField): fc.Arbitrary<string | null> {
  const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: Math.min(spec.maxLength, 80) });
  const base =
    spec.kind === "text" ? fc.tuple(padding, text, padding).map((parts) => parts.join("")) : plausibleFor(spec.kind);
  return fc.oneof({ weight: 8, arbitrary: base }, { weight: 1, arbitrary: fc.constantFrom(null, "", "  ") });
}

/** Distinct profile fields with likely-valid values: `[spec, value]`, in random order. */
export const likelyProfileEntries = fc
  .uniqueArray(fc.constantFrom(...PROFILE_FIELDS), { maxLength: 6 })
  .chain((specs) =>
    specs.length === 0
      ? fc.constant([] as Array<[CatalogField, string | null]>)
      : fc.tuple(
          ...specs.map((spec) => likelyValueFor(spec).map((value) => [spec, value] as [CatalogField, string | null])),
        ),
  );
