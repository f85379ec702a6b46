import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../src/logger.js";

const captured = (log: (logger: ReturnType<typeof createLogger>) => void): string => {
  const lines: string[] = [];
  log(createLogger("trace", { write: (line: string) => void lines.push(line) }));
  return lines.join("");
};

describe("createLogger: credentials are redacted wherever our log calls put them", () => {
  it("top-level fields, request headers (bare or under req) and an error's fields", () => {
    const secret = (name: string) => `secret-${name}-0123456789`;
    const headers = {
      authorization: secret("authorization"),
      cookie: secret("cookie"),
      "x-api-key": secret("x-api-key"),
      "set-cookie": [secret("set-cookie")],
    };
    const error = Object.assign(new Error("bad request"), {
      rawPacket: Buffer.from(secret("raw")),
      key: secret("err-key"),
      token: secret("err-token"),
      password: secret("err-password"),
      secret: secret("err-secret"),
    });
    const line = captured((logger) => {
      logger.info({ key: secret("key"), token: secret("token"), password: secret("pw"), secret: secret("s") }, "a");
      logger.info({ headers, req: { method: "GET", headers } }, "b");
      logger.error({ err: error }, "c");
    });
    assert.doesNotMatch(line, /secret-/);
    // Node's parser errors hold the request as a Buffer, which JSON shows as its bytes.
    assert.ok(!line.includes(Buffer.from(secret("raw")).toJSON().data.join(",")), "the raw packet's bytes");
    assert.match(line, /\[redacted\]/);
    // What is not a credential is still there.
    assert.match(line, /"method":"GET"/);
    assert.match(line, /bad request/);
  });
});
