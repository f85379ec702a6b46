import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { apiKeyFor, mustCall } from "./support/api.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { assertOnSignIn, signIn } from "./support/sign-in.js";

// The Sessions page (contract §9): where the person is signed in, and "Sign out other sessions".
// Also: a session that ends elsewhere (signed out, account deactivated) sends the page to sign-in.

describe("sessions page", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let contexts: BrowserContext[] = [];

  before(async () => {
    [browser, dashboard] = await Promise.all([launchChromium(), startDashboard({ SHUTDOWN_DRAIN_MS: "0" })]);
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });
  beforeEach(() => {
    contexts = [];
  });
  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
  });

  /** A browser of its own (its own cookies): another device. */
  async function device(): Promise<Page> {
    const context = await newVisitor(browser, dashboard.baseUrl);
    contexts.push(context);
    return context.newPage();
  }

  const sessionItems = (page: Page) => page.getByRole("list", { name: "Sessions" }).getByRole("listitem");

  it("lists both devices, marks this one, and 'Sign out other sessions' ends the other", async () => {
    const person = await createPerson(dashboard);
    const [laptop, phone] = [await device(), await device()];
    await signIn(phone, person, "/app/profile");
    const watch = watchPage(laptop, dashboard.baseUrl);
    // (Signed in elsewhere first: the sign-in helper waits for the one "Sign out" button.)
    await signIn(laptop, person, "/app/profile");
    await laptop.getByRole("link", { name: "Sessions" }).click();

    await sessionItems(laptop).nth(1).waitFor();
    assert.equal(await sessionItems(laptop).count(), 2);
    const first = (await sessionItems(laptop).nth(0).textContent()) ?? "";
    assert.match(first, /This device/, "this device comes first");
    assert.match(first, /Headless Chrome on Linux/);
    assert.match(first, /Signed in.*Last active.*Expires.*IP address.*Browser/);
    assert.doesNotMatch((await sessionItems(laptop).nth(1).textContent()) ?? "", /This device/);
    assert.equal(await laptop.getByText("This device", { exact: true }).count(), 1);
    await assertAccessible(laptop, "sessions");
    await screenshots(laptop, "sessions");

    await laptop.getByRole("button", { name: "Sign out other sessions" }).click();
    await laptop.getByText("Sign out the other session?").waitFor();
    assert.equal(await laptop.evaluate(() => document.activeElement?.textContent), "Cancel", "focus is not lost");
    await laptop.getByRole("button", { name: "Yes, sign them out" }).click();
    await laptop.getByText("Every other session is signed out.").waitFor();
    await laptop.getByText("You are signed in on this device only.").waitFor();
    assert.equal(await sessionItems(laptop).count(), 1);
    await screenshots(laptop, "sessions-signed-out-others");

    // The phone's next action finds its session gone and lands on the sign-in page, told why.
    await phone.getByRole("link", { name: "History" }).click();
    await assertOnSignIn(phone);
    await phone.getByText("Your session has ended.").waitFor();
    // The laptop is still signed in.
    await laptop.getByRole("link", { name: "History" }).click();
    await laptop.getByRole("heading", { name: "History", level: 1 }).waitFor();
    assert.equal(await laptop.getByRole("button", { name: "Sign out", exact: true }).count(), 1);
    assertClean(watch);
  });

  it("signs a deactivated person out on their next action, with the notice", async () => {
    const agent = await createPerson(dashboard);
    const admin = await createPerson(dashboard, { role: "admin" });
    const page = await device();
    await signIn(page, agent, "/app/history");
    await page.getByText("No changes yet.").waitFor();

    // An admin deactivates the agent through the API (PUT, with an admin API key).
    await mustCall(dashboard, await apiKeyFor(dashboard, admin), "PUT", `/api/v1/users/${agent.id}`, {
      is_active: false,
    });

    await page.getByRole("link", { name: "API keys" }).click();
    await assertOnSignIn(page);
    await page.getByText("Your session has ended. Sign in again to go on.").waitFor();
  });
});
