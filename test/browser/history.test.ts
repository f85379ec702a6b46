import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { apiKeyFor, mustCall } from "./support/api.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// The History page (contract §9, issue 17 point 3): the signed-in person's changes, newest first.

describe("history page", () => {
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

  const entries = () => page.getByRole("list", { name: "Changes, newest first" }).locator(":scope > li");

  it("lists the changes newest first: when, who, each field from → to, and pages with Load more", async () => {
    const person = await createPerson(dashboard, { name: "Hana History" });
    const admin = await createPerson(dashboard, { role: "admin", name: "Ada Admin" });
    const key = await apiKeyFor(dashboard, person);
    // 24 changes of the title by the person, then one by an admin: 25 entries, two pages of 20.
    for (let n = 1; n <= 24; n++) {
      await mustCall(dashboard, key, "PATCH", `/api/v1/users/${person.id}`, { title: `Title ${n}` });
    }
    await mustCall(dashboard, await apiKeyFor(dashboard, admin), "PATCH", `/api/v1/users/${person.id}`, {
      city: "Austin",
      license_state: "TX",
    });

    const watch = watchPage(page, dashboard.baseUrl);
    await signIn(page, person, "/app/history");
    await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
    await entries().first().waitFor();
    assert.equal(await entries().count(), 20, "the first page");

    // Newest first: the admin's change, by its actor id, with both fields and their labels.
    const newest = entries().nth(0);
    const newestText = (await newest.textContent()) ?? "";
    assert.match(newestText, new RegExp(`by ${admin.id}`));
    assert.match(newestText, /City: \(empty\) → Austin/);
    assert.match(newestText, /License state: \(empty\) → TX/);
    const second = (await entries().nth(1).textContent()) ?? "";
    assert.match(second, /by you/);
    assert.match(second, /Title: Title 23 → Title 24/);

    // When: a readable local time, and the exact instant in <time datetime>.
    const time = newest.locator("time");
    const datetime = await time.getAttribute("datetime");
    assert.ok(datetime && Math.abs(Date.parse(datetime) - Date.now()) < 120_000, `datetime ${datetime}`);
    assert.match((await time.textContent()) ?? "", /\d{4}/, "the year is shown");

    await page.getByRole("button", { name: "Load more" }).click();
    await entries().nth(24).waitFor();
    assert.equal(await entries().count(), 25);
    assert.match((await entries().nth(24).textContent()) ?? "", /Title: \(empty\) → Title 1$/);
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0, "the last page has no Load more");

    await assertAccessible(page, "history");
    await screenshots(page, "history");
    assertClean(watch);
  });

  it("says so when there are no changes yet", async () => {
    await signIn(page, await createPerson(dashboard), "/app/history");
    await page.getByText("No changes yet.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);
    await assertAccessible(page, "history, empty");
    await screenshots(page, "history-empty");
  });
});
