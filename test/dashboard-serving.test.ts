import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { DASHBOARD_CSP } from "../src/web/dashboard.plugin.js";
import { errorOf, send, startTestApp, type TestApp } from "./support/harness.js";

// How the server serves a built dashboard (contract §9), on a small build of our own making so
// that the plugin is tested apart from Vite; test/browser/ runs the real build in a browser.

const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});\n`;
const INDEX = '<!doctype html><html lang="en"><script type="module" src="/app/assets/app-0a1b2c3d.js"></script></html>';

function makeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), "valara-dashboard-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), INDEX);
  writeFileSync(join(root, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  const script = join(root, "assets", "app-0a1b2c3d.js");
  writeFileSync(script, SCRIPT);
  writeFileSync(`${script}.gz`, gzipSync(SCRIPT));
  writeFileSync(`${script}.br`, brotliCompressSync(SCRIPT));
  return root;
}

const get = (t: TestApp, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });

describe("the dashboard, built", () => {
  let t: TestApp;
  let root: string;
  before(async () => {
    root = makeBuild();
    t = await startTestApp({}, { dashboardRoot: root });
  });
  after(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("GET / redirects to /app/", async () => {
    const response = await get(t, "/");
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, "/app/");
  });

  it("serves the page at /app/ (and /app), revalidated on every load, under a strict CSP", async () => {
    for (const url of ["/app/", "/app"]) {
      const response = await get(t, url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX);
      assert.match(String(response.headers["content-type"]), /^text\/html/);
      assert.equal(response.headers["cache-control"], "no-cache");
      assert.equal(response.headers["content-security-policy"], DASHBOARD_CSP);
      assert.equal(response.headers["x-frame-options"], "DENY");
    }
    for (const directive of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      assert.ok(DASHBOARD_CSP.includes(directive), directive);
    }
    assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it("answers the page for any other /app/… path, so the page's router can open it", async () => {
    for (const url of ["/app/profile", "/app/users/abc/edit", "/app/index.html", "/app/history?x=1"]) {
      const response = await get(t, url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX, url);
      assert.equal(response.headers["cache-control"], "no-cache", url);
    }
  });

  it("answers 304 to a revalidation of the page that has not changed", async () => {
    const first = await get(t, "/app/");
    const again = await get(t, "/app/", { "if-none-match": String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
  });

  it("serves hashed assets for a year, immutable, in the compression the browser accepts", async () => {
    const url = "/app/assets/app-0a1b2c3d.js";
    const br = await get(t, url, { "accept-encoding": "gzip, deflate, br" });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers["content-encoding"], "br");
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);
    const gz = await get(t, url, { "accept-encoding": "gzip" });
    assert.equal(gz.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
    const plain = await get(t, url);
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(plain.body, SCRIPT);
    for (const response of [br, gz, plain]) {
      assert.equal(response.headers["cache-control"], "public, max-age=31536000, immutable");
      assert.match(String(response.headers["content-type"]), /^application\/javascript/);
      assert.match(String(response.headers.vary), /accept-encoding/i);
    }
  });

  it("does not cache unhashed files for long (favicon.svg keeps its name across builds)", async () => {
    const response = await get(t, "/app/favicon.svg");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["cache-control"], "no-cache");
  });

  it("answers 404 in the envelope for a missing asset (never the page in its place)", async () => {
    for (const url of ["/app/assets/app-ffffffff.js", "/app/assets/app-0a1b2c3d.js.gz", "/app/assets/"]) {
      const response = await get(t, url);
      assert.equal(response.statusCode, 404, url);
      assert.equal(errorOf(response).code, "not_found");
    }
  });

  it("leaves /docs and the API as they were: their own headers, not the page's", async () => {
    const docs = await get(t, "/docs");
    assert.equal(docs.statusCode, 200);
    assert.notEqual(docs.headers["content-security-policy"], DASHBOARD_CSP);
    const api = await send(t, "GET", "/api/v1/users/me");
    assert.equal(errorOf(api).code, "auth_required");
    assert.equal(api.headers["content-security-policy"], undefined);
    assert.equal(errorOf(await get(t, "/nowhere")).code, "not_found");
  });
});

describe("the dashboard, not built (running from sources)", () => {
  let t: TestApp;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "valara-dashboard-empty-"));
    t = await startTestApp({}, { dashboardRoot: root });
  });
  after(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers 503 service_unavailable in the envelope, saying how to build it", async () => {
    for (const url of ["/app/", "/app/profile", "/app/assets/app-0a1b2c3d.js"]) {
      const response = await get(t, url);
      assert.equal(response.statusCode, 503, url);
      const error = errorOf(response);
      assert.equal(error.code, "service_unavailable");
      assert.match(error.message, /npm run build/);
      assert.equal(response.headers["cache-control"], "no-store");
    }
  });

  it("still redirects / and serves the API", async () => {
    assert.equal((await get(t, "/")).headers.location, "/app/");
    assert.equal((await get(t, "/healthz")).statusCode, 200);
  });
});
