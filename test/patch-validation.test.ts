import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { type CatalogField, PROFILE_FIELDS } from "../src/users/user-fields.js";
import {
  errorOf,
  makeUser,
  patchUser,
  type SendOptions,
  startTestApp,
  storedUser,
  type TestApp,
  type TestUser,
} from "./support/harness.js";

// PATCH /api/v1/users/{id} body rules, end to end (contract sections 3, 4 rule 3/5/8, and 5).

type FieldIssue = { field: string; code: string; message: string; suggestion?: string };
type Body = Record<string, unknown>;

const fieldsOf = (...kinds: CatalogField["kind"][]) => PROFILE_FIELDS.filter((spec) => kinds.includes(spec.kind));
const nullable = PROFILE_FIELDS.filter((spec) => spec.nullable);
const twoCasings = PROFILE_FIELDS.filter((spec) => spec.camel !== spec.name);
const bodyOf = (specs: readonly CatalogField[], value: (spec: CatalogField) => unknown, key: "name" | "camel" = "name"): Body =>
  Object.fromEntries(specs.map((spec) => [spec[key], value(spec)]));

/** A valid value per field, as sent and as stored; `variant` gives a second, different one. */
function sample(spec: CatalogField, variant = 0): { sent: string; stored: string } {
  const pick = (values: Array<[string, string]>) => {
    const [sent, stored] = values[variant % values.length] as [string, string];
    return { sent, stored };
  };
  switch (spec.kind) {
    case "text": return pick([[`Sample ${spec.name}`, `Sample ${spec.name}`], [`Other ${spec.camel}`, `Other ${spec.camel}`]]);
    case "email": return pick([["agent@example.com", "agent@example.com"], ["other.agent@example.org", "other.agent@example.org"]]);
    case "url": return pick([[`https://example.com/${spec.name}`, `https://example.com/${spec.name}`], ["http://example.org/x?y=1", "http://example.org/x?y=1"]]);
    case "phone": return pick([["+1-555-0123", "+1-555-0123"], ["+1 (555) 012-3456 ext. 12", "+1 (555) 012-3456 ext. 12"]]);
    case "us_state": return pick([["new york", "NY"], ["ca", "CA"]]);
    case "date": return pick([["2030-01-31", "2030-01-31"], ["2028-02-29", "2028-02-29"]]);
  }
}

async function patchOk(t: TestApp, agent: TestUser, body: unknown, options: SendOptions = {}) {
  const response = await patchUser(t, agent.id, body, { key: agent.key, ...options });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Record<string, unknown>;
}

/** Sends a request that must be refused, checks the envelope, and that the stored row is untouched. */
async function rejected(t: TestApp, agent: TestUser, body: unknown, status: number, code: string, options: SendOptions = {}) {
  const before = await storedUser(t, agent.id);
  assert.ok(before);
  const response = await patchUser(t, agent.id, body, { key: agent.key, ...options });
  assert.equal(response.statusCode, status, response.body);
  const error = errorOf(response);
  assert.equal(error.code, code, response.body);
  assert.deepEqual(await storedUser(t, agent.id), before, "a rejected request wrote nothing");
  return error;
}

/** 422 validation_failed whose details.errors are exactly these [field, code] pairs (any order). */
async function invalid(t: TestApp, agent: TestUser, body: unknown, expected: Array<[string, string]>) {
  const error = await rejected(t, agent, body, 422, "validation_failed");
  const errors = error.details.errors as FieldIssue[];
  assert.ok(Array.isArray(errors), "details.errors is a list");
  for (const issue of errors) assert.ok(typeof issue.message === "string" && issue.message.length > 0, "each error has a message");
  const pairs = (list: Array<[string, string]>) => list.map(([field, code]) => `${field}:${code}`).sort();
  assert.deepEqual(pairs(errors.map((issue) => [issue.field, issue.code])), pairs(expected));
  return errors;
}

const storedOf = async (t: TestApp, agent: TestUser) => {
  const row = await storedUser(t, agent.id);
  assert.ok(row);
  return row;
};

describe("PATCH accepts both casings of every profile field", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  for (const [label, key, variant] of [["snake_case", "name", 0], ["camelCase", "camel", 1]] as const) {
    it(`stores every catalog field sent in ${label}`, async () => {
      const agent = await makeUser(t);
      const user = await patchOk(t, agent, bodyOf(PROFILE_FIELDS, (spec) => sample(spec, variant).sent, key));
      const row = await storedOf(t, agent);
      for (const spec of PROFILE_FIELDS) {
        assert.equal(row[spec.column], sample(spec, variant).stored, `${spec[key]} stored`);
        assert.equal(user[spec.name], sample(spec, variant).stored, `${spec.name} returned`);
      }
    });
  }

  it("accepts a field sent in both casings with the same value", async () => {
    const agent = await makeUser(t);
    const body = { ...bodyOf(twoCasings, (spec) => sample(spec).sent), ...bodyOf(twoCasings, (spec) => sample(spec).sent, "camel") };
    await patchOk(t, agent, body);
    const row = await storedOf(t, agent);
    for (const spec of twoCasings) assert.equal(row[spec.column], sample(spec).stored, spec.name);
  });

  it("refuses a field sent in both casings with different values (conflicting_casing), writing nothing", async () => {
    const agent = await makeUser(t);
    const body = { title: "Would be valid", ...bodyOf(twoCasings, (spec) => sample(spec, 0).sent), ...bodyOf(twoCasings, (spec) => sample(spec, 1).sent, "camel") };
    await invalid(t, agent, body, twoCasings.map((spec) => [spec.name, "conflicting_casing"]));
  });
});

describe("PATCH partial semantics and updated_at", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("changes only the fields sent; the others keep their earlier values", async () => {
    const agent = await makeUser(t, "user", "Jane Agent");
    await patchOk(t, agent, { title: "Broker", city: "Denver", bio: "Hello" });
    const user = await patchOk(t, agent, { city: "Austin" });
    const row = await storedOf(t, agent);
    assert.deepEqual([row.name, row.title, row.city, row.bio], ["Jane Agent", "Broker", "Austin", "Hello"]);
    assert.deepEqual([user.name, user.title, user.city, user.bio], ["Jane Agent", "Broker", "Austin", "Hello"]);
  });

  for (const [label, clear] of [["null", null], ['"" (and whitespace only)', ""], ["whitespace only", "  \t "]] as const) {
    it(`${label} clears every nullable field (stored null), leaving name`, async () => {
      const agent = await makeUser(t, "user", "Kept Name");
      await patchOk(t, agent, bodyOf(nullable, (spec) => sample(spec).sent));
      const user = await patchOk(t, agent, bodyOf(nullable, () => clear));
      const row = await storedOf(t, agent);
      for (const spec of nullable) {
        assert.equal(row[spec.column], null, `${spec.name} stored null`);
        assert.equal(user[spec.name], null, `${spec.name} returned null`);
      }
      assert.equal(row.name, "Kept Name");
    });
  }

  it("refuses null or an empty name (not_nullable / too_short)", async () => {
    const agent = await makeUser(t);
    await invalid(t, agent, { name: null }, [["name", "not_nullable"]]);
    await invalid(t, agent, { name: "" }, [["name", "too_short"]]);
    await invalid(t, agent, { name: "   " }, [["name", "too_short"]]);
  });

  it("{} is a 200 no-op that does not move updated_at", async () => {
    const agent = await makeUser(t);
    const before = await storedOf(t, agent);
    await sleep(5);
    const user = await patchOk(t, agent, {});
    assert.deepEqual(await storedOf(t, agent), before);
    assert.equal(user.updated_at, new Date(before.updatedAt).toISOString());
  });

  it("setting the same values again (also after trimming and state normalisation) does not move updated_at", async () => {
    const agent = await makeUser(t);
    await patchOk(t, agent, { title: "Broker", state: "NY" });
    const before = await storedOf(t, agent);
    await sleep(5);
    await patchOk(t, agent, { title: "Broker", state: "NY" });
    await patchOk(t, agent, { title: "  Broker ", state: "new york" });
    assert.deepEqual(await storedOf(t, agent), before);
  });

  it("a real change moves updated_at forward and returns it", async () => {
    const agent = await makeUser(t);
    const before = await storedOf(t, agent);
    await sleep(5);
    const user = await patchOk(t, agent, { title: "Changed" });
    const row = await storedOf(t, agent);
    assert.ok(Date.parse(String(row.updatedAt)) > Date.parse(String(before.updatedAt)), "updated_at moved forward");
    assert.equal(user.updated_at, new Date(row.updatedAt).toISOString());
    assert.equal(user.created_at, new Date(before.createdAt).toISOString());
  });
});

describe("PATCH field rules", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  /** A valid value of exactly `length` characters for a field with a length rule. */
  function ofLength(spec: CatalogField, length: number): string {
    if (spec.kind === "email") return `${"a".repeat(64)}@${"b".repeat(length - 65 - 68)}.${"c".repeat(63)}.com`;
    if (spec.kind === "url") return `https://example.com/${"p".repeat(length - 20)}`;
    return "x".repeat(length);
  }
  const limited = fieldsOf("text", "email", "url");

  it("accepts every length rule at its limit and refuses one over as too_long", async () => {
    const agent = await makeUser(t);
    await patchOk(t, agent, bodyOf(limited, (spec) => ofLength(spec, spec.maxLength)));
    const row = await storedOf(t, agent);
    for (const spec of limited) assert.equal([...String(row[spec.column])].length, spec.maxLength, spec.name);
    await invalid(t, agent, bodyOf(limited, (spec) => ofLength(spec, spec.maxLength + 1)), limited.map((spec) => [spec.name, "too_long"]));
  });

  it("counts characters, not UTF-16 units or bytes, after NFC", async () => {
    const agent = await makeUser(t);
    for (const name of ["😀".repeat(120), "é".repeat(120), "ñ".repeat(120)]) {
      await patchOk(t, agent, { name });
      assert.equal((await storedOf(t, agent)).name, name);
    }
    await patchOk(t, agent, { name: "e\u0301".repeat(120) });
    assert.equal((await storedOf(t, agent)).name, "\u00e9".repeat(120));
    await invalid(t, agent, { name: "😀".repeat(121) }, [["name", "too_long"]]);
  });

  it("trims and NFC-normalises strings", async () => {
    const agent = await makeUser(t);
    const user = await patchOk(t, agent, { title: "  Caf" + "e\u0301 ", displayName: " Rene\u0301  ", name: " e\u0301 " });
    const row = await storedOf(t, agent);
    assert.deepEqual([row.title, row.display_name, row.name], ["Caf\u00e9", "Ren\u00e9", "\u00e9"]);
    assert.deepEqual([user.title, user.display_name, user.name], ["Caf\u00e9", "Ren\u00e9", "\u00e9"]);
  });

  it("refuses control characters, newlines included, in every field but bio", async () => {
    const agent = await makeUser(t);
    const singleLine = PROFILE_FIELDS.filter((spec) => spec.name !== "bio");
    for (const bad of ["a\nb", "a\u0007b", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b"]) {
      await invalid(t, agent, bodyOf(singleLine, () => bad), singleLine.map((spec) => [spec.name, "control_characters"]));
    }
  });

  it("bio allows newlines but no other control characters", async () => {
    const agent = await makeUser(t);
    const bio = "Line one\nLine two\r\n\nLine four";
    await patchOk(t, agent, { bio });
    assert.equal((await storedOf(t, agent)).bio, bio);
    for (const bad of ["a\u0000b", "a\u0007b", "a\u001bb", "a\u007fb"]) await invalid(t, agent, { bio: bad }, [["bio", "control_characters"]]);
  });

  it("display_email must be an email address", async () => {
    const agent = await makeUser(t);
    await patchOk(t, agent, { displayEmail: " john.doe+homes@example.co.uk " });
    assert.equal((await storedOf(t, agent)).display_email, "john.doe+homes@example.co.uk");
    for (const bad of ["not-an-email", "john@", "@example.com", "john.example.com", "jo hn@example.com", "a@@example.com"]) {
      await invalid(t, agent, { display_email: bad }, [["display_email", "invalid_email"]]);
    }
  });

  it("avatar_url and every *_url field take absolute http(s) URLs only", async () => {
    const agent = await makeUser(t);
    const urls = fieldsOf("url");
    assert.deepEqual(urls.map((spec) => spec.name).filter((name) => !name.endsWith("_url")), []);
    assert.ok(urls.some((spec) => spec.name === "avatar_url"));
    for (const good of ["https://example.com/agent", "http://example.com"]) {
      await patchOk(t, agent, bodyOf(urls, () => good));
      const row = await storedOf(t, agent);
      for (const spec of urls) assert.equal(row[spec.column], good, spec.name);
    }
    for (const bad of ["ftp://example.com/file", "javascript:alert(1)", "/relative/path", "example.com/agent", "https://", "mailto:a@example.com", "data:text/html,hi"]) {
      await invalid(t, agent, bodyOf(urls, () => bad), urls.map((spec) => [spec.name, "invalid_url"]));
    }
  });

  it("phone fields take 7-15 digits with optional +, separators and extension, stored as sent (trimmed)", async () => {
    const agent = await makeUser(t);
    const phones = fieldsOf("phone");
    assert.deepEqual(phones.map((spec) => spec.name), ["phone", "cell_phone", "office_phone"]);
    for (const good of ["+1-555-0123", "+1 (555) 012-3456 ext. 12", "555.0123", "5550123", "+123456789012345", "(555) 012-3456 x7"]) {
      await patchOk(t, agent, bodyOf(phones, () => ` ${good} `));
      const row = await storedOf(t, agent);
      for (const spec of phones) assert.equal(row[spec.column], good, `${spec.name} ${good}`);
    }
    for (const bad of ["555012", "1234567890123456", "+1-555-CALL-NOW", "call me", "+1-555-0123 ext. abc", "++1 555 0123"]) {
      await invalid(t, agent, bodyOf(phones, () => bad), phones.map((spec) => [spec.name, "invalid_phone"]));
    }
  });

  it("license_state and state take a code or full name in any case, stored as the upper-case code", async () => {
    const agent = await makeUser(t);
    const states = fieldsOf("us_state");
    assert.deepEqual(states.map((spec) => spec.name), ["license_state", "state"]);
    for (const [sent, code] of [["new york", "NY"], ["ca", "CA"], ["California", "CA"], ["TX", "TX"], ["  nEw   JeRsEy ", "NJ"], ["district of columbia", "DC"], ["Puerto Rico", "PR"]]) {
      await patchOk(t, agent, bodyOf(states, () => sent, "camel"));
      const row = await storedOf(t, agent);
      assert.deepEqual([row.license_state, row.state], [code, code], sent);
    }
    for (const bad of ["Narnia", "XX", "N.Y.", "New Yorkk", "C"]) {
      await invalid(t, agent, bodyOf(states, () => bad), states.map((spec) => [spec.name, "invalid_state"]));
    }
  });

  it("license_expiration must be a calendar date YYYY-MM-DD", async () => {
    const agent = await makeUser(t);
    for (const good of ["2025-06-30", "2024-02-29", "2030-12-31"]) {
      await patchOk(t, agent, { licenseExpiration: good });
      assert.equal((await storedOf(t, agent)).license_expiration, good);
    }
    for (const bad of ["2025-02-30", "2023-02-29", "2025-13-01", "2025-1-1", "06/30/2025", "2025-06-30T00:00:00Z", "20250630", "tomorrow"]) {
      await invalid(t, agent, { license_expiration: bad }, [["license_expiration", "invalid_date"]]);
    }
  });

  for (const [label, value] of [["a number", 42], ["a boolean", true], ["an object", { first: "x" }], ["an array", ["x"]]] as const) {
    it(`refuses ${label} for every profile field as invalid_type`, async () => {
      const agent = await makeUser(t);
      await invalid(t, agent, bodyOf(PROFILE_FIELDS, () => value), PROFILE_FIELDS.map((spec) => [spec.name, "invalid_type"]));
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
    const agent = await makeUser(t);
    const errors = await invalid(t, agent, { displayNmae: "x", cellphone: "+1-555-0123", favouriteColour: "blue" }, [
      ["displayNmae", "unknown_field"],
      ["cellphone", "unknown_field"],
      ["favouriteColour", "unknown_field"],
    ]);
    const suggestionOf = (field: string) => errors.find((issue) => issue.field === field)?.suggestion;
    assert.equal(suggestionOf("displayNmae"), "display_name");
    assert.equal(suggestionOf("cellphone"), "cell_phone");
    assert.equal(suggestionOf("favouriteColour"), undefined);
  });

  it("refuses read-only fields id, created_at and updatedAt (read_only)", async () => {
    const agent = await makeUser(t);
    await invalid(t, agent, { id: "usr_other", created_at: "2020-01-01T00:00:00Z", updatedAt: "2020-01-01T00:00:00Z" }, [
      ["id", "read_only"],
      ["created_at", "read_only"],
      ["updatedAt", "read_only"],
    ]);
  });

  it("reports several problems at once and writes none of the valid fields", async () => {
    const agent = await makeUser(t);
    await invalid(
      t,
      agent,
      { title: "Valid title", displayNmae: "x", id: "y", website_url: "ftp://x", name: null, city: 7, bio: "ok", first_name: "A", firstName: "B" },
      [
        ["displayNmae", "unknown_field"],
        ["id", "read_only"],
        ["website_url", "invalid_url"],
        ["name", "not_nullable"],
        ["city", "invalid_type"],
        ["first_name", "conflicting_casing"],
      ],
    );
  });

  it("refuses __proto__ and constructor keys, writes nothing and pollutes no prototype", async () => {
    const agent = await makeUser(t);
    const raw = '{"__proto__": {"role":"admin"}, "constructor": {"prototype": {}}}';
    const errors = await invalid(t, agent, raw, [["__proto__", "unknown_field"], ["constructor", "unknown_field"]]);
    assert.equal(errors.length, 2);
    await invalid(t, agent, '{"title": "Hi", "__proto__": {"title": "Polluted"}}', [["__proto__", "unknown_field"]]);
    assert.equal(Object.hasOwn(Object.prototype, "role"), false);
    assert.equal(Object.hasOwn(Object.prototype, "title"), false);
    assert.equal(({} as Record<string, unknown>).role, undefined);
    const row = await storedOf(t, agent);
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
    const agent = await makeUser(t);
    for (const bad of ['{"title": ', "{title: 'x'}", '{"title": "x",}', "not json"]) await rejected(t, agent, bad, 422, "invalid_json");
  });

  it("refuses a JSON array, string, number or null body as 422 invalid_json", async () => {
    const agent = await makeUser(t);
    for (const bad of ['[{"title": "x"}]', "[]", '"title"', "42", "null", "true"]) await rejected(t, agent, bad, 422, "invalid_json");
  });

  it("refuses an empty body sent as application/json with 422 invalid_json", async () => {
    const agent = await makeUser(t);
    await rejected(t, agent, "", 422, "invalid_json");
  });

  it("refuses text/plain, form or missing content types with 415 unsupported_media_type", async () => {
    const agent = await makeUser(t);
    const body = JSON.stringify({ title: "Hi" });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml", null]) {
      await rejected(t, agent, body, 415, "unsupported_media_type", { contentType });
    }
  });

  it("accepts application/merge-patch+json and application/json with a charset", async () => {
    const agent = await makeUser(t);
    await patchOk(t, agent, { title: "Merge" }, { contentType: "application/merge-patch+json" });
    assert.equal((await storedOf(t, agent)).title, "Merge");
    await patchOk(t, agent, { title: "Charset" }, { contentType: "application/json; charset=utf-8" });
    assert.equal((await storedOf(t, agent)).title, "Charset");
  });

  it("refuses a body over 64 KiB with 413 payload_too_large", async () => {
    const agent = await makeUser(t);
    await rejected(t, agent, { bio: "a".repeat(64 * 1024) }, 413, "payload_too_large");
    await rejected(t, agent, { bio: "a".repeat(64 * 1024) }, 413, "payload_too_large", { contentType: "application/merge-patch+json" });
  });
});
