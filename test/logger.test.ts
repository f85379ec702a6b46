import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.js";
import { createLogger, DEFAULT_LOG_BUFFER_BYTES } from "../src/logger.js";
import { createTestDatabase } from "./support/harness.js";
import { LISTENING_LINE, spawnServer } from "./support/server-process.js";

const captured = (log: (logger: ReturnType<typeof createLogger>) => void): string => {
  const lines: string[] = [];
  log(createLogger("trace", { destination: { write: (line: string) => void lines.push(line) } }));
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

describe("LOG_BUFFER_BYTES", () => {
  it("defaults to 16 MiB and refuses what is not a number of bytes from 64 KiB to 1 GiB", () => {
    const base = { DATABASE_URL: "file:/nonexistent/valara.db" };
    assert.equal(loadConfig(base).logBufferBytes, DEFAULT_LOG_BUFFER_BYTES);
    assert.equal(DEFAULT_LOG_BUFFER_BYTES, 16 * 1024 * 1024);
    assert.equal(loadConfig({ ...base, LOG_BUFFER_BYTES: "65536" }).logBufferBytes, 65_536);
    for (const value of ["1000", "lots", "2147483648", "-65536"]) {
      assert.throws(
        () => loadConfig({ ...base, LOG_BUFFER_BYTES: value }),
        (error: unknown) => error instanceof ConfigError && /LOG_BUFFER_BYTES/.test(error.message),
        value,
      );
    }
  });
});

describe("the server's log destination", () => {
  const stopped = (child: ChildProcess) => new Promise((resolve) => child.on("exit", resolve));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

  // A request line is ~300 bytes; a pipe holds 64 KB and Node's stream buffer 16 KB more, so a
  // server that wrote synchronously into a pipe nobody reads would stop after ~250 requests.
  // With the smallest buffer allowed (64 KiB), 2,000 lines overflow it: they are dropped and
  // counted, not kept, and once the pipe is read again one warning says how many went.
  it("keeps serving when nobody reads its stdout pipe, drops what overflows its buffer and says so (and writes lines into a file)", async (context) => {
    const dir = mkdtempSync(join(tmpdir(), "valara-logdest-"));
    const database = await createTestDatabase(dir);
    context.after(async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    const env = {
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
      LOG_BUFFER_BYTES: "65536",
    };
    const listening = (stream: Readable | null) =>
      new Promise<string>((resolve, reject) => {
        let printed = "";
        const onData = (chunk: Buffer) => {
          printed += chunk.toString();
          const url = LISTENING_LINE.exec(printed)?.[1];
          if (!url) return;
          stream?.off("data", onData);
          stream?.pause(); // from here on, nobody reads the pipe
          resolve(url);
        };
        stream?.on("data", onData);
        setTimeout(() => reject(new Error(`no "Server listening" line: ${printed}`)), 30_000).unref();
      });
    const server = spawnServer(env, ["ignore", "pipe", "ignore"]);
    const serverStopped = stopped(server);
    try {
      const base = await listening(server.stdout);
      let answered = 0;
      for (let i = 0; i < 2_000; i++) {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
        await response.text();
        if (response.status === 200) answered++;
      }
      assert.equal(answered, 2_000);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const dropped = Number(/^valara_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
      assert.ok(
        dropped > 1_000,
        `valara_log_lines_dropped_total ${dropped}: 2,000 lines of ~300 bytes overflow 64 KiB`,
      );
      // The reader is back: what was kept arrives, then the warning.
      let printed = "";
      server.stdout?.on("data", (chunk: Buffer) => {
        printed += chunk.toString();
      });
      server.stdout?.resume();
      const warning = () => /"dropped":(\d+),"msg":"log lines dropped: stdout was not read fast enough"/.exec(printed);
      for (let tries = 0; !warning() && tries < 200; tries++) await pause();
      assert.ok(Number(warning()?.[1]) >= dropped, `a warning with the count: ${printed.slice(-500)}`);
    } finally {
      server.kill("SIGKILL");
      await serverStopped;
    }
    // Into a file, the lines are there.
    const logFile = join(dir, "server.log");
    const logged = () => readFileSync(logFile, "utf8");
    const out = openSync(logFile, "w");
    const filed = spawnServer(env, ["ignore", out, "ignore"]);
    closeSync(out);
    const filedStopped = stopped(filed);
    try {
      for (let tries = 0; !LISTENING_LINE.test(logged()) && tries < 600; tries++) await pause();
      const base = LISTENING_LINE.exec(logged())?.[1];
      assert.ok(base, "the server wrote its listening line into the file");
      for (let i = 0; i < 3; i++) await (await fetch(`${base}/healthz`)).text();
      // A request's line is written once its response has gone, so the last may trail the answer.
      const lines = () => logged().match(/"msg":"request completed"/g)?.length ?? 0;
      for (let tries = 0; lines() < 3 && tries < 100; tries++) await pause();
      assert.equal(lines(), 3);
    } finally {
      filed.kill("SIGKILL");
      await filedStopped;
    }
  });
});
