import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Response } from "playwright-core";
import { DASHBOARD_CSP } from "../../src/web/dashboard.plugin.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// How the real build reaches a real browser: the redirect, caching, compression, the CSP, the
// first visit's weight against the contract's budget (§9: 150 KB of JS gzipped; we hold JS and
// CSS together to it), and (printed, not asserted) how soon the page can be used.

const BUDGET_BYTES = 150 * 1024;
const RUNS = 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

describe("serving the dashboard to a browser", () => {
  let browser: Browser;
  let dashboard: Dashboard;

  before(async () => {
    [browser, dashboard] = await Promise.all([launchChromium(), startDashboard({ SHUTDOWN_DRAIN_MS: "0" })]);
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it("GET / redirects to /app/, which shows the sign-in page", async () => {
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const response = await page.goto("/");
    assert.equal(new URL(page.url()).pathname, "/app/");
    const redirect = await response?.request().redirectedFrom()?.response();
    assert.equal(redirect?.status(), 302);
    await page.getByLabel("Email").waitFor();
    await context.close();
  });

  it("a first visit: the page revalidated, under its CSP; JS and CSS compressed and cached for a year", async () => {
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const responses: Response[] = [];
    page.on("response", (response) => responses.push(response));
    const document = await page.goto("/app/");
    await page.getByLabel("Email").waitFor();
    assert.ok(document);
    const headers = await document.allHeaders();
    assert.equal(headers["cache-control"], "no-cache");
    assert.equal(headers["content-security-policy"], DASHBOARD_CSP);
    const assets = responses.filter((response) => /\/app\/assets\/.+\.(js|css)$/.test(response.url()));
    assert.ok(
      assets.some((response) => response.url().endsWith(".js")) && assets.some((r) => r.url().endsWith(".css")),
    );
    for (const asset of assets) {
      const assetHeaders = await asset.allHeaders();
      assert.match(asset.url(), /-[\w-]{8,}\.(js|css)$/, "hashed name");
      assert.equal(assetHeaders["cache-control"], "public, max-age=31536000, immutable", asset.url());
      assert.equal(assetHeaders["content-encoding"], "br", `${asset.url()}: Chromium accepts br`);
    }
    await context.close();
  });

  it("the browser enforces the CSP, and a refusal shows as a console error (what the other tests watch for)", async () => {
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const watch = watchPage(page, dashboard.baseUrl);
    await page.goto("/app/");
    await page.getByLabel("Email").waitFor();
    const ran = await page.evaluate(async () => {
      const inline = document.createElement("script");
      inline.textContent = "window.__inlineRan = true";
      document.body.append(inline);
      const style = document.createElement("style");
      style.textContent = "body { color: red }";
      document.head.append(style);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return (window as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false, "an inline script ran");
    assert.ok(
      watch.consoleErrors.some((text) => /Content Security Policy/i.test(text)),
      `no CSP console error in ${JSON.stringify(watch.consoleErrors)}`,
    );
    await context.close();
  });

  it(`a first visit's JS and CSS weigh at most ${BUDGET_BYTES / 1024} KB gzipped`, async () => {
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const urls: string[] = [];
    page.on("request", (request) => {
      if (["script", "stylesheet"].includes(request.resourceType())) urls.push(request.url());
    });
    await page.goto("/app/");
    await page.getByLabel("Email").waitFor();
    await context.close();
    let total = 0;
    for (const url of urls) {
      const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
      assert.equal(response.headers.get("content-encoding"), "gzip", url);
      total += Number(response.headers.get("content-length"));
      await response.arrayBuffer();
    }
    console.log(`first visit: ${urls.length} JS/CSS files, ${(total / 1024).toFixed(1)} KB gzipped`);
    assert.ok(total > 0 && total <= BUDGET_BYTES, `${total} bytes`);
  });

  it(`how soon the page can be used (median of ${RUNS} first visits; printed)`, async () => {
    const person = await createPerson(dashboard);
    const signedIn = await newVisitor(browser, dashboard.baseUrl);
    await signIn(await signedIn.newPage(), person);
    const cookies = await signedIn.cookies();
    await signedIn.close();
    const toSignIn: number[] = [];
    const toShell: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const [times, withSession] of [
        [toSignIn, false],
        [toShell, true],
      ] as const) {
        const context = await newVisitor(browser, dashboard.baseUrl);
        if (withSession) await context.addCookies(cookies);
        const page = await context.newPage();
        const started = performance.now();
        await page.goto("/app/", { waitUntil: "commit" });
        const ready = withSession
          ? page.getByRole("heading", { name: "My profile", level: 1 })
          : page.getByLabel("Email");
        await ready.waitFor();
        if (!withSession) assert.ok(await ready.isEditable());
        times.push(performance.now() - started);
        await context.close();
      }
    }
    console.log(
      `navigation → editable sign-in form: median ${median(toSignIn).toFixed(0)} ms; ` +
        `→ signed-in shell: median ${median(toShell).toFixed(0)} ms (of ${RUNS} first visits, no cache)`,
    );
  });
});
