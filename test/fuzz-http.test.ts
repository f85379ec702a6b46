import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { revokeApiKey } from "../src/cli/api-keys.commands.js";
import { served } from "../src/users/etag.js";
import { readProfilePatch } from "../src/users/patch-body.js";
import { toUserObject } from "../src/users/user-object.js";
import { likelyProfileEntries } from "./support/arbitraries.js";
import { LEAK } from "./support/assertions.js";
import { makeUser, patchUser, send, startTestApp, type TestApp, type TestUser } from "./support/harness.js";
import { type CallerName, type FuzzRequest, OTHER_EMAIL, type Payload, request } from "./support/http-arbitraries.js";
import { rawHttp, rawRequest } from "./support/raw-http.js";

// HTTP fuzzing (issue 6): generated bodies, content types, idempotency keys, If-Match headers, ids
// and callers against the real app. Never a 5xx; every error in the contract's envelope with
// X-Request-Id = request_id; authorization holds; a rejected request changes nothing stored.

const INJECT_RUNS = 3_000;
const SOCKET_RUNS = 400;
const ROUND_TRIP_RUNS = 150;

/** CONTRACT §5: the codes each status may carry. */
const CODES: Record<number, string[]> = {
  401: ["auth_required", "api_key_invalid", "account_inactive"],
  403: ["forbidden", "admin_only_fields"],
  404: ["user_not_found", "not_found"],
  409: ["email_taken", "idempotency_key_conflict", "idempotency_key_in_progress"],
  412: ["precondition_failed"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
  422: ["invalid_json", "validation_failed", "admin_only_fields", "invalid_cursor"],
  429: ["rate_limit_exceeded"],
  500: ["internal_error"],
  503: ["service_unavailable"],
  504: ["request_timeout"],
};
/** Refusals that happen before a request runs: they store no idempotency key (CONTRACT §6). */
const BEFORE_RUNNING = new Set([401, 403, 413, 415, 422, 429]);

let t: TestApp;
let agent: TestUser;
let other: TestUser;
let admin: TestUser;
let revoked: TestUser;
const db = () => t.services.database.db;

const GARBAGE_CREDENTIALS = [
  "Bearer ",
  "Bearer vk_",
  "Basic YTpi",
  `Bearer ${"x".repeat(600)}`,
  "Bearer a.b.c",
  "vk_x",
];

function credentialHeaders(caller: CallerName, pick: number): Record<string, string> {
  switch (caller) {
    case "none":
      return {};
    case "agent":
      return { authorization: `Bearer ${agent.key}` };
    case "agent-x-api-key":
      return { "x-api-key": agent.key };
    case "admin":
      return { authorization: `Bearer ${admin.key}` };
    case "revoked":
      return { authorization: `Bearer ${revoked.key}` };
    case "garbage":
      return { authorization: GARBAGE_CREDENTIALS[pick % GARBAGE_CREDENTIALS.length] as string };
  }
}
const callerUser = (caller: CallerName) =>
  caller === "admin" ? admin : caller === "revoked" ? revoked : agent; /* none/garbage: agent as "own" */

const MISSING_ID = randomBytes(16).toString("hex");
function segmentOf(r: FuzzRequest): { segment: string; target: string | undefined } {
  const own = callerUser(r.caller).id;
  switch (r.id) {
    case "own":
      return { segment: own, target: own };
    case "other":
      return {
        segment: (r.caller === "agent" || r.caller === "agent-x-api-key" ? other : agent).id,
        target: undefined,
      };
    case "missing":
      return { segment: MISSING_ID, target: undefined };
    case "me":
      return { segment: "me", target: own };
    case "long":
      return { segment: "L".repeat(5_000), target: undefined };
    case "weird":
      return { segment: r.weird, target: undefined };
  }
}
/** The user a PATCH/PUT names, when it is a real or a surely-missing one. */
const targetOf = (r: FuzzRequest) =>
  r.path === "me"
    ? callerUser(r.caller).id
    : r.id === "other" || r.id === "missing"
      ? segmentOf(r).segment
      : segmentOf(r).target;

async function snapshot() {
  // Without the webhook relay's bookkeeping, which it sets on its own schedule (not a write of a request).
  const users = (await db().selectFrom("user").selectAll().orderBy("id").execute()).map((row) => {
    const { webhook_relayed: _relayed, ...user } = row as typeof row & { webhook_relayed?: unknown };
    return user as typeof row;
  });
  const count = async (table: "user_history" | "idempotency_key") =>
    Number((await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return { users, history: await count("user_history"), keys: await count("idempotency_key") };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

let baseline: Snapshot["users"];
/** Admin-only columns back as they were, so one accepted PUT cannot change who the callers are. */
async function restoreAccounts() {
  for (const row of baseline) {
    const { id, email, role, is_active, emailVerified, account_status, banned } = row;
    await db()
      .updateTable("user")
      .set({ email, role, is_active, emailVerified, account_status, banned })
      .where("id", "=", id)
      .execute();
  }
}

function currentEtag(state: Snapshot, id: string | undefined) {
  const row = state.users.find((user) => user.id === id);
  return row ? served(toUserObject(row)).etag : `"${randomBytes(20).toString("base64url")}"`;
}

interface Built {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: Payload;
}
function build(r: FuzzRequest, state: Snapshot): Built {
  const { segment } = segmentOf(r);
  const base = {
    user: `/api/v1/users/${segment}`,
    history: `/api/v1/users/${segment}/history`,
    list: "/api/v1/users",
    me: "/api/v1/users/me",
  }[r.path];
  const headers: Record<string, string> = credentialHeaders(r.caller, r.pick);
  const sendsBody = r.method !== "GET" && r.payload !== undefined;
  if (sendsBody && r.contentType !== null) headers["content-type"] = r.contentType;
  for (const { name, value } of r.idempotency) headers[name] = value;
  const etag = currentEtag(state, targetOf(r) ?? callerUser(r.caller).id);
  const ifMatch = {
    absent: undefined,
    "*": "*",
    garbage: "not-an-etag",
    stale: `"${randomBytes(20).toString("base64url")}"`,
    weak: `W/${etag}`,
    current: etag,
    list: `"nope", ${etag}`,
    empty: "",
  }[r.ifMatch];
  if (ifMatch !== undefined) headers["if-match"] = ifMatch;
  return {
    method: r.method,
    url: `${base}${r.path === "list" || r.path === "history" ? r.query : ""}`,
    headers,
    payload: !sendsBody
      ? undefined
      : typeof r.payload === "string"
        ? r.payload.replace(OTHER_EMAIL, other.user.email)
        : r.payload,
  };
}

/** What authentication and authorization alone decide, where they decide it (simple ids, known routes). */
function expected(r: FuzzRequest, b: Built): { status: number[]; codes: string[] } | undefined {
  if ((r.path === "user" || r.path === "history") && (r.id === "weird" || r.id === "long")) return undefined;
  const hasRoute =
    (r.path === "user" && ["GET", "PATCH", "PUT"].includes(r.method)) ||
    (r.path === "me" && ["GET", "PATCH", "PUT"].includes(r.method)) ||
    ((r.path === "history" || r.path === "list") && r.method === "GET");
  // No route: 404, unless the body was refused first (Fastify reads bodies before its 404 handler).
  if (!hasRoute)
    return {
      status: [404, 413, 415, 422],
      codes: ["not_found", "payload_too_large", "unsupported_media_type", "invalid_json"],
    };
  if (r.caller === "none") return { status: [401], codes: ["auth_required"] };
  if (r.caller === "revoked") return { status: [401], codes: ["api_key_invalid"] };
  if (r.caller === "garbage") return { status: [401], codes: ["auth_required", "api_key_invalid"] };
  if (r.caller === "admin") return undefined;
  const foreign = r.id === "other" || r.id === "missing";
  if (r.method === "PUT" || r.path === "list") return { status: [403], codes: ["forbidden"] };
  if (r.path === "user" && foreign) {
    return r.method === "GET" ? { status: [404], codes: ["user_not_found"] } : { status: [403], codes: ["forbidden"] };
  }
  if (r.path === "history" && foreign && b.url.endsWith("/history"))
    return { status: [404], codes: ["user_not_found"] };
  return undefined;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Checks one request's promises; throws an AggregateError listing every one it broke. */
async function checkOne(r: FuzzRequest, send: (b: Built) => Promise<Answer>) {
  const before = await snapshot();
  const built = build(r, before);
  const res = await send(built);
  const afterState = await snapshot();
  const where = `${built.method} ${built.url.slice(0, 120)} → ${res.status} ${res.body.slice(0, 300)}`;
  const broken: Error[] = [];
  const check = (assertion: () => void) => {
    try {
      assertion();
    } catch (error) {
      broken.push(error as Error);
    }
  };
  const json = () => {
    try {
      return JSON.parse(res.body);
    } catch {
      assert.fail(`an error body that is not JSON: ${where}`);
    }
  };
  check(() => assert.ok(res.status < 500, `never a 5xx: ${where}`));
  const requestId = res.headers["x-request-id"];
  check(() => assert.ok(typeof requestId === "string" && requestId !== "", `X-Request-Id on every response: ${where}`));
  if (res.status >= 400) {
    check(() => {
      const body = json() as { error: { code: string; message: string; request_id: string; details: object } };
      assert.deepEqual(Object.keys(body), ["error"], `the envelope and nothing else: ${where}`);
      assert.ok(CODES[res.status]?.includes(body.error.code), `a contract code for ${res.status}: ${where}`);
      assert.equal(typeof body.error.message, "string", `a message: ${where}`);
      assert.equal(body.error.request_id, requestId, `request_id = X-Request-Id: ${where}`);
      assert.ok(typeof body.error.details === "object" && body.error.details !== null, `details: ${where}`);
    });
    check(() => assert.doesNotMatch(res.body, LEAK, `nothing internal: ${where}`));
  }
  const oracle = expected(r, built);
  if (oracle) {
    check(() => assert.ok(oracle.status.includes(res.status), `authz: ${where}`));
    check(() => assert.ok(oracle.codes.includes(json()?.error?.code), `authz code: ${where}`));
  }
  if (res.status >= 200 && res.status < 300) {
    const target = targetOf(r);
    if ((r.method === "PATCH" || r.method === "PUT") && target && res.headers["x-idempotent-replay"] !== "true") {
      check(() => assert.equal(json().id, target, `the named user: ${where}`));
    }
    await restoreAccounts();
  } else {
    check(() => assert.deepEqual(afterState.users, before.users, `a rejected request changed a user: ${where}`));
    check(() => assert.equal(afterState.history, before.history, `a rejected request wrote history: ${where}`));
    if (BEFORE_RUNNING.has(res.status)) {
      check(() => assert.equal(afterState.keys, before.keys, `a refusal stored an idempotency key: ${where}`));
    }
  }
  if (broken.length > 0) throw new AggregateError(broken);
}

const inject = async (b: Built): Promise<Answer> => {
  const res = await t.app.inject({
    method: b.method as "GET",
    url: b.url,
    headers: b.headers,
    ...(b.payload === undefined ? {} : { payload: b.payload }),
  });
  return { status: res.statusCode, headers: res.headers as Answer["headers"], body: res.body };
};

/** One request over a real socket; header bytes a client cannot send (CTLs) are left out, the rest go as latin1. */
function overSocket(port: number) {
  return (b: Built): Promise<Answer> => {
    const headers = Object.entries(b.headers)
      .filter(([, value]) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value))
      .map(([name, value]) => [name, Buffer.from(value, "utf8").toString("latin1")]);
    return rawRequest(port, rawHttp(b.method, b.url, Object.fromEntries(headers), b.payload));
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/**
 * Runs `runs` generated requests and collects every distinct kind of broken promise with its
 * first example, so one run reports them all (the test still fails on any); FUZZ_SEED replays.
 */
async function fuzz(runs: number, send: (b: Built) => Promise<Answer>) {
  const failures = new Map<string, string>();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      try {
        await checkOne(r, async (b) => {
          const answer = await send(b);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          return answer;
        });
      } catch (error) {
        for (const one of error instanceof AggregateError ? error.errors : [error]) {
          const message = one instanceof Error ? one.message : String(one);
          const kind = `${message.split(":")[0]} ${message.match(/→ (\d{3})/)?.[1] ?? ""}`;
          if (!failures.has(kind))
            failures.set(kind, `${message.split("\n")[0]}\n    request: ${JSON.stringify(r).slice(0, 600)}`);
        }
      }
    }),
    { numRuns: runs, seed: SEED },
  );
  if (failures.size > 0)
    assert.fail(
      `FUZZ_SEED=${SEED}; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n${[...failures.values()].join("\n")}`,
    );
  return statuses;
}

describe("fuzz: HTTP requests against the running app", () => {
  before(async () => {
    t = await startTestApp({
      LOG_LEVEL: process.env.FUZZ_LOG ?? "silent",
      RATE_LIMIT_READ: "0",
      RATE_LIMIT_LIST: "0",
      RATE_LIMIT_WRITE: "0",
    });
    [agent, other, admin, revoked] = [
      await makeUser(t),
      await makeUser(t),
      await makeUser(t, "admin"),
      await makeUser(t),
    ];
    await revokeApiKey(t.services, revoked.keyId);
    baseline = (await snapshot()).users;
  });
  after(() => t.close());

  it(`${INJECT_RUNS} generated requests (app.inject): no 5xx, envelope, authz, nothing changed by a refusal`, async (context) => {
    const statuses = await fuzz(INJECT_RUNS, inject);
    context.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // The run exercised acceptance and every kind of refusal, not just one status.
    for (const status of [200, 401, 403, 404, 413, 415, 422]) {
      assert.ok(statuses.has(status), `no ${status} seen: ${[...statuses]}`);
    }
  });

  it(`${SOCKET_RUNS} generated requests over real sockets: the same promises`, async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const send = overSocket(Number(new URL(address).port));
    await fuzz(SOCKET_RUNS, send);
    const health = await send({ method: "GET", url: "/healthz", headers: {}, payload: undefined });
    assert.equal(health.status, 200, "still serving");
  });
});

describe("fuzz: whatever PATCH accepts can be read back", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RATE_LIMIT_READ: "0", RATE_LIMIT_LIST: "0", RATE_LIMIT_WRITE: "0" });
  });
  after(() => app.close());

  it(`${ROUND_TRIP_RUNS} accepted bodies: PATCH 200 with the normalised values, then GET (owner, admin) and the admin list 200`, async () => {
    const boss = await makeUser(app, "admin");
    const accepted = likelyProfileEntries
      .map((entries) => Object.fromEntries(entries.map(([spec, value]) => [spec.name, value])))
      .filter((body) => readProfilePatch(body).kind === "ok");
    await fc.assert(
      fc.asyncProperty(accepted, async (body) => {
        const read = readProfilePatch(body);
        if (read.kind !== "ok") return;
        const owner = await makeUser(app);
        try {
          const patched = await patchUser(app, owner.id, body, { key: owner.key });
          const sent = JSON.stringify(body);
          assert.equal(patched.statusCode, 200, `PATCH ${sent} → ${patched.statusCode} ${patched.body}`);
          for (const [spec, value] of read.patch) assert.equal(patched.json()[spec.name], value, spec.name);
          for (const [path, key] of [
            ["/api/v1/users/me", owner.key],
            [`/api/v1/users/${owner.id}`, boss.key],
          ] as const) {
            const got = await send(app, "GET", path, undefined, { key });
            assert.equal(got.statusCode, 200, `GET ${path} after PATCH ${sent} → ${got.statusCode} ${got.body}`);
            assert.deepEqual(got.json(), patched.json());
          }
          const list = await send(app, "GET", "/api/v1/users?limit=200", undefined, { key: boss.key });
          assert.equal(list.statusCode, 200, `admin list after PATCH ${sent} → ${list.statusCode} ${list.body}`);
        } finally {
          // Each run on a user of its own, gone afterwards: one bad row cannot fail the next runs.
          await app.services.database.db.deleteFrom("user").where("id", "=", owner.id).execute();
        }
      }),
      { numRuns: ROUND_TRIP_RUNS, includeErrorInReport: true },
    );
  });
});
