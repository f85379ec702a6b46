import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { Webhook } from "standardwebhooks";
import * as client from "../client/index.js";
import { verifyWebhook, WebhookSignatureError } from "../client/index.js";
import { CLIENT_FIELDS_FILE, CLIENT_TYPES_FILE, clientFieldsFor, clientTypesFor } from "../scripts/client-types.js";
import { send, startTestApp } from "./support/harness.js";

// valara-users/client as a package: its types against the live document, its one way in, its
// independence from the server's code, its browser bundle, and its webhook verification.

const CLIENT_DIR = new URL("../client/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("webhook-vectors.json", CLIENT_DIR), "utf8")).vectors as Array<{
  name: string;
  scheme: "standard" | "valara";
  secrets: string[];
  body: string;
  headers: Record<string, string>;
}>;
const timestampOf = (vector: (typeof vectors)[number]) =>
  Number(vector.headers["webhook-timestamp"] ?? vector.headers["x-webhook-timestamp"]) * 1000;

describe("valara-users/client, the package", () => {
  it("its generated types and form catalog are those of the live /openapi.json (npm run generate:client)", async () => {
    const t = await startTestApp();
    try {
      const document = (await send(t, "GET", "/openapi.json")).json();
      assert.equal(readFileSync(CLIENT_TYPES_FILE, "utf8"), await clientTypesFor(document));
      assert.equal(readFileSync(CLIENT_FIELDS_FILE, "utf8"), clientFieldsFor(document));
    } finally {
      await t.close();
    }
  });

  it("a PATCH with a misspelt field does not compile", () => {
    const tsc = spawnSync(
      process.execPath,
      [
        "node_modules/typescript/bin/tsc",
        "--noEmit",
        "--strict",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--skipLibCheck",
        "test/type-errors/misspelt-patch.ts",
      ],
      { encoding: "utf8" },
    );
    assert.notEqual(tsc.status, 0, "tsc accepted a misspelt field");
    assert.match(tsc.stdout, /dispaly_name/, tsc.stdout);
    assert.match(tsc.stdout, /error TS2353|error TS2561/, "an excess-property error, not another one");
  });

  it("imports nothing outside its folder but the two signature libraries", () => {
    for (const file of readdirSync(CLIENT_DIR).filter((name) => name.endsWith(".ts"))) {
      const source = readFileSync(new URL(file, CLIENT_DIR), "utf8");
      for (const [, specifier] of source.matchAll(/from "([^"]+)"/g)) {
        assert.ok(
          specifier?.startsWith("./") || specifier === "standardwebhooks" || specifier === "fast-sha256",
          `${file} imports ${specifier}`,
        );
      }
    }
  });

  it("resolves as valara-users/client in Node's ESM, with the same exports as its sources", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const m = await import("valara-users/client"); console.log(Object.keys(m).sort().join(","))',
      ],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), Object.keys(client).sort().join(","), "dist/client is built from these sources");
  });

  it("bundles for a browser (no Node built-in), small", async (t) => {
    const result = await build({
      entryPoints: [new URL("index.ts", CLIENT_DIR).pathname],
      bundle: true,
      platform: "browser",
      format: "esm",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    const gzipped = gzipSync(code).length;
    t.diagnostic(`client bundle: ${code.length} bytes minified, ${gzipped} bytes gzipped`);
    assert.ok(gzipped < 20_000, `${gzipped} bytes gzipped`);
  });
});

describe("verifyWebhook, on frozen vectors", () => {
  for (const vector of vectors) {
    it(`verifies: ${vector.name}`, () => {
      const event = verifyWebhook(vector.body, vector.headers, vector.secrets, { now: timestampOf(vector) });
      assert.deepEqual(event, JSON.parse(vector.body));
    });
  }

  it("agrees with the standardwebhooks package's own verify on the spec example", () => {
    const vector = vectors[0] as (typeof vectors)[number];
    const realNow = Date.now;
    Date.now = () => timestampOf(vector);
    try {
      assert.deepEqual(
        new Webhook(vector.secrets[0] as string).verify(vector.body, vector.headers),
        JSON.parse(vector.body),
      );
    } finally {
      Date.now = realNow;
    }
  });

  it("refuses a changed body, a wrong secret, a stale timestamp and a missing signature", () => {
    for (const vector of vectors) {
      const now = timestampOf(vector);
      const refuses = (body: string, headers: Record<string, string>, secrets: string[], at: number) =>
        assert.throws(() => verifyWebhook(body, headers, secrets, { now: at }), WebhookSignatureError, vector.name);
      refuses(`${vector.body} `, vector.headers, vector.secrets, now);
      refuses(
        vector.body,
        vector.headers,
        [`whsec_${Buffer.from("another secret, 32 bytes long!!").toString("base64")}`],
        now,
      );
      refuses(vector.body, vector.headers, vector.secrets, now + 5 * 60_000 + 1_000);
      refuses(vector.body, vector.headers, vector.secrets, now - 5 * 60_000 - 1_000);
      refuses(vector.body, {}, vector.secrets, now);
    }
  });

  it("takes the raw bytes and any casing of the header names", () => {
    const vector = vectors[1] as (typeof vectors)[number];
    const shouted = Object.fromEntries(
      Object.entries(vector.headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    const event = verifyWebhook(new TextEncoder().encode(vector.body), shouted, vector.secrets, {
      now: timestampOf(vector),
    });
    assert.deepEqual(event, JSON.parse(vector.body));
    assert.ok(verifyWebhook(vector.body, new Headers(vector.headers), vector.secrets, { now: timestampOf(vector) }));
  });
});
