import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type CatalogField, PROFILE_FIELDS } from "../src/users/user-fields.js";
import {
  errorOf,
  makeUser,
  patchUser,
  type SendOptions,
  startTestApp,
  storedUser,
  type TestApp,
} from "./support/harness.js";

// PATCH /api/v1/users/{id} body rules end to end: contract section 3, section 4 rules 3, 5 and 8, section 5.
// Every refused request is also checked to have written nothing (the whole stored row, updatedAt included).

type FieldIssue = { field: string; code: string; message: string; suggestion?: string };
type Specs = readonly CatalogField[];

const fieldsOf = (...kinds: CatalogField["kind"][]) => PROFILE_FIELDS.filter((spec) => kinds.includes(spec.kind));
const nullable = PROFILE_FIELDS.filter((spec) => spec.nullable);
const twoCasings = PROFILE_FIELDS.filter((spec) => spec.camel !== spec.name);
const bodyOf = (specs: Specs, value: (spec: CatalogField) => unknown, key: "name" | "camel" = "name") =>
  Object.fromEntries(specs.map((spec) => [spec[key], value(spec)]));
const namesOf = (specs: Specs) => specs.map((spec) => spec.name);
const pairs = (list: Array<readonly [string, string]>) => list.map(([field, code]) => `${field}:${code}`).sort();

/** A valid value per field, as sent and as stored; `variant` 1 gives a second, different one. */
function sample(spec: CatalogField, variant = 0): { sent: string; stored: string } {
  const sent = {
    text: [`Sample ${spec.name}`, `Other ${spec.camel}`],
    email: [`${spec.name}@example.com`, "other.agent@example.org"],
    url: [`https://example.com/${spec.name}`, `http://example.org/${spec.camel}?y=1`],
    phone: ["+1-555-0123", "+1 (555) 012-3456 ext. 12"],
    us_state: ["new york", "ca"],
    date: ["2030-01-31", "2028-02-29"],
  }[spec.kind][variant] as string;
  return { sent, stored: ({ "new york": "NY", ca: "CA" } as Record<string, string>)[sent] ?? sent };
}

/** A fresh user of `t` with PATCH helpers that send with the user's own key. */
async function agentOf(t: TestApp, name?: string) {
  const agent = await makeUser(t, "user", name);
  const stored = async () => {
    const row = await storedUser(t, agent.id);
    assert.ok(row, "the user is stored");
    return row;
  };
  const send = (body: unknown, options: SendOptions = {}) =>
    patchUser(t, agent.id, body, { key: agent.key, ...options });

  /** 200, returning the user object. */
  const ok = async (body: unknown, options: SendOptions = {}) => {
    const response = await send(body, options);
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as Record<string, unknown>;
  };

  /** Refused with this status and code, in the error envelope, and nothing written. */
  const refused = async (body: unknown, status: number, code: string, options: SendOptions = {}) => {
    const before = await stored();
    const response = await send(body, options);
    assert.equal(response.statusCode, status, response.body);
    const error = errorOf(response);
    assert.equal(error.code, code, response.body);
    assert.deepEqual(await stored(), before, "a refused request wrote nothing");
    return error;
  };

  /** 422 validation_failed whose details.errors are exactly these [field, code] pairs, in any order. */
  const invalid = async (body: unknown, expected: Array<readonly [string, string]>) => {
    const errors = (await refused(body, 422, "validation_failed")).details.errors as FieldIssue[];
    assert.ok(Array.isArray(errors), "details.errors is a list");
    for (const issue of errors) assert.ok(typeof issue.message === "string" && issue.message.length > 0, "a message");
    assert.deepEqual(pairs(errors.map((issue) => [issue.field, issue.code])), pairs(expected));
    return errors;
  };

  /** 422 with exactly one error per key of `body`, each with `code`. */
  const invalidEach = (body: Record<string, unknown>, code: string) =>
    invalid(
      body,
      Object.keys(body).map((key) => [key, code] as const),
    );

  /** `value` sent for every field of `specs` at once: each one refused with `code`. */
  const refusedForEach = (specs: Specs, value: unknown, code: string) =>
    invalidEach(
      bodyOf(specs, () => value),
      code,
    );

  return { ...agent, stored, ok, refused, invalid, invalidEach, refusedForEach };
}

describe("PATCH accepts both casings of every profile field", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  for (const variant of [0, 1]) {
    const key = variant ? "camel" : "name";
    it(`stores every catalog field sent by its ${key === "name" ? "snake_case" : "camelCase"} key`, async () => {
      const agent = await agentOf(t);
      const user = await agent.ok(bodyOf(PROFILE_FIELDS, (spec) => sample(spec, variant).sent, key));
      const row = await agent.stored();
      for (const spec of PROFILE_FIELDS) {
        assert.equal(row[spec.column], sample(spec, variant).stored, `${spec[key]} stored`);
        assert.equal(user[spec.name], sample(spec, variant).stored, `${spec.name} returned`);
      }
    });
  }

  it("accepts a field sent in both casings with the same value", async () => {
    const agent = await agentOf(t);
    const value = (spec: CatalogField) => sample(spec).sent;
    await agent.ok({ ...bodyOf(twoCasings, value), ...bodyOf(twoCasings, value, "camel") });
    const row = await agent.stored();
    for (const spec of twoCasings) assert.equal(row[spec.column], sample(spec).stored, spec.name);
  });

  it("refuses a field sent in both casings with different values (conflicting_casing)", async () => {
    const agent = await agentOf(t);
    const snake = bodyOf(twoCasings, (spec) => sample(spec, 0).sent);
    const camel = bodyOf(twoCasings, (spec) => sample(spec, 1).sent, "camel");
    const expected = twoCasings.map((spec) => [spec.name, "conflicting_casing"] as const);
    await agent.invalid({ title: "Would be valid", ...snake, ...camel }, expected);
  });
});

describe("PATCH partial semantics and updated_at", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("changes only the fields sent; the others keep their earlier values", async () => {
    const agent = await agentOf(t, "Jane Agent");
    await agent.ok({ title: "Broker", city: "Denver", bio: "Hello" });
    const user = await agent.ok({ city: "Austin" });
    const row = await agent.stored();
    assert.deepEqual([row.name, row.title, row.city, row.bio], ["Jane Agent", "Broker", "Austin", "Hello"]);
    assert.deepEqual([user.name, user.title, user.city, user.bio], ["Jane Agent", "Broker", "Austin", "Hello"]);
  });

  for (const clear of [null, "", "   "]) {
    it(`${JSON.stringify(clear)} clears every nullable field (stored null) and leaves name`, async () => {
      const agent = await agentOf(t, "Kept Name");
      await agent.ok(bodyOf(nullable, (spec) => sample(spec).sent));
      const user = await agent.ok(bodyOf(nullable, () => clear));
      const row = await agent.stored();
      for (const spec of nullable) {
        assert.equal(row[spec.column], null, `${spec.name} stored null`);
        assert.equal(user[spec.name], null, `${spec.name} returned null`);
      }
      assert.equal(row.name, "Kept Name");
    });
  }

  it("refuses null or an empty name (not_nullable / too_short)", async () => {
    const agent = await agentOf(t);
    await agent.invalid({ name: null }, [["name", "not_nullable"]]);
    await agent.invalid({ name: "" }, [["name", "too_short"]]);
    await agent.invalid({ name: "   " }, [["name", "too_short"]]);
  });

  it("{} is a 200 no-op that does not move updated_at", async () => {
    const agent = await agentOf(t);
    const before = await agent.stored();
    await sleep(5);
    const user = await agent.ok({});
    assert.deepEqual(await agent.stored(), before);
    assert.equal(user.updated_at, new Date(before.updatedAt).toISOString());
  });

  it("setting the same values again (also after trimming or state normalisation) does not move updated_at", async () => {
    const agent = await agentOf(t);
    await agent.ok({ title: "Broker", state: "NY" });
    const before = await agent.stored();
    await sleep(5);
    await agent.ok({ title: "Broker", state: "NY" });
    await agent.ok({ title: "  Broker ", state: "new york" });
    assert.deepEqual(await agent.stored(), before);
  });

  it("a real change moves updated_at forward and returns it", async () => {
    const agent = await agentOf(t);
    const before = await agent.stored();
    await sleep(5);
    const user = await agent.ok({ title: "Changed" });
    const row = await agent.stored();
    // A Date on PostgreSQL, ISO text on SQLite.
    assert.ok(new Date(row.updatedAt) > new Date(before.updatedAt), "updated_at moved forward");
    assert.equal(user.updated_at, new Date(row.updatedAt).toISOString());
    assert.equal(user.created_at, new Date(before.createdAt).toISOString());
  });
});

const GOOD_URLS = ["https://example.com/agent", "http://example.com", "https://sub.example.co.uk:8443/a?b=c#d"];
const BAD_URLS = ["ftp://example.com/f", "javascript:alert(1)", "/relative/path", "example.com/agent", "https://"];
const MORE_BAD_URLS = ["mailto:a@example.com", "data:text/html,hi", "//example.com/agent", "http://"];
const GOOD_PHONES = ["+1-555-0123", "+1 (555) 012-3456 ext. 12", "555.0123", "5550123", "+123456789012345"];
const BAD_PHONES = ["555012", "1234567890123456", "+1-555-CALL-NOW", "call me", "+1-555-0123 ext. abc", "++1 555 0123"];
const BAD_EMAILS = ["not-an-email", "john@", "@example.com", "john.example.com", "jo hn@example.com", "a@@example.com"];
const BAD_DATES = ["2025-02-30", "2023-02-29", "2025-13-01", "2025-1-1", "2025-6-30", "06/30/2025", "20250630"];
const STATES: Array<[string, string]> = [
  ["new york", "NY"],
  ["ca", "CA"],
  ["California", "CA"],
  ["TX", "TX"],
  ["  nEw   JeRsEy ", "NJ"],
  ["district of columbia", "DC"],
  ["Puerto Rico", "PR"],
];

describe("PATCH field rules", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** A value of exactly `length` characters that passes the field's other rules. */
  function ofLength(spec: CatalogField, length: number): string {
    if (spec.kind === "email") return `${"a".repeat(64)}@${"b".repeat(length - 65 - 68)}.${"c".repeat(63)}.com`;
    if (spec.kind === "url") return `https://example.com/${"p".repeat(length - 20)}`;
    return "x".repeat(length);
  }
  const limited = fieldsOf("text", "email", "url");

  it("accepts every length rule at its limit and refuses one over as too_long", async () => {
    const agent = await agentOf(t);
    await agent.ok(bodyOf(limited, (spec) => ofLength(spec, spec.maxLength)));
    const row = await agent.stored();
    for (const spec of limited) assert.equal(row[spec.column], ofLength(spec, spec.maxLength), spec.name);
    await agent.invalidEach(
      bodyOf(limited, (spec) => ofLength(spec, spec.maxLength + 1)),
      "too_long",
    );
  });

  it("counts characters, not UTF-16 units or bytes, after NFC", async () => {
    const agent = await agentOf(t);
    for (const name of ["😀".repeat(120), "é".repeat(120), "ñ".repeat(120)]) {
      await agent.ok({ name });
      assert.equal((await agent.stored()).name, name);
    }
    await agent.ok({ name: "e\u0301".repeat(120) });
    assert.equal((await agent.stored()).name, "\u00e9".repeat(120));
    await agent.invalid({ name: "😀".repeat(121) }, [["name", "too_long"]]);
  });

  it("trims and NFC-normalises strings", async () => {
    const agent = await agentOf(t);
    const user = await agent.ok({ title: "  Cafe\u0301 ", displayName: " Rene\u0301  ", name: " e\u0301 " });
    const row = await agent.stored();
    assert.deepEqual([row.title, row.display_name, row.name], ["Caf\u00e9", "Ren\u00e9", "\u00e9"]);
    assert.deepEqual([user.title, user.display_name, user.name], ["Caf\u00e9", "Ren\u00e9", "\u00e9"]);
  });

  it("refuses control characters, newlines included, in every field but bio", async () => {
    const agent = await agentOf(t);
    const singleLine = PROFILE_FIELDS.filter((spec) => spec.name !== "bio");
    for (const bad of ["a\nb", "a\r\nb", "a\u0007b", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b", "a\u2028b"]) {
      await agent.refusedForEach(singleLine, bad, "control_characters");
    }
  });

  it("refuses half a surrogate pair (not text; SQLite and PostgreSQL would store it differently), keeps whole pairs", async () => {
    const agent = await agentOf(t);
    for (const bad of ["a\ud800b", "a\udc00", "\udbff", "x\ude00\ud83d"]) {
      await agent.refusedForEach(PROFILE_FIELDS, bad, "invalid_unicode");
    }
    await agent.ok({ title: "Agent \ud83c\udfe1" });
    assert.equal((await agent.stored()).title, "Agent \u{1f3e1}");
  });

  it("bio allows newlines but no other control characters", async () => {
    const agent = await agentOf(t);
    const bio = "Line one\nLine two\r\n\nLine four";
    await agent.ok({ bio });
    assert.equal((await agent.stored()).bio, bio);
    for (const bad of ["a\u0000b", "a\u0007b", "a\u001bb", "a\u007fb"]) {
      await agent.invalid({ bio: bad }, [["bio", "control_characters"]]);
    }
  });

  it("display_email must be an email address", async () => {
    const agent = await agentOf(t);
    await agent.ok({ displayEmail: " john.doe+homes@example.co.uk " });
    assert.equal((await agent.stored()).display_email, "john.doe+homes@example.co.uk");
    for (const bad of BAD_EMAILS) await agent.invalid({ display_email: bad }, [["display_email", "invalid_email"]]);
  });

  it("avatar_url and every *_url field take absolute http(s) URLs only", async () => {
    const agent = await agentOf(t);
    const urls = fieldsOf("url");
    assert.deepEqual(
      namesOf(urls).filter((name) => !name.endsWith("_url")),
      [],
    );
    assert.ok(urls.some((spec) => spec.name === "avatar_url"));
    for (const good of GOOD_URLS) {
      await agent.ok(bodyOf(urls, () => good));
      const row = await agent.stored();
      for (const spec of urls) assert.equal(row[spec.column], good, spec.name);
    }
    for (const bad of [...BAD_URLS, ...MORE_BAD_URLS]) await agent.refusedForEach(urls, bad, "invalid_url");
  });

  it("phone fields take 7-15 digits, optional +, separators and extension, stored as sent but trimmed", async () => {
    const agent = await agentOf(t);
    const phones = fieldsOf("phone");
    assert.deepEqual(namesOf(phones), ["phone", "cell_phone", "office_phone"]);
    for (const good of GOOD_PHONES) {
      await agent.ok(bodyOf(phones, () => ` ${good} `));
      const row = await agent.stored();
      for (const spec of phones) assert.equal(row[spec.column], good, `${spec.name} ${good}`);
    }
    for (const bad of BAD_PHONES) await agent.refusedForEach(phones, bad, "invalid_phone");
  });

  it("license_state and state take a code or full name in any case, stored as the upper-case code", async () => {
    const agent = await agentOf(t);
    const states = fieldsOf("us_state");
    assert.deepEqual(namesOf(states), ["license_state", "state"]);
    for (const [sent, code] of STATES) {
      await agent.ok(bodyOf(states, () => sent, "camel"));
      const row = await agent.stored();
      assert.deepEqual([row.license_state, row.state], [code, code], sent);
    }
    for (const bad of ["Narnia", "XX", "N.Y.", "New Yorkk", "C"])
      await agent.refusedForEach(states, bad, "invalid_state");
  });

  it("license_expiration must be a calendar date YYYY-MM-DD", async () => {
    const agent = await agentOf(t);
    for (const good of ["2025-06-30", "2024-02-29", "2030-12-31"]) {
      await agent.ok({ licenseExpiration: good });
      assert.equal((await agent.stored()).license_expiration, good);
    }
    for (const bad of [...BAD_DATES, "tomorrow"]) {
      await agent.invalid({ license_expiration: bad }, [["license_expiration", "invalid_date"]]);
    }
  });

  for (const value of [42, true, { first: "x" }, ["x"]]) {
    it(`refuses ${JSON.stringify(value)} for every profile field as invalid_type`, async () => {
      const agent = await agentOf(t);
      await agent.refusedForEach(PROFILE_FIELDS, value, "invalid_type");
    });
  }
});

describe("PATCH unknown, read-only and prototype keys", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("refuses unknown fields (unknown_field) with a did-you-mean suggestion where close", async () => {
    const agent = await agentOf(t);
    const body = { displayNmae: "x", cellphone: "+1-555-0123", favouriteColour: "blue" };
    const errors = await agent.invalidEach(body, "unknown_field");
    const suggestionOf = (field: string) => errors.find((issue) => issue.field === field)?.suggestion;
    assert.equal(suggestionOf("displayNmae"), "display_name");
    assert.equal(suggestionOf("cellphone"), "cell_phone");
    assert.equal(suggestionOf("favouriteColour"), undefined);
  });

  it("refuses read-only fields id, created_at and updatedAt (read_only)", async () => {
    const agent = await agentOf(t);
    const body = { id: "usr_other", created_at: "2020-01-01T00:00:00Z", updatedAt: "2020-01-01T00:00:00Z" };
    await agent.invalidEach(body, "read_only");
  });

  it("reports several problems at once and writes none of the valid fields", async () => {
    const agent = await agentOf(t);
    const body = { title: "Fine", displayNmae: "x", id: "y", website_url: "ftp://x", name: null, city: 7, bio: "ok" };
    await agent.invalid({ ...body, first_name: "A", firstName: "B" }, [
      ["displayNmae", "unknown_field"],
      ["id", "read_only"],
      ["website_url", "invalid_url"],
      ["name", "not_nullable"],
      ["city", "invalid_type"],
      ["first_name", "conflicting_casing"],
    ]);
  });

  it("refuses __proto__ and constructor keys, writes nothing and pollutes no prototype", async () => {
    const agent = await agentOf(t);
    const raw = '{"__proto__": {"role":"admin"}, "constructor": {"prototype": {}}}';
    await agent.invalid(raw, [
      ["__proto__", "unknown_field"],
      ["constructor", "unknown_field"],
    ]);
    await agent.invalid('{"title": "Hi", "__proto__": {"title": "Polluted"}}', [["__proto__", "unknown_field"]]);
    assert.equal(Object.hasOwn(Object.prototype, "role"), false);
    assert.equal(Object.hasOwn(Object.prototype, "title"), false);
    assert.equal(({} as Record<string, unknown>).role, undefined);
    const row = await agent.stored();
    assert.deepEqual([row.role, row.title], ["user", null]);
  });
});

describe("PATCH request bodies", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("refuses malformed JSON as 422 invalid_json", async () => {
    const agent = await agentOf(t);
    for (const bad of ['{"title": ', "{title: 'x'}", "   ", '{"title": "x",}', "not json"]) {
      await agent.refused(bad, 422, "invalid_json");
    }
  });

  it("refuses a JSON array, string, number, boolean or null body as 422 invalid_json", async () => {
    const agent = await agentOf(t);
    for (const bad of ['[{"title": "x"}]', "[]", '"title"', "42", "null", "true"]) {
      await agent.refused(bad, 422, "invalid_json");
    }
  });

  it("reads an empty body (zero bytes) as the empty patch, as the seed's own examples send it", async () => {
    const agent = await agentOf(t);
    const before = await agent.stored();
    for (const contentType of ["application/json", "application/merge-patch+json", "text/plain"]) {
      assert.equal((await agent.ok("", { contentType })).email, before.email, contentType);
    }
    assert.deepEqual(await agent.stored(), before, "nothing written");
  });

  it("refuses text/plain, other or missing content types with 415 unsupported_media_type", async () => {
    const agent = await agentOf(t);
    const body = JSON.stringify({ title: "Hi" });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml", null]) {
      await agent.refused(body, 415, "unsupported_media_type", { contentType });
    }
  });

  it("accepts application/merge-patch+json and application/json with a charset", async () => {
    const agent = await agentOf(t);
    await agent.ok({ title: "Merge" }, { contentType: "application/merge-patch+json" });
    assert.equal((await agent.stored()).title, "Merge");
    await agent.ok({ title: "Charset" }, { contentType: "application/json; charset=utf-8" });
    assert.equal((await agent.stored()).title, "Charset");
  });

  it("refuses a body over 64 KiB with 413 payload_too_large", async () => {
    const agent = await agentOf(t);
    const big = { bio: "a".repeat(64 * 1024) };
    await agent.refused(big, 413, "payload_too_large");
    await agent.refused(big, 413, "payload_too_large", { contentType: "application/merge-patch+json" });
  });
});
