import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { createTestDatabase, makeUser, patchUser, send, type TestApp } from "./support/harness.js";

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
    const dir = mkdtempSync(join(tmpdir(), "valara-reqlog-"));
    const database = await createTestDatabase(dir);
    const config = loadConfig({
      DATABASE_URL: database.url,
      LOG_LEVEL: "info",
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
    });
    const logger = createLogger(config.logLevel, { write: (line: string) => void lines.push(line) });
    const services = openServices(config, logger);
    await services.migrate();
    const app = await buildApp({ services, logger });
    t = {
      app,
      services,
      config,
      dir,
      close: async () => {
        await app.close();
        await services.close();
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
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
