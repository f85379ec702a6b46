import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, type Person, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { apiGet, historyOf, input, recordWrites, saveProfile } from "./support/profile-page.js";
import { signIn } from "./support/sign-in.js";

// An admin's page for one user (contract §9): the profile through PATCH, the account's
// admin-only fields through PUT, a confirmation before taking access away, no self lock-out.

describe("Admin: one user", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let admin: Person;
  let agent: Person;

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
    admin = await createPerson(dashboard, { role: "admin", name: "Ada Admin" });
    agent = await createPerson(dashboard, { name: "Sam Agent" });
  });
  afterEach(() => context.close());

  const account = () => page.getByRole("form", { name: "Account" });
  const saveAccount = () => account().getByRole("button", { name: "Save account" });
  const openUser = async (id: string) => {
    await signIn(page, admin, `/app/users/${id}`);
    await account().getByLabel("Email", { exact: true }).waitFor();
  };

  it("edits another user's profile through PATCH, like My profile", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    const writes = recordWrites(page);
    await openUser(agent.id);
    await page.getByRole("heading", { name: "Sam Agent", level: 1 }).waitFor();
    await input(page, "Brokerage name").fill("Lone Star Realty");
    await saveProfile(page);
    assert.deepEqual(
      writes.map(({ method, path, body }) => ({ method, path, body })),
      [{ method: "PATCH", path: `/api/v1/users/${agent.id}`, body: { brokerage_name: "Lone Star Realty" } }],
    );
    assert.ok(writes[0]?.ifMatch && writes[0]?.idempotencyKey);
    const history = await historyOf(page, agent.id);
    assert.deepEqual(history[0]?.changes, { brokerage_name: { from: null, to: "Lone Star Realty" } });
    await assertAccessible(page, "admin: one user");
    await screenshots(page, "admin-user");
    assertClean(watch);
  });

  it("saves account fields through PUT; only the changed ones, no question for a harmless change", async () => {
    const writes = recordWrites(page);
    await openUser(agent.id);
    assert.equal(await saveAccount().isDisabled(), true);
    await account().getByLabel("Email verified").check();
    await saveAccount().click();
    await account().getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.equal(await page.getByRole("dialog").count(), 0);
    assert.deepEqual(writes.at(-1)?.body, { email_verified: true });
    assert.equal(writes.at(-1)?.method, "PUT");
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.email_verified, true);
  });

  it("asks before deactivating: Escape and Cancel write nothing, confirming saves", async () => {
    const writes = recordWrites(page);
    await openUser(agent.id);
    await account().getByLabel("Active", { exact: true }).uncheck();
    await saveAccount().click();
    const dialog = page.getByRole("dialog", { name: "Confirm the account change" });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? "", /Sam Agent will be deactivated/);
    assert.equal(await dialog.evaluate((element) => element.contains(document.activeElement)), true, "focus moved in");
    await assertAccessible(page, "confirmation dialog");
    await screenshots(page, "admin-user-confirm");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await saveAccount().click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal(writes.length, 0, "Escape and Cancel sent nothing");
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.is_active, true);

    await saveAccount().click();
    await dialog.getByRole("button", { name: "Yes, save the change" }).click();
    await account().getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.deepEqual(
      writes.map((write) => write.body),
      [{ is_active: false }],
    );
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.is_active, false);
  });

  it("asks before suspending and before changing a role", async () => {
    const writes = recordWrites(page);
    await openUser(agent.id);
    const dialog = page.getByRole("dialog", { name: "Confirm the account change" });
    await account().getByLabel("Role").selectOption("admin");
    await saveAccount().click();
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? "", /role changes from user to admin/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.equal(writes.length, 0);
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.role, "user");

    await account().getByLabel("Role").selectOption("user");
    await account().getByLabel("Account status").selectOption("suspended");
    await saveAccount().click();
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? "", /will be suspended/);
    await dialog.getByRole("button", { name: "Yes, save the change" }).click();
    await account().getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.deepEqual(
      writes.map((write) => write.body),
      [{ account_status: "suspended" }],
    );
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.account_status, "suspended");
  });

  it("a change made elsewhere meanwhile (412 on PUT) is said in both sections, not overwritten", async () => {
    await openUser(agent.id);
    await input(page, "Title").fill("Admin's title");
    // Someone else changes the title behind the page's back (a cookie write needs our Origin).
    const behind = await page.request.patch(`/api/v1/users/${agent.id}`, {
      headers: { origin: dashboard.baseUrl },
      data: { title: "Their title" },
    });
    assert.equal(behind.status(), 200);
    await account().getByLabel("Email verified").check();
    await saveAccount().click();
    await account().getByRole("alert").filter({ hasText: "changed elsewhere" }).waitFor();
    const conflict = page.getByRole("region", { name: "This profile was changed elsewhere" });
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? "", /Title: \(empty\) → Their title \(your edit: Admin's title\)/);
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.email_verified, false, "the PUT wrote nothing");

    await saveAccount().click(); // saving again is now a knowing choice
    await account().getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.getByRole("button", { name: "Keep my edits" }).click();
    await page.getByRole("form", { name: "Profile" }).getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const { body } = await apiGet(page, `/api/v1/users/${agent.id}`);
    assert.equal(body.email_verified, true);
    assert.equal(body.title, "Admin's title");
  });

  it("shows a taken email (409) at the email field", async () => {
    await openUser(agent.id);
    const email = account().getByLabel("Email", { exact: true });
    await email.fill(admin.email);
    await saveAccount().click();
    await account().getByRole("alert").waitFor();
    assert.equal(await email.getAttribute("aria-invalid"), "true");
    assert.match(
      await email.evaluate((element) =>
        (element.getAttribute("aria-describedby") ?? "")
          .split(" ")
          .map((id) => document.getElementById(id)?.textContent)
          .join(" "),
      ),
      /already used by another user/,
    );
    assert.equal(await email.evaluate((element) => element === document.activeElement), true);
    assert.equal((await apiGet(page, `/api/v1/users/${agent.id}`)).body.email, agent.email);
  });

  it("offers an admin no way to lock themself out on their own user", async () => {
    await openUser(admin.id);
    for (const label of ["Role", "Account status", "Active"]) {
      const control = account().getByLabel(label, { exact: true });
      assert.equal(await control.isDisabled(), true, `${label} is disabled`);
      const described = await control.evaluate((element) =>
        (element.getAttribute("aria-describedby") ?? "")
          .split(" ")
          .map((id) => document.getElementById(id)?.textContent)
          .join(" "),
      );
      assert.match(described, /own|yourself/, `${label} says why`);
    }
    await account()
      .getByText(/could lock you out of administration/)
      .waitFor();
    assert.equal(await account().getByLabel("Email verified").isEnabled(), true);
    assert.equal(await account().getByLabel("Email", { exact: true }).isEnabled(), true);
    await assertAccessible(page, "admin: own user");
    await screenshots(page, "admin-own-user");
  });

  it("says No such user for an id that does not exist", async () => {
    await signIn(page, admin, "/app/users/usr_does_not_exist");
    await page.getByRole("heading", { name: "No such user", level: 1 }).waitFor();
  });

  it("refuses an agent: the page says so and the API answers 404", async () => {
    await signIn(page, agent, `/app/users/${admin.id}`);
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    assert.equal(await page.getByRole("form", { name: "Account" }).count(), 0);
    const { status, body } = await apiGet(page, `/api/v1/users/${admin.id}`);
    assert.equal(status, 404);
    assert.equal(body.error.code, "user_not_found");
  });
});
