import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { refusedAddressReason, systemResolver } from "../src/webhooks/address-guard.js";
import { WebhookSender } from "../src/webhooks/webhook-http.js";
import { eventually } from "./support/eventually.js";
import { errorOf, makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";
import { type Receiver, startReceiver, WEBHOOK_TEST_ENV } from "./support/webhook-receiver.js";

// Every address that must never be connected to, each with why.
const REFUSED = [
  ["127.0.0.1", "loopback"],
  ["127.255.0.9", "loopback"],
  ["10.1.2.3", "RFC 1918"],
  ["172.16.0.1", "RFC 1918"],
  ["192.168.1.1", "RFC 1918"],
  ["169.254.169.254", "link-local (cloud metadata)"],
  ["100.64.0.1", "CGNAT"],
  ["0.0.0.0", "0.0.0.0/8"],
  ["0.1.2.3", "0.0.0.0/8"],
  ["255.255.255.255", "broadcast"],
  ["224.0.0.1", "multicast"],
  ["::1", "IPv6 loopback"],
  ["::", "unspecified"],
  ["fc00::1", "unique-local"],
  ["fd12:3456::1", "unique-local"],
  ["fe80::1", "IPv6 link-local"],
  ["ff02::1", "IPv6 multicast"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ["::ffff:169.254.169.254", "IPv4-mapped metadata"],
  ["::ffff:8.8.8.8", "IPv4-mapped (even a public one: the socket would reach IPv4)"],
  ["2002:7f00:1::1", "6to4 of 127.0.0.1"],
  ["64:ff9b::7f00:1", "NAT64 of 127.0.0.1"],
  ["2001:0::1", "Teredo"],
] as const;

describe("SSRF: the address guard", () => {
  it("refuses every non-public address and passes public ones", () => {
    for (const [address, why] of REFUSED)
      assert.ok(refusedAddressReason(address), `${address} (${why}) must be refused`);
    for (const address of ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"]) {
      assert.equal(refusedAddressReason(address), null, address);
    }
  });

  it("at connect time: literal private addresses and names resolving to loopback fail; nothing reaches the receiver", async () => {
    let hits = 0;
    const server = createServer((_request, response) => {
      hits++;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const sender = new WebhookSender({ timeoutMs: 2000, allowPrivate: false, resolve: systemResolver });
    try {
      for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]", "localhost", "[::1]"]) {
        const result = await sender.send(`http://${host}:${port}/hook`, {}, "{}");
        assert.equal(result.status, null, host);
        assert.match(String(result.error), /^refused: /, `${host}: ${result.error}`);
      }
      assert.equal(hits, 0, "the guard refused before connecting");
    } finally {
      await sender.close();
      server.close();
    }
  });

  it("reads at most a few KB of a receiver's answer", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200);
      // 8 MB that nobody should wait for.
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const pump = () => {
        while (sent < 128 && response.write(chunk)) sent++;
        if (sent < 128) response.once("drain", pump);
        else response.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const sender = new WebhookSender({ timeoutMs: 5000, allowPrivate: true, resolve: systemResolver });
    try {
      const result = await sender.send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {}, "{}");
      assert.equal(result.status, 200);
      assert.equal(result.error, null);
    } finally {
      await sender.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("SSRF: registration and delivery", () => {
  let t: TestApp;
  let receiver: Receiver;
  // A name that is public when registered and loopback afterwards (DNS rebinding).
  let rebindLookups = 0;
  before(async () => {
    receiver = await startReceiver();
    t = await startTestApp(
      { WEBHOOK_POLL_MS: "20", WEBHOOK_TIMEOUT_MS: "2000", WEBHOOK_RETRY_SCHEDULE: "0.1", WEBHOOK_ALLOW_HTTP: "true" },
      {
        webhookResolver: async (hostname) => {
          if (hostname === "rebind.test") {
            return [{ address: rebindLookups++ === 0 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
          }
          return systemResolver(hostname);
        },
      },
    );
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  it("registration refuses every non-public address with 422 webhook_url_not_allowed, and names resolving to one", async () => {
    const admin = await makeUser(t, "admin");
    const register = (url: string) => send(t, "POST", "/api/v1/webhooks/endpoints", { url }, { key: admin.key });
    const hosts = [...REFUSED.map(([address]) => (address.includes(":") ? `[${address}]` : address)), "localhost"];
    for (const host of hosts) {
      const refused = await register(`https://${host}/hook`);
      assert.equal(refused.statusCode, 422, `${host}: ${refused.body}`);
      const error = errorOf(refused);
      assert.equal(error.code, "webhook_url_not_allowed", host);
      assert.equal(error.details.field, "url");
      assert.match(error.message, /not allowed/);
    }
    for (const url of ["ftp://example.com/", "not a url", "https://user:pw@example.com/"]) {
      assert.equal(errorOf(await register(url)).code, "webhook_url_not_allowed", url);
    }
  });

  it("https is required unless WEBHOOK_ALLOW_HTTP", async () => {
    const strict = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: "true" });
    try {
      const admin = await makeUser(strict, "admin");
      const refused = await send(
        strict,
        "POST",
        "/api/v1/webhooks/endpoints",
        { url: receiver.url },
        { key: admin.key },
      );
      assert.equal(errorOf(refused).code, "webhook_url_not_allowed");
      assert.match(errorOf(refused).message, /https/);
    } finally {
      await strict.close();
    }
  });

  it("DNS rebinding: a name public at registration and loopback at delivery is refused at connect", async () => {
    const admin = await makeUser(t, "admin");
    const port = new URL(receiver.url).port;
    const created = await send(
      t,
      "POST",
      "/api/v1/webhooks/endpoints",
      { url: `http://rebind.test:${port}/hook`, event_types: ["user.updated"] },
      { key: admin.key },
    );
    assert.equal(created.statusCode, 201, created.body);
    const agent = await makeUser(t);
    await patchUser(t, agent.id, { title: "rebind" }, { key: agent.key });
    const deliveries = async () =>
      (
        await send(t, "GET", `/api/v1/webhooks/endpoints/${created.json().id}/deliveries`, undefined, {
          key: admin.key,
        })
      ).json().data as Array<{ status: string; last_error: string | null; attempts: number }>;
    // Two refused attempts (schedule 0.1): dead.
    const [delivery] = await eventually(deliveries, ([first]) => first?.status === "dead", "the delivery to be dead");
    assert.equal(delivery?.attempts, 2);
    assert.match(String(delivery?.last_error), /^refused: rebind\.test resolves to a non-public address/);
    assert.equal(receiver.received.length, 0, "nothing reached the loopback receiver");
  });
});

describe("SSRF: redirects are never followed", () => {
  it("a 302 to a private address is a failed attempt; its target receives nothing", async () => {
    const target = await startReceiver();
    const redirector = await startReceiver(() => ({ status: 302, headers: { location: target.url } }));
    const t = await startTestApp({ ...WEBHOOK_TEST_ENV, WEBHOOK_RETRY_SCHEDULE: "0.1" });
    try {
      const admin = await makeUser(t, "admin");
      const created = await send(t, "POST", "/api/v1/webhooks/endpoints", { url: redirector.url }, { key: admin.key });
      const tested = await send(t, "POST", `/api/v1/webhooks/endpoints/${created.json().id}/test`, undefined, {
        key: admin.key,
      });
      assert.equal(tested.json().ok, false);
      assert.equal(tested.json().status, 302);
      assert.match(tested.json().error, /redirect \(302\) not followed/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(target.received.length, 0);
    } finally {
      await t.close();
      await target.close();
      await redirector.close();
    }
  });
});
