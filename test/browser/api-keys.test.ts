import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { callApi } from "./support/api.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// The API keys page (contract §9, issue 17 point 4): create, shown once with Copy, list, revoke.

describe("API keys page", () => {
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
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: dashboard.baseUrl });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const keyItem = (name: string) =>
    page.getByRole("list", { name: "API keys" }).getByRole("listitem").filter({ hasText: name });

  it("creates a key, shows it once with Copy, lists it, and it works until revoked (then 401)", async () => {
    const person = await createPerson(dashboard);
    const watch = watchPage(page, dashboard.baseUrl);
    await signIn(page, person, "/app/api-keys");
    await page.getByText("You have no API keys yet.").waitFor();

    await page.getByLabel("Key name").fill("CI deploy");
    await page.getByLabel("Expires after (days)").fill("30");
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByLabel("New API key");
    await shown.waitFor();
    const secret = await shown.inputValue();
    assert.match(secret, /^vk_/);

    await page.getByRole("button", { name: "Copy API key" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, "the clipboard holds the key");
    await assertAccessible(page, "api keys, new key shown");
    await screenshots(page, "api-keys-new-key");

    // Leaving before confirming asks; staying keeps the key on screen.
    page.once("dialog", (dialog) => {
      assert.match(dialog.message(), /shown only now/);
      void dialog.dismiss();
    });
    await page.getByRole("link", { name: "Sessions" }).click();
    assert.equal(new URL(page.url()).pathname, "/app/api-keys");
    assert.equal(await shown.inputValue(), secret);

    await page.getByRole("button", { name: "I have saved it" }).click();
    await page.getByText("The key is no longer shown.").waitFor();
    assert.equal(await page.getByLabel("New API key").count(), 0);
    assert.ok(!(await page.content()).includes(secret), "the secret is gone from the page");

    const item = keyItem("CI deploy");
    await item.waitFor();
    const facts = (await item.textContent()) ?? "";
    assert.match(facts, /Starts with/);
    const start = (await item.locator("code").textContent())?.replace("…", "") ?? "";
    assert.ok(start.length >= 4 && secret.startsWith(start), `the key's start (${start}) is shown`);
    assert.match(facts, /Active/);
    const expires = await item.locator("dt:text-is('Expires') + dd time").getAttribute("datetime");
    const days = (Date.parse(expires ?? "") - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in 30 days (${days})`);

    assert.equal((await callApi(dashboard, secret, "GET", "/api/v1/users/me")).status, 200, "the key works");
    await page.reload();
    await item.waitFor();
    assert.match((await item.textContent()) ?? "", /Last used/);

    await item.getByRole("button", { name: "Revoke CI deploy" }).click();
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      "Keep it",
      "focus moves to the safe answer",
    );
    await item.getByRole("button", { name: "Yes, revoke CI deploy" }).click();
    await item.getByText("Revoked").waitFor();
    assert.equal((await callApi(dashboard, secret, "GET", "/api/v1/users/me")).status, 401, "revoked: refused");
    await assertAccessible(page, "api keys, list");
    await screenshots(page, "api-keys-list");
    assertClean(watch);
  });

  it("keeps a key when the revoke is not confirmed", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person, "/app/api-keys");
    await page.getByLabel("Key name").fill("Laptop");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByLabel("New API key").inputValue();
    await page.getByRole("button", { name: "I have saved it" }).click();
    await keyItem("Laptop").getByRole("button", { name: "Revoke Laptop" }).click();
    await keyItem("Laptop").getByRole("button", { name: "Keep it" }).click();
    assert.match((await keyItem("Laptop").textContent()) ?? "", /Active/);
    assert.equal((await callApi(dashboard, secret, "GET", "/api/v1/users/me")).status, 200);
  });

  it("says in words, at the field, what is wrong with the form", async () => {
    await signIn(page, await createPerson(dashboard), "/app/api-keys");
    await page.getByLabel("Expires after (days)").fill("-3");
    await page.getByRole("button", { name: "Create key" }).click();
    const name = page.getByLabel("Key name");
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    assert.ok(await name.evaluate((element) => element === document.activeElement), "focus on the first error");
    await page.getByText("Give the key a name").waitFor();
    await page.getByText("Enter a whole number of days from 1 to 3650").waitFor();
    assert.equal(await page.getByLabel("New API key").count(), 0, "nothing was made");
    await assertAccessible(page, "api keys, form errors");
    await screenshots(page, "api-keys-errors");
  });
});
