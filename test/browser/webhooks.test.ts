import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "../support/webhook-receiver.js";
import { apiKeyFor, callApi, mustCall } from "./support/api.js";
import { launchChromium, newVisitor } from "./support/chromium.js";
import { createPerson, type Dashboard, type Person, startDashboard } from "./support/dashboard.js";
import { assertAccessible, assertClean, screenshots, watchPage } from "./support/page-checks.js";
import { signIn } from "./support/sign-in.js";

// The admin Webhooks page (contract §9, §10): endpoints (add with the secret shown once, enable or
// disable, delete), their deliveries, redeliver, and send test; against a real loopback receiver.

describe("webhooks page (admins)", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let receiver: Receiver;
  let context: BrowserContext;
  let page: Page;
  let admin: Person;

  before(async () => {
    receiver = await startReceiver();
    [browser, dashboard] = await Promise.all([
      launchChromium(),
      startDashboard({ SHUTDOWN_DRAIN_MS: "0", ...WEBHOOK_TEST_ENV }),
    ]);
    admin = await createPerson(dashboard, { role: "admin", name: "Ada Admin" });
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    context = await newVisitor(browser, dashboard.baseUrl);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: dashboard.baseUrl });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  const endpoints = () => page.getByRole("list", { name: "Endpoints" }).locator(":scope > li");
  const endpoint = (url: string) => endpoints().filter({ has: page.getByRole("heading", { name: url, exact: true }) });

  async function openWebhooks(): Promise<void> {
    await signIn(page, admin, "/app/profile");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await page.getByLabel("Endpoint URL").waitFor();
  }

  async function addEndpoint(url: string, description: string, types: string[]): Promise<string> {
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description").fill(description);
    for (const type of types) await page.getByRole("checkbox", { name: new RegExp(`^${type}`) }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = await page.getByLabel("New signing secret").inputValue();
    assert.match(secret, /^whsec_/);
    return secret;
  }

  it("adds an endpoint (secret shown once), sends a test, lists its deliveries, and redelivers", async () => {
    const watch = watchPage(page, dashboard.baseUrl);
    await openWebhooks();
    await page.getByText("No endpoints yet.").waitFor();
    const url = `${receiver.url}/crm`;
    const secret = await addEndpoint(url, "CRM sync", ["user.updated"]);
    await page.getByRole("button", { name: "Copy signing secret" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await assertAccessible(page, "webhooks, new secret");
    await screenshots(page, "webhooks-new-secret");
    await page.getByRole("button", { name: "I have saved it" }).click();
    assert.ok(!(await page.content()).includes(secret), "the secret is gone from the page");

    const item = endpoint(url);
    await item.waitFor();
    assert.match((await item.textContent()) ?? "", /CRM sync.*user\.updated.*Enabled/);

    await item.getByRole("button", { name: "Send test to CRM sync" }).click();
    await item.getByText(/The receiver answered 200 in \d+ ms\./).waitFor();
    assert.ok(receiver.received.some((got) => got.body.event_type === "webhook.test" && got.raw.length > 0));

    // A real change of a user is delivered too.
    const agent = await createPerson(dashboard);
    await mustCall(dashboard, await apiKeyFor(dashboard, agent), "PATCH", `/api/v1/users/${agent.id}`, {
      title: "Broker",
    });
    await receiver.waitFor((got) => got.some((one) => one.body.event_type === "user.updated"));

    await item.getByRole("button", { name: "Deliveries of CRM sync" }).click();
    const deliveries = item.getByRole("list", { name: "Deliveries, newest first" }).locator(":scope > li");
    await deliveries.first().waitFor();
    const texts = await deliveries.allTextContents();
    assert.equal(texts.length, 2);
    assert.match(texts[0] ?? "", /user\.updated.*succeeded.*Attempts1.*Last response200/);
    assert.match(texts[1] ?? "", /webhook\.test.*succeeded/);

    const before = receiver.received.length;
    await deliveries
      .first()
      .getByRole("button", { name: /^Redeliver user\.updated/ })
      .click();
    await receiver.waitFor((got) => got.length > before, 10_000, "the redelivery");
    assert.equal(receiver.received.at(-1)?.body.event_type, "user.updated");
    await assertAccessible(page, "webhooks, deliveries");
    await screenshots(page, "webhooks-deliveries");
    assertClean(watch);
  });

  it("shows a failing receiver's status, disables and enables, and deletes with a confirmation", async () => {
    const failing = await startReceiver(() => ({ status: 500 }));
    try {
      await openWebhooks();
      const url = `${failing.url}/broken`;
      await addEndpoint(url, "Broken one", []);
      await page.getByRole("button", { name: "I have saved it" }).click();
      const item = endpoint(url);
      await item.waitFor();
      // None checked: every type (the server lists them all).
      assert.match(
        (await item.textContent()) ?? "",
        /user\.signed_up, user\.updated, user\.deactivated, user\.reactivated/,
      );

      await item.getByRole("button", { name: "Send test to Broken one" }).click();
      await item.getByText(/The receiver answered 500 in \d+ ms\./).waitFor();

      await item.getByRole("button", { name: "Disable Broken one" }).click();
      await item.getByText("Disabled", { exact: true }).waitFor();
      await item.getByRole("button", { name: "Enable Broken one" }).click();
      await item.getByText("Enabled", { exact: true }).waitFor();

      const key = await apiKeyFor(dashboard, admin);
      const listed = (await mustCall(dashboard, key, "GET", "/api/v1/webhooks/endpoints")) as {
        data: { id: string; url: string }[];
      };
      const id = listed.data.find((one) => one.url === url)?.id;
      assert.ok(id);

      await item.getByRole("button", { name: "Delete Broken one" }).click();
      await item.getByRole("button", { name: "Keep it" }).click();
      assert.equal((await callApi(dashboard, key, "GET", `/api/v1/webhooks/endpoints/${id}`)).status, 200);
      await item.getByRole("button", { name: "Delete Broken one" }).click();
      await item.getByRole("button", { name: "Yes, delete it" }).click();
      await item.waitFor({ state: "detached" });
      assert.equal((await callApi(dashboard, key, "GET", `/api/v1/webhooks/endpoints/${id}`)).status, 404);
      await screenshots(page, "webhooks-list");
    } finally {
      await failing.close();
    }
  });

  it("says at the field when the URL is refused", async () => {
    await openWebhooks();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const field = page.getByLabel("Endpoint URL");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    await page.getByText("Enter the endpoint's full URL").waitFor();
    await field.fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("Enter the endpoint's full URL").waitFor();
    await assertAccessible(page, "webhooks, form error");
  });

  it("keeps an agent out: no navigation entry, refused on the page, and 403 from the API", async () => {
    const agent = await createPerson(dashboard);
    await signIn(page, agent, "/app/webhooks");
    const nav = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    assert.ok(!nav.includes("Webhooks"));
    await page.getByText("You may not see the webhooks: they are for administrators only.").waitFor();
    assert.equal(await page.getByLabel("Endpoint URL").count(), 0);
    const answer = await callApi(dashboard, await apiKeyFor(dashboard, agent), "GET", "/api/v1/webhooks/endpoints");
    assert.equal(answer.status, 403);
  });
});
