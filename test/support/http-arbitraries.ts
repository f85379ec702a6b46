import fc from "fast-check";
import { fieldBody, likelyProfileEntries, plausibleEmail } from "./arbitraries.js";

// Generated HTTP requests for test/fuzz-http.test.ts: who calls, which path and id, which body,
// content type, idempotency key and If-Match. Plain data: the test turns them into requests.

export type CallerName = "none" | "agent" | "agent-x-api-key" | "admin" | "revoked" | "garbage";
/** Stands for another user's email in generated PUT bodies (409 email_taken); the test fills it in. */
export const OTHER_EMAIL = "other-user-email@placeholder.invalid";

export const WEIRD_SEGMENTS = [
  "..%2f..%2fhealthz",
  "..%2F",
  "%2e%2e",
  "%00",
  "%",
  "%zz",
  "%ff",
  "a%2fb",
  "me%20",
  "ME",
  "me%2f",
  "%C0%AF",
  "%E2%80%AE",
  "%2A",
  "*",
  "'%20OR%201=1--",
  "$%7Bjndi:ldap%7D",
  "me;x=1",
  "null",
  "undefined",
  "__proto__",
  "constructor",
];
export type PathKind = "user" | "history" | "list" | "me";
export type IdClass = "own" | "other" | "missing" | "me" | "long" | "weird";

const CONTENT_TYPES: Array<string | null> = [
  "application/json; charset=utf-8",
  "application/merge-patch+json",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  null,
  "garbage",
  "application/json; charset=utf-16",
  "application/jsonx",
  "application/json;;;",
  "*/*",
  "",
  "application/json\t",
  "ăpplication/json",
];

const QUERIES = ["", "", "", "?limit=1", "?limit=0", "?limit=abc", "?cursor=%ff", "?cursor=a.b", "?limit=1&limit=2"];
const MORE_QUERIES = ["?__proto__[x]=1", "?role=admin&active=maybe", "?active=true", `?cursor=${"c".repeat(2000)}`];

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 40,
});
export type Idem = ReadonlyArray<{ name: string; value: string }>;
const idempotency: fc.Arbitrary<Idem> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Idem>([]) },
  { weight: 2, arbitrary: fc.constantFrom("k1", "k2", "k3").map((value) => [{ name: "x-idempotency-key", value }]) },
  { weight: 1, arbitrary: printable.map((value) => [{ name: "idempotency-key", value }]) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom("", "x".repeat(300), "ключ-1", "a\u0001b", "tab\there", "é", " ")
      .map((value) => [{ name: "x-idempotency-key", value }]),
  },
  {
    weight: 1,
    arbitrary: fc.constant<Idem>([
      { name: "x-idempotency-key", value: "one" },
      { name: "idempotency-key", value: "two" },
    ]),
  },
);
export type IfMatch = "absent" | "*" | "garbage" | "stale" | "weak" | "current" | "list" | "empty";
const IF_MATCH: IfMatch[] = ["absent", "absent", "absent", "*", "garbage", "stale", "weak", "current", "list", "empty"];

const likelyBody = fc
  .tuple(likelyProfileEntries, fc.boolean())
  .map(([entries, camel]) =>
    JSON.stringify(Object.fromEntries(entries.map(([s, v]) => [camel ? s.camel : s.name, v]))),
  );
const adminBody = fc
  .record(
    {
      role: fc.constantFrom("user", "admin", "", "root"),
      is_active: fc.constantFrom(true, false, 0, "false"),
      account_status: fc.constantFrom("active", "suspended", "pending", ""),
      email: fc.oneof(plausibleEmail, fc.constant(OTHER_EMAIL)),
      title: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));
export type Payload = string | Buffer | undefined;
const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ stringUnit: "binary", maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: fieldBody.map((body) => JSON.stringify(body)) },
  { weight: 5, arbitrary: likelyBody },
  { weight: 2, arbitrary: adminBody },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fieldBody, fc.nat()).map(([body, cut]) => {
      const text = JSON.stringify(body);
      return text.slice(0, cut % Math.max(1, text.length));
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(60_000, 65_536, 70_000, 400_000).map((n) => `{"bio":"${"x".repeat(n)}"}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(undefined, "", "null", "[]", "{}", '{"__proto__":{"role":"admin"}}') },
);

/** One of the values, with integer weights. */
const weighted = <T>(pairs: Array<[T, number]>) =>
  fc.oneof(...pairs.map(([value, weight]) => ({ weight, arbitrary: fc.constant(value) })));

export const request = fc.record({
  method: weighted([
    ["PATCH", 10],
    ["PUT", 4],
    ["GET", 4],
    ["POST", 1],
    ["DELETE", 1],
  ]),
  caller: weighted<CallerName>([
    ["agent", 8],
    ["agent-x-api-key", 2],
    ["admin", 6],
    ["none", 2],
    ["revoked", 2],
    ["garbage", 2],
  ]),
  pick: fc.nat(),
  path: weighted<PathKind>([
    ["user", 12],
    ["history", 2],
    ["list", 2],
    ["me", 2],
  ]),
  id: weighted<IdClass>([
    ["own", 8],
    ["me", 3],
    ["other", 4],
    ["missing", 2],
    ["long", 1],
    ["weird", 3],
  ]),
  weird: fc.constantFrom(...WEIRD_SEGMENTS),
  query: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERIES) }, fc.constantFrom(...MORE_QUERIES)),
  payload,
  contentType: fc.oneof({ weight: 3, arbitrary: fc.constant("application/json") }, fc.constantFrom(...CONTENT_TYPES)),
  idempotency,
  ifMatch: fc.constantFrom(...IF_MATCH),
});
export type FuzzRequest = typeof request extends fc.Arbitrary<infer R> ? R : never;
