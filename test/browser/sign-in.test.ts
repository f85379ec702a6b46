import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, startDashboard } from "./support/dashboard.js";
import { assertClean, watchPage } from "./support/page-checks.js";
import { assertOnSignIn, signIn } from "./support/sign-in.js";

// Signing in and out of the dashboard in a real Chromium against a real server (contract §9).

describe("signing in and out", () => {
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

  it("signs in with email and password and shows the shell: who, sign-out, the navigation", async () => {
    const person = await createPerson(dashboard, { name: "Jane Agent" });
    const watch = watchPage(page, dashboard.baseUrl);
    await signIn(page, person);
    const header = page.getByRole("banner");
    await header.getByText("Jane Agent").waitFor();
    await header.getByText(person.email).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    assert.deepEqual(await nav.getByRole("link").allTextContents(), ["My profile", "History", "API keys", "Sessions"]);
    await page.getByRole("heading", { name: "My profile", level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/app/profile");
    assertClean(watch);
  });

  it("shows admins the Users and Webhooks pages too", async () => {
    const admin = await createPerson(dashboard, { role: "admin", name: "Ada Admin" });
    await signIn(page, admin);
    const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    assert.deepEqual(links, ["My profile", "History", "API keys", "Sessions", "Users", "Webhooks"]);
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/app/users");
  });

  it("says so on the page, in an alert, when the password is wrong, and stays signed out", async () => {
    const person = await createPerson(dashboard);
    await page.goto("/app/");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(`${person.password}-wrong`);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /wrong email or password/i);
    await assertOnSignIn(page);
    const me = await page.evaluate(async () => (await fetch("/api/v1/users/me")).status);
    assert.equal(me, 401, "no session was made");
  });

  it("tells the person at the field when a field is left empty", async () => {
    await page.goto("/app/");
    await page.getByRole("button", { name: "Sign in" }).click();
    const email = page.getByLabel("Email");
    assert.equal(await email.getAttribute("aria-invalid"), "true");
    const described = await email.getAttribute("aria-describedby");
    assert.ok(described);
    assert.match((await page.locator(`[id="${described.split(" ")[0]}"]`).textContent()) ?? "", /enter your email/i);
    assert.ok(await email.evaluate((element) => element === document.activeElement), "focus moves to the field");
  });

  it("signs out back to the sign-in page, and the session is gone on reload", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person);
    await page.getByRole("button", { name: "Sign out" }).click();
    await assertOnSignIn(page);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Sign in", "focus is not lost");
    await page.reload();
    await assertOnSignIn(page);
    const me = await page.evaluate(async () => (await fetch("/api/v1/users/me")).status);
    assert.equal(me, 401);
  });

  it("signs in with the keyboard alone: Tab, type, Enter", async () => {
    const person = await createPerson(dashboard);
    await page.goto("/app/");
    await page.getByLabel("Email").waitFor();
    const focusedLabel = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLInputElement | null;
        return active?.labels?.[0]?.textContent ?? active?.textContent ?? null;
      });
    await page.keyboard.press("Tab");
    assert.equal(await focusedLabel(), "Email");
    await page.keyboard.type(person.email);
    await page.keyboard.press("Tab");
    assert.equal(await focusedLabel(), "Password");
    await page.keyboard.type(person.password);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    // Focus went with the form: it lands on the new page's heading, where a keyboard user goes on from.
    assert.equal(await focusedLabel(), "My profile");
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedLabel(), "Sessions", "the navigation is just before the page");
  });

  it("keeps the session in an HttpOnly cookie only: nothing readable by scripts or kept in storage", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person);
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      local: Object.keys(localStorage).length,
      session: Object.keys(sessionStorage).length,
    }));
    assert.deepEqual(seen, { cookie: "", local: 0, session: 0 });
    const [cookie] = (await context.cookies()).filter((one) => one.name === "better-auth.session_token");
    assert.ok(cookie, "the session cookie is set");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
  });

  it("writes through /api/v1 with the cookie from the page's own origin (the browser sends Origin)", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person);
    const answer = await page.evaluate(async (id) => {
      const response = await fetch(`/api/v1/users/${id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-idempotency-key": crypto.randomUUID() },
        body: JSON.stringify({ title: "Signed in by cookie" }),
      });
      return { status: response.status, title: (await response.json()).title };
    }, person.id);
    assert.deepEqual(answer, { status: 200, title: "Signed in by cookie" });
  });

  it("works opened as http://localhost:PORT too (a second local origin)", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person, `http://localhost:${dashboard.port}/app/`);
    const status = await page.evaluate(
      async (id) =>
        (
          await fetch(`/api/v1/users/${id}`, {
            method: "PATCH",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ city: "Austin" }),
          })
        ).status,
      person.id,
    );
    assert.equal(status, 200);
  });

  it("opens a deep link after sign-in, keeps the session across reloads, and moves with back", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person, "/app/api-keys");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Sessions" }).click();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Sessions" }).getAttribute("aria-current"), "page");
    assert.ok(
      await page.getByRole("heading", { level: 1 }).evaluate((element) => element === document.activeElement),
      "focus moves to the new page's heading",
    );
    await page.goBack();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.goto("/app/no-such-page");
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
  });

  it("does not show admin pages to a person who is not an admin", async () => {
    const person = await createPerson(dashboard);
    await signIn(page, person, "/app/users/some-id");
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    // The lists say why instead (users.test.ts, webhooks.test.ts): the API refuses them (403).
    await page.goto("/app/users");
    await page.getByText("You may not see the user list").waitFor();
    await page.goto("/app/webhooks");
    await page.getByText("You may not see the webhooks").waitFor();
  });
});
