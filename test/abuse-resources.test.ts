import assert from "node:assert/strict";
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { PROFILE_FIELDS } from "../src/users/user-fields.js";
import { expectError, stateOf } from "./support/assertions.js";
import { makeUser, patchUser, send, startTestApp, type TestApp, type TestUser } from "./support/harness.js";
import { rawHttp, rawRequest } from "./support/raw-http.js";

// OWASP API4:2023 (unrestricted resource consumption), issue 6: body and field sizes, header
// sizes, many connections, rate limits. The server must refuse cheaply and keep serving.

describe("API4: unrestricted resource consumption", () => {
  let t: TestApp;
  let agent: TestUser;
  let port: number;
  before(async () => {
    t = await startTestApp();
    agent = await makeUser(t);
    port = Number(new URL(await t.app.listen({ port: 0, host: "127.0.0.1" })).port);
  });
  after(() => t.close());
  const bioOfSize = (bytes: number) => `{"bio":"${"x".repeat(bytes - 10)}"}`;

  it("a body one byte over 64 KiB: 413 payload_too_large; exactly 64 KiB is read (422 too long); nothing written", async () => {
    const before = await stateOf(t);
    for (const contentType of ["application/json", "application/merge-patch+json"]) {
      expectError(
        await patchUser(t, agent.id, bioOfSize(64 * 1024 + 1), { key: agent.key, contentType }),
        413,
        "payload_too_large",
      );
      const atLimit = expectError(
        await patchUser(t, agent.id, bioOfSize(64 * 1024), { key: agent.key, contentType }),
        422,
        "validation_failed",
      );
      assert.deepEqual(atLimit.details.errors, [
        { field: "bio", code: "too_long", message: "bio must be at most 5000 characters" },
      ]);
    }
    const headers = { authorization: `Bearer ${agent.key}`, "content-type": "application/json" };
    const chunked = rawHttp("PATCH", `/api/v1/users/${agent.id}`, { ...headers, "transfer-encoding": "chunked" });
    const big = Buffer.from(bioOfSize(70_000));
    const body = Buffer.concat([
      chunked,
      Buffer.from(`${big.length.toString(16)}\r\n`),
      big,
      Buffer.from("\r\n0\r\n\r\n"),
    ]);
    const answers = [
      await rawRequest(port, body),
      await rawRequest(
        port,
        rawHttp("PATCH", `/api/v1/users/${agent.id}`, headers, Buffer.alloc(10 * 1024 * 1024, 0x20)),
      ),
    ];
    for (const answer of answers) assert.equal(answer.status, 413, answer.body.slice(0, 200));
    assert.deepEqual(await stateOf(t), before);
    assert.equal((await rawRequest(port, rawHttp("GET", "/healthz", {}))).status, 200);
  });

  it("every field at 10× its maximum length: 422 validation_failed naming it, never a 500", async () => {
    const before = await stateOf(t);
    for (const spec of PROFILE_FIELDS) {
      const length = spec.maxLength * 10;
      const value =
        {
          url: `https://example.com/${"p".repeat(length)}`,
          email: `a@${"b".repeat(length)}.com`,
          phone: "5".repeat(length),
        }[spec.kind as string] ?? "A".repeat(length);
      const error = expectError(
        await patchUser(t, agent.id, { [spec.camel]: value }, { key: agent.key }),
        422,
        "validation_failed",
      );
      const errors = error.details.errors as Array<{ field: string; code: string }>;
      assert.deepEqual(
        errors.map((e) => e.field),
        [spec.camel],
      );
      assert.ok(
        ["too_long", "invalid_state", "invalid_date"].includes(errors[0]?.code as string),
        JSON.stringify(errors),
      );
    }
    assert.deepEqual(await stateOf(t), before);
  });

  it("20 KB of request headers: 431 or the connection closed, and the server keeps serving", async () => {
    const padding = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-pad-${i}`, "p".repeat(1024)]));
    const answer = await rawRequest(
      port,
      rawHttp("GET", "/api/v1/users/me", { authorization: `Bearer ${agent.key}`, ...padding }),
    );
    assert.ok(answer.status === 431 || answer.status === 0, `${answer.status} ${answer.body.slice(0, 200)}`);
    const health = await rawRequest(port, rawHttp("GET", "/healthz", {}));
    assert.equal(health.status, 200);
    assert.equal((await send(t, "GET", "/api/v1/users/me", undefined, { key: agent.key })).statusCode, 200);
  });

  it("300 concurrent connections, each on its own socket: every one answered 200 with its own request id", async () => {
    const agentPool = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const get = () =>
      new Promise<{ status: number; id: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: "/api/v1/users/me",
            agent: agentPool,
            headers: { authorization: `Bearer ${agent.key}` },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, id: String(res.headers["x-request-id"]) }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const answers = await Promise.all(Array.from({ length: 300 }, get));
    agentPool.destroy();
    assert.deepEqual(
      answers.filter((answer) => answer.status !== 200),
      [],
    );
    assert.equal(new Set(answers.map((answer) => answer.id)).size, 300);
  });

  it("slow clients: a stalled header section or body is cut off (answered or closed) within 4 s at REQUEST_TIMEOUT_MS=1000", async () => {
    const quick = await startTestApp({ REQUEST_TIMEOUT_MS: "1000" });
    try {
      const owner = await makeUser(quick);
      const quickPort = Number(new URL(await quick.app.listen({ port: 0, host: "127.0.0.1" })).port);
      const headers = `authorization: Bearer ${owner.key}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n`;
      const stalled = (bytes: string) =>
        new Promise<string>((resolve) => {
          const started = Date.now();
          const socket = connect(quickPort, "127.0.0.1", () => socket.write(bytes));
          const timer = setTimeout(() => socket.destroy(), 4_000);
          socket.on("error", () => {});
          socket.on("close", () => {
            clearTimeout(timer);
            resolve(Date.now() - started < 4_000 ? "cut off" : "still open after 4 s");
          });
        });
      const outcomes = await Promise.all([
        stalled(`PATCH /api/v1/users/${owner.id} HTTP/1.1\r\nhost: x\r\n${headers}\r\n{"title":`),
        stalled(`GET /api/v1/users/me HTTP/1.1\r\nhost: x\r\nauthorization: Bear`),
      ]);
      assert.deepEqual(outcomes, ["cut off", "cut off"], "stalled body, stalled headers");
      assert.equal((await rawRequest(quickPort, rawHttp("GET", "/healthz", {}))).status, 200);
    } finally {
      await quick.close();
    }
  });

  it("the rate limit holds (RATE_LIMIT_READ=5): the 6th is 429, through either header, any spelling, and in a burst", async () => {
    const limited = await startTestApp({ RATE_LIMIT_READ: "5" });
    try {
      const [one, two] = [await makeUser(limited), await makeUser(limited)];
      const me = (options: Parameters<typeof send>[4], path = "/api/v1/users/me") =>
        send(limited, "GET", path, undefined, options);
      for (let i = 0; i < 5; i++) assert.equal((await me({ key: one.key })).statusCode, 200);
      for (const [options, path] of [
        [{ key: one.key }, undefined],
        [{ headers: { "x-api-key": one.key } }, undefined],
        [{ key: one.key }, "/api/v1/users/me/"],
        [{ key: one.key }, "/api/v1/users/me?x=1"],
      ] as const) {
        const refused = await me(options, path);
        expectError(refused, 429, "rate_limit_exceeded");
        assert.ok(Number(refused.headers["retry-after"]) >= 1, "Retry-After in seconds");
        assert.equal(refused.headers["x-rate-limit-remaining"], "0");
      }
      const burst = await Promise.all(Array.from({ length: 20 }, () => me({ key: two.key })));
      const counts: Record<number, number> = {};
      for (const response of burst) counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
      assert.deepEqual(counts, { 200: 5, 429: 15 });
    } finally {
      await limited.close();
    }
  });
});
