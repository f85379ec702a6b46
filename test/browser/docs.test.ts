import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { createApiKey } from "../../src/cli/api-keys.commands.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertClean, screenshots, watchPage } from "./support/page-checks.js";

// The API reference as a new user tries it (issue 19): /docs renders every operation under its
// Content-Security-Policy with no console error, and "Try it out" talks to this very server.

describe("the API reference at /docs", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  before(async () => {
    [browser, dashboard] = await Promise.all([launchChromium(), startDashboard({ SHUTDOWN_DRAIN_MS: "0" })]);
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it("renders every operation of /openapi.json, with no console error and nothing from elsewhere", async () => {
    const document = (await (await fetch(`${dashboard.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const watch = watchPage(page, dashboard.baseUrl);
    await page.goto("/docs/");
    await page.locator(".opblock").first().waitFor();
    assert.equal(await page.locator(".opblock").count(), operations);
    await screenshots(page, "docs");
    assertClean(watch);
    await context.close();
  });

  it("'Try it out' with a key sends the request to this server and shows its answer", async () => {
    const person = await createPerson(dashboard);
    const { key } = await createApiKey(dashboard.services, { user: person.id });
    const context = await newVisitor(browser, dashboard.baseUrl);
    const page = await context.newPage();
    const watch = watchPage(page, dashboard.baseUrl);
    await page.goto("/docs/");
    await page.getByRole("button", { name: "Authorize" }).click();
    const bearer = page.locator(".auth-container").filter({ hasText: "bearer" });
    await bearer.getByRole("textbox").fill(key);
    await bearer.getByRole("button", { name: "Apply credentials" }).click();
    await bearer.getByRole("button", { name: "Close" }).click();

    const operation = page.locator("#operations-users-getCurrentUser");
    await operation.locator(".opblock-summary").click();
    await operation.getByRole("button", { name: "Try it out" }).click();
    const answered = page.waitForResponse((response) => response.url().endsWith("/api/v1/users/me"));
    await operation.getByRole("button", { name: "Execute" }).click();
    const response = await answered;
    assert.equal(new URL(response.url()).origin, dashboard.baseUrl, "the request went to this server");
    assert.equal(response.status(), 200);
    await operation.locator(".responses-table .response-col_status").filter({ hasText: "200" }).first().waitFor();
    assert.match((await operation.locator(".responses-wrapper").textContent()) ?? "", new RegExp(person.email));
    assertClean(watch);
    await context.close();
  });
});
