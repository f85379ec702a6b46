import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";

type LogLine = {
  msg: string;
  reqId?: string;
  req?: { method: string; url: string; remoteAddress?: string };
  res?: { statusCode: number };
  responseTime?: number;
};

describe("request logging at the default level (info)", () => {
  const lines: string[] = [];
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ LOG_LEVEL: "info" }, { logDestination: { write: (line) => void lines.push(line) } });
  });
  after(() => t.close());

  it("writes one line per request, once answered: method, URL, status, time and request id", async () => {
    const agent = await makeUser(t);
    lines.length = 0;
    const patched = await patchUser(t, "me", { title: "Logged once" }, { key: agent.key });
    const refused = await send(t, "GET", "/api/v1/users/me");
    assert.equal(patched.statusCode, 200);
    assert.equal(refused.statusCode, 401);
    const logged = lines.map((line) => JSON.parse(line) as LogLine);
    assert.deepEqual(
      logged.map((line) => line.msg),
      ["request completed", "request completed"],
      "no 'incoming request' line, one line per request",
    );
    const [first, second] = logged as [LogLine, LogLine];
    assert.deepEqual([first.req?.method, first.req?.url, first.res?.statusCode], ["PATCH", "/api/v1/users/me", 200]);
    assert.deepEqual([second.req?.method, second.req?.url, second.res?.statusCode], ["GET", "/api/v1/users/me", 401]);
    assert.equal(first.reqId, patched.headers["x-request-id"]);
    assert.equal(second.reqId, refused.headers["x-request-id"]);
    assert.ok(typeof first.responseTime === "number" && first.responseTime >= 0);
  });
});
