import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createUser } from "../../src/cli/users.commands.js";
import { apiKeyFor, callApi, mustCall } from "./support/api.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, type Person, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// The admin user list (contract §9, issue 17 point 5): filters, search, cursor paging, links to a
// user; and an agent kept out of it (no navigation entry, refused on the page and by the API).

const PAGE_SIZE = 20; // the page's own (web/src/pages/users.tsx)

describe("users page (admins)", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let admin: Person;
  let adminKey: string;
  const inactive: string[] = [];
  let total = 0;

  before(async () => {
    [browser, dashboard] = await Promise.all([launchChromium(), startDashboard({ SHUTDOWN_DRAIN_MS: "0" })]);
    admin = await createPerson(dashboard, { role: "admin", name: "Ada Admin" });
    adminKey = await apiKeyFor(dashboard, admin);
    // 44 more: two pages and a bit; one admin among them, every seventh deactivated, two "Needle"s.
    for (let n = 1; n <= 44; n++) {
      const name = n === 13 || n === 31 ? `Nora Needle ${n}` : `Agent ${String(n).padStart(2, "0")}`;
      const user = await createUser(dashboard.services, {
        email: `user-${n}@example.com`,
        name,
        role: n === 2 ? "admin" : "user",
      });
      if (n % 7 === 0) {
        await mustCall(dashboard, adminKey, "PUT", `/api/v1/users/${user.id}`, { is_active: false });
        inactive.push(user.id);
      }
    }
    total = 45;
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

  const rows = () => page.getByRole("list", { name: "Users" }).locator(":scope > li");
  const loadMore = () => page.getByRole("button", { name: "Load more users" });

  async function openUsers(): Promise<void> {
    await signIn(page, admin, "/app/profile");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    await rows().first().waitFor();
  }

  /** Waits for the list to settle after a change of filters (its count line is back). */
  async function settled(): Promise<void> {
    await page.getByText(/^(Showing \d+ users?|No user matches)/).waitFor();
  }

  it("pages through every user by cursor with Load more (three pages)", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    await openUsers();
    assert.equal(await rows().count(), PAGE_SIZE);
    await loadMore().click();
    await rows()
      .nth(2 * PAGE_SIZE - 1)
      .waitFor();
    await loadMore().click();
    await rows()
      .nth(total - 1)
      .waitFor();
    assert.equal(await rows().count(), total);
    assert.equal(await loadMore().count(), 0, "no Load more after the last page");
    const names = await rows().getByRole("link").allTextContents();
    assert.equal(new Set(names).size, total, "no user twice");
    await page.getByText(`Showing ${total} users.`).waitFor();
    assertClean(watch);
  });

  it("filters by role and active flag, searches by name or email, and starts paging again on a change", async () => {
    await openUsers();
    await loadMore().click();
    await rows().nth(PAGE_SIZE).waitFor();

    await page.getByLabel("Role").selectOption("admin");
    await settled();
    const admins = await rows().allTextContents();
    assert.equal(admins.length, 2, "Ada and the one admin among the 44");
    assert.ok(admins.every((text) => /Roleadmin/.test(text)));

    await page.getByLabel("Role").selectOption("");
    await page.getByLabel("Active").selectOption("inactive");
    await settled();
    const inactiveRows = await rows().allTextContents();
    assert.equal(inactiveRows.length, inactive.length);
    assert.ok(inactiveRows.every((text) => /Inactive/.test(text)));

    await page.getByLabel("Active").selectOption("active");
    await settled();
    // Paging restarted with the new filter (the old cursor is bound to the old filters).
    assert.equal(await rows().count(), PAGE_SIZE);
    await loadMore().click(); // 39 active users: two pages
    await page.getByText(`Showing ${total - inactive.length} users.`).waitFor();
    assert.equal(await loadMore().count(), 0);

    await page.getByLabel("Active").selectOption("");
    await page.getByLabel("Name or email").fill("needle");
    await page.getByLabel("Name or email").press("Enter");
    await page.getByText("Showing 2 users.").waitFor();
    assert.deepEqual(await rows().getByRole("link").allTextContents(), ["Nora Needle 13", "Nora Needle 31"]);
    await page.getByLabel("Name or email").fill("user-44@");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("Showing 1 user.").waitFor();
    await page.getByLabel("Name or email").fill("nobody-at-all");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No user matches these filters.").waitFor();
    await assertAccessible(page, "users, no match");
  });

  it("links each user to their own page", async () => {
    await openUsers();
    const link = rows().getByRole("link", { name: "Agent 01" });
    const id = new URL((await link.getAttribute("href")) ?? "", dashboard.baseUrl).pathname.split("/").pop();
    assert.ok(id);
    const me = await callApi(dashboard, adminKey, "GET", `/api/v1/users/${id}`);
    assert.equal((me.body as { name: string }).name, "Agent 01", "the link names that user's id");
    await link.click();
    assert.equal(new URL(page.url()).pathname, `/app/users/${id}`);
  });

  it("is accessible and fits a phone", async () => {
    await openUsers();
    await assertAccessible(page, "users");
    await screenshots(page, "users");
    await page.getByLabel("Role").selectOption("admin");
    await settled();
    await screenshots(page, "users-admins");
  });

  it("keeps an agent out: no navigation entry, refused on the page, and 403 from the API", async () => {
    const agent = await createPerson(dashboard);
    await signIn(page, agent, "/app/profile");
    const nav = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    assert.ok(!nav.includes("Users") && !nav.includes("Webhooks"), `no admin entries: ${nav}`);

    await page.goto("/app/users");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /for administrators only/);
    assert.equal(await rows().count(), 0, "no user is listed");
    await assertAccessible(page, "users, refused");
    await screenshots(page, "users-refused");

    const answer = await callApi(dashboard, await apiKeyFor(dashboard, agent), "GET", "/api/v1/users");
    assert.equal(answer.status, 403);
    assert.equal((answer.body as { error: { code: string } }).error.code, "forbidden");
    const fromPage = await page.evaluate(async () => (await fetch("/api/v1/users")).status);
    assert.equal(fromPage, 403, "the session cookie is refused the list too");
  });
});
