import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { PROFILE_FIELD_GROUPS, PROFILE_FIELDS } from "../../client/index.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, type Person, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import {
  apiGet,
  descriptionOf,
  historyOf,
  input,
  openMyProfile,
  recordWrites,
  saveProfile,
  summary,
  waitEditable,
} from "./support/profile-page.js";
import { signIn } from "./support/sign-in.js";

// My profile (contract §9) in a real Chromium against a real server and Better Auth: what a
// person sees, what the page sends, and what the API then holds.

const TYPES = { text: "text", us_state: "text", email: "email", url: "url", phone: "tel", date: "date" } as const;

describe("My profile", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let person: Person;

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
    person = await createPerson(dashboard, { name: "Jane Agent" });
    await signIn(page, person, "/app/profile");
    await waitEditable(page);
  });
  afterEach(() => context.close());

  it("shows every profile field, labelled, in its group, with its input type and length limit", async () => {
    const form = page.getByRole("form", { name: "Profile" });
    for (const group of PROFILE_FIELD_GROUPS) {
      const fieldset = form.getByRole("group", { name: group.label, exact: true });
      for (const spec of PROFILE_FIELDS.filter((field) => field.group === group.id)) {
        const control = fieldset.getByLabel(spec.label, { exact: true });
        assert.equal(await control.count(), 1, `${spec.label} in ${group.label}`);
        const tag = await control.evaluate((element) => element.tagName.toLowerCase());
        if (spec.multiline) assert.equal(tag, "textarea", spec.label);
        else assert.equal(await control.getAttribute("type"), TYPES[spec.kind], spec.label);
        if (spec.maxLength) assert.equal(await control.getAttribute("maxlength"), String(spec.maxLength), spec.label);
      }
    }
    assert.equal(await form.locator("input, textarea").count(), PROFILE_FIELDS.length);
    assert.equal(await input(page, "Name").inputValue(), "Jane Agent");
    assert.equal(await input(page, "Cell phone").count(), 1);
    assert.equal(await input(page, "Website URL").count(), 1);
  });

  it("enables Save only after a change, sends only the changed fields with If-Match and a key, and the history holds exactly that", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    const writes = recordWrites(page);
    const save = page.getByRole("button", { name: "Save", exact: true });
    assert.equal(await save.isDisabled(), true, "Save before any change");
    await input(page, "Title").fill("Senior Agent");
    assert.equal(await save.isEnabled(), true);
    await input(page, "Title").fill("");
    assert.equal(await save.isDisabled(), true, "Save once the edit is undone");

    const { etag } = await apiGet(page, "/api/v1/users/me");
    await input(page, "Display name").fill("Jane A.");
    await input(page, "Title").fill("Senior Agent");
    await saveProfile(page);
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]?.body, { display_name: "Jane A.", title: "Senior Agent" });
    assert.equal(writes[0]?.method, "PATCH");
    assert.equal(writes[0]?.path, `/api/v1/users/${person.id}`);
    assert.equal(writes[0]?.ifMatch, etag);
    assert.match(writes[0]?.idempotencyKey ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(await save.isDisabled(), true, "Save after saving");
    let history = await historyOf(page, person.id);
    assert.equal(history.length, 1);
    assert.deepEqual(history[0]?.changes, {
      display_name: { from: null, to: "Jane A." },
      title: { from: null, to: "Senior Agent" },
    });

    // Clearing a field sends null for it alone, with the new ETag and a new key.
    await input(page, "Title").fill("");
    await saveProfile(page);
    assert.deepEqual(writes[1]?.body, { title: null });
    assert.notEqual(writes[1]?.ifMatch, writes[0]?.ifMatch);
    assert.notEqual(writes[1]?.idempotencyKey, writes[0]?.idempotencyKey);
    history = await historyOf(page, person.id);
    assert.deepEqual(history[0]?.changes, { title: { from: "Senior Agent", to: null } });
    assert.equal((await apiGet(page, "/api/v1/users/me")).body.title, null);
    assertClean(watch);
  });

  it("shows every field error of the API at its field at once, in words, and focuses the first", async () => {
    await input(page, "Display email").fill("not-an-email");
    await input(page, "Cell phone").fill("12");
    await input(page, "Website URL").fill("nope");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "3 fields need attention" }).waitFor();
    for (const [label, words] of [
      ["Display email", /Display email must be an email address/],
      ["Cell phone", /Cell phone must be a phone number/],
      ["Website URL", /Website URL must be an absolute http\(s\) URL/],
    ] as const) {
      assert.equal(await input(page, label).getAttribute("aria-invalid"), "true", label);
      assert.match(await descriptionOf(page, label), words);
    }
    assert.equal(await input(page, "Name").getAttribute("aria-invalid"), null);
    assert.equal(await input(page, "Display email").evaluate((element) => element === document.activeElement), true);
    assert.equal((await historyOf(page, person.id)).length, 0, "nothing written");
    await assertAccessible(page, "profile with field errors");
    await screenshots(page, "profile-field-errors");

    // Fixing one field clears its error only.
    await input(page, "Cell phone").fill("+1-555-0123");
    assert.equal(await input(page, "Cell phone").getAttribute("aria-invalid"), null);
    assert.equal(await input(page, "Website URL").getAttribute("aria-invalid"), "true");
  });

  it("two tabs: the second save shows the conflict; Keep my edits saves on top, nothing is lost", async () => {
    const other = await context.newPage();
    await openMyProfile(other);
    await input(page, "Title").fill("From tab one");
    await saveProfile(page);

    const writes = recordWrites(other);
    await input(other, "Tagline").fill("From tab two");
    await other.getByRole("button", { name: "Save", exact: true }).click();
    const conflict = other.getByRole("region", { name: "This profile was changed elsewhere" });
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? "", /Title: \(empty\) → From tab one/);
    assert.match((await conflict.textContent()) ?? "", /Tagline: From tab two/);
    assert.equal(await input(other, "Title").inputValue(), "From tab one", "untouched fields take the new value");
    assert.equal(await input(other, "Tagline").inputValue(), "From tab two", "the edit is kept on screen");
    await assertAccessible(other, "profile conflict");
    await screenshots(other, "profile-conflict");

    await other.getByRole("button", { name: "Keep my edits" }).click();
    await other.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.equal(writes.length, 2);
    assert.deepEqual(writes[1]?.body, { tagline: "From tab two" });
    assert.notEqual(writes[1]?.ifMatch, writes[0]?.ifMatch, "the re-based save carries the new ETag");
    const { body } = await apiGet(page, "/api/v1/users/me");
    assert.equal(body.title, "From tab one");
    assert.equal(body.tagline, "From tab two");
    assert.equal((await historyOf(page, person.id)).length, 2);
  });

  it("two tabs: Take the new values drops the second tab's edits and writes nothing", async () => {
    const other = await context.newPage();
    await openMyProfile(other);
    await input(page, "Title").fill("Team lead");
    await saveProfile(page);

    await input(other, "Title").fill("Something else");
    await other.getByRole("button", { name: "Save", exact: true }).click();
    const conflict = other.getByRole("region", { name: "This profile was changed elsewhere" });
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? "", /Title: \(empty\) → Team lead \(your edit: Something else\)/);
    await other.getByRole("button", { name: "Take the new values" }).click();
    assert.equal(await conflict.count(), 0);
    assert.equal(await input(other, "Title").inputValue(), "Team lead");
    assert.equal(await other.getByRole("button", { name: "Save", exact: true }).isDisabled(), true);
    assert.equal((await apiGet(page, "/api/v1/users/me")).body.title, "Team lead");
    assert.equal((await historyOf(page, person.id)).length, 1);
  });

  it("a network failure during save is told plainly; Try again succeeds with the same key, once", async () => {
    const writes = recordWrites(page);
    let aborted = 0;
    await page.route("**/api/v1/users/**", (route) => {
      if (route.request().method() !== "PATCH") return route.continue();
      aborted++;
      return route.abort("connectionreset");
    });
    await input(page, "Office name").fill("Downtown");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Not saved: the server could not be reached" });
    await alert.waitFor();
    assert.ok(aborted >= 3, `the client retried by itself first (${aborted} attempts)`);
    assert.equal(await input(page, "Office name").inputValue(), "Downtown", "the edit is still there");
    await screenshots(page, "profile-network-failure");

    await page.unroute("**/api/v1/users/**");
    await alert.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const keys = new Set(writes.map((write) => write.idempotencyKey));
    assert.equal(keys.size, 1, "one idempotency key on every attempt");
    assert.equal(writes.length, aborted + 1);
    const history = await historyOf(page, person.id);
    assert.equal(history.length, 1);
    assert.deepEqual(history[0]?.changes, { office_name: { from: null, to: "Downtown" } });
  });

  it("asks before leaving with unsaved edits, and not right after a save", async () => {
    const asked: string[] = [];
    page.on("dialog", (dialog) => {
      asked.push(dialog.message());
      void (asked.length === 1 ? dialog.dismiss() : dialog.accept());
    });
    const history = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" });
    await input(page, "City").fill("Austin");
    await history.click();
    assert.equal(asked.length, 1);
    assert.match(asked[0] ?? "", /unsaved changes/);
    assert.equal(new URL(page.url()).pathname, "/app/profile", "stayed");
    assert.equal(await input(page, "City").inputValue(), "Austin");

    await saveProfile(page);
    await history.click();
    await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
    assert.equal(asked.length, 1, "no question right after a save");

    await page.getByRole("link", { name: "My profile" }).click();
    await waitEditable(page);
    await input(page, "City").fill("Dallas");
    await history.click();
    await page.getByRole("heading", { name: "History", level: 1 }).waitFor();
    assert.equal(asked.length, 2, "asked, and leaving when the person says so");
  });

  it("a save after the session ended shows the sign-in page, saying why", async () => {
    const other = await context.newPage();
    await openMyProfile(other);
    await other.getByRole("button", { name: "Sign out" }).click(); // ends the session both tabs share
    await input(page, "City").fill("Houston");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await page.getByText("Your session has ended").waitFor();
  });

  it("can be edited and saved with the keyboard alone", async () => {
    await page.getByRole("heading", { name: "My profile", level: 1 }).focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("name") ?? "");
    for (let presses = 0; (await focused()) !== "title"; presses++) {
      assert.ok(presses < 30, "Tab reaches the Title field");
      await page.keyboard.press("Tab");
    }
    await page.keyboard.type("Broker");
    await page.keyboard.press("Enter"); // Enter in a text field submits the form
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.equal((await apiGet(page, "/api/v1/users/me")).body.title, "Broker");

    // From the last field, Tab reaches Save; Space presses it.
    await input(page, "State").focus();
    await page.keyboard.type("TX");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Save");
    await page.keyboard.press("Space");
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.equal((await apiGet(page, "/api/v1/users/me")).body.state, "TX");
  });

  it("passes the accessibility scan and is photographed at desktop and phone widths", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    await page.reload();
    await waitEditable(page);
    await assertAccessible(page, "My profile");
    await screenshots(page, "profile");
    await input(page, "Bio").fill("Twenty years in Austin real estate.\nAsk me anything.");
    await saveProfile(page);
    await assertAccessible(page, "My profile, saved");
    await screenshots(page, "profile-saved");
    assertClean(watch);
  });

  it("time from navigation to an editable profile: median of 10 fresh visits", async (t) => {
    const state = await context.storageState();
    const times: number[] = [];
    for (let visit = 0; visit < 10; visit++) {
      const fresh = await browser.newContext({ baseURL: dashboard.baseUrl, storageState: state });
      const visitor = await fresh.newPage();
      const started = performance.now();
      await visitor.goto("/app/profile");
      await waitEditable(visitor);
      times.push(performance.now() - started);
      await fresh.close();
    }
    const { median, min, max } = summary(times);
    t.diagnostic(
      `time to an editable profile: median ${median.toFixed(0)} ms, range ${min.toFixed(0)}–${max.toFixed(0)} ms`,
    );
    assert.ok(median < 3000, `median ${median} ms`);
  });
});
