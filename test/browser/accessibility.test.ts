import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// Every page of the dashboard scanned by axe-core (no serious or critical violation, at desktop
// and phone widths), photographed at both widths into test-results/screenshots/, and watched for
// console errors (CSP violations among them) and requests to other origins.

describe("accessibility and looks of each page", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    [browser, dashboard] = await Promise.all([launchChromium(), startDashboard({ SHUTDOWN_DRAIN_MS: "0" })]);
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });
  beforeEach(async () => {
    context = await newVisitor(browser, dashboard.baseUrl);
    page = await context.newPage();
  });
  afterEach(() => context.close());

  it("sign-in page", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    await page.goto("/app/");
    await page.getByLabel("Email").waitFor();
    await assertAccessible(page, "sign-in");
    await screenshots(page, "sign-in");
    assertClean(watch);
  });

  it("sign-in page with its errors: empty fields, then a wrong password", async () => {
    await page.goto("/app/");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Enter your email address.").waitFor();
    await assertAccessible(page, "sign-in, empty fields");
    await screenshots(page, "sign-in-empty-fields");
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    await assertAccessible(page, "sign-in, wrong password");
    await screenshots(page, "sign-in-wrong-password");
  });

  it("the signed-in shell (an agent's My profile)", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    await signIn(page, await createPerson(dashboard, { name: "Jane Agent" }));
    await page.getByRole("heading", { name: "My profile", level: 1 }).waitFor();
    await assertAccessible(page, "shell");
    await screenshots(page, "shell-profile");
    assertClean(watch);
  });

  it("the shell as an admin, with a long name and email", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    const admin = await createPerson(dashboard, { role: "admin", name: "Alexandrina Montgomery-Vasquez" });
    await signIn(page, admin, "/app/users");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await assertAccessible(page, "admin shell");
    await screenshots(page, "shell-admin-users");
    assertClean(watch);
  });

  it("page not found", async () => {
    await signIn(page, await createPerson(dashboard), "/app/nowhere");
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    await assertAccessible(page, "not found");
    await screenshots(page, "not-found");
  });

  it("the scan itself fails on a serious violation (so a pass above means something)", async () => {
    await page.goto("/app/");
    await page.setContent('<html lang="en"><title>Bad</title><main><h1>Bad</h1><input type="text"></main></html>');
    await assert.rejects(assertAccessible(page, "a bad page"), /label/);
  });
});
