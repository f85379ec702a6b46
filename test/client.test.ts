import assert from "node:assert/strict";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type HistoryEntry,
  metaOf,
  ValaraClient,
  ValaraError,
  ValaraNetworkError,
  ValaraTimeoutError,
} from "../client/index.js";
import { createUser } from "../src/cli/users.commands.js";
import { MemoryRateLimitStore } from "../src/rate-limit/memory-store.js";
import { freePort } from "./support/free-port.js";
import { makeUser, startTestApp, type TestApp, type TestUser } from "./support/harness.js";

// The typed client against the real server over real HTTP (CONTRACT §11): every method, paging,
// retries with one idempotency key, errors, aborts.

/**
 * A real app listening on a loopback port, configured with that port (PORT), so that its own
 * origin, the one Better Auth trusts for sign-in, is the one the client calls.
 */
async function startListening(
  env: Record<string, string> = {},
  options: Parameters<typeof startTestApp>[1] = {},
): Promise<{ t: TestApp; baseUrl: string }> {
  const port = await freePort();
  const t = await startTestApp({ PORT: String(port), ...env }, options);
  return { t, baseUrl: await t.app.listen({ port, host: "127.0.0.1" }) };
}

const clientOf = (
  baseUrl: string,
  user: TestUser,
  extra: Partial<ConstructorParameters<typeof ValaraClient>[0]> = {},
) => new ValaraClient({ baseUrl, apiKey: user.key, ...extra });

async function historyOf(client: ValaraClient, id: string): Promise<HistoryEntry[]> {
  return client.users.history(id).toArray();
}

describe("the typed client over real HTTP", () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: TestUser;
  before(async () => {
    ({ t, baseUrl } = await startListening());
    admin = await makeUser(t, "admin", "Ada Admin");
  });
  after(() => t.close());

  it("users.me, get, update and replace, with the ETag, request id and replay flag of each result", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    const me = await valara.users.me();
    assert.equal(me.id, agent.id);
    assert.match(metaOf(me).etag ?? "", /^"/);
    assert.match(metaOf(me).requestId ?? "", /^req_/);
    const same = await valara.users.get(me.id);
    assert.equal(metaOf(same).etag, metaOf(me).etag);

    const updated = await valara.users.update(me.id, { display_name: "John D." }, { ifMatch: metaOf(me).etag });
    assert.equal(updated.display_name, "John D.");
    assert.notEqual(metaOf(updated).etag, metaOf(me).etag);
    assert.equal(metaOf(updated).replayed, false);
    assert.equal(metaOf(updated).attempts, 1);

    const replaced = await clientOf(baseUrl, admin).users.replace(me.id, { title: "Broker", is_active: true });
    assert.equal(replaced.title, "Broker");
    assert.equal(replaced.display_name, "John D.", "PUT merges");
  });

  it("the same idempotency key again replays the first answer and changes nothing", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    const first = await valara.users.update(agent.id, { city: "Austin" }, { idempotencyKey: "client-replay-1" });
    const again = await valara.users.update(agent.id, { city: "Austin" }, { idempotencyKey: "client-replay-1" });
    assert.equal(metaOf(again).replayed, true);
    assert.equal(metaOf(again).requestId, metaOf(first).requestId, "the first request's id");
    assert.equal((await historyOf(valara, agent.id)).length, 1);
  });

  it("404, 412 and 422 are ValaraErrors with their code, message, request id and details", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    const notFound = await clientOf(baseUrl, admin)
      .users.get("no-such-user")
      .catch((error: unknown) => error);
    assert.ok(notFound instanceof ValaraError);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.code, "user_not_found");
    assert.match(notFound.requestId ?? "", /^req_/);

    const stale = await valara.users
      .update(agent.id, { title: "x" }, { ifMatch: '"stale"' })
      .catch((error: unknown) => error);
    assert.ok(stale instanceof ValaraError);
    assert.equal(stale.status, 412);
    assert.equal(stale.code, "precondition_failed");
    assert.match(stale.requestId ?? "", /^req_/);

    const invalid = await valara.users
      .update(agent.id, { website_url: "not a url", phone: "12" })
      .catch((error: unknown) => error);
    assert.ok(invalid instanceof ValaraError);
    assert.equal(invalid.code, "validation_failed");
    assert.match(invalid.requestId ?? "", /^req_/);
    assert.notEqual(invalid.requestId, stale.requestId, "each error names its own request");
    assert.deepEqual(invalid.fieldErrors.map((error) => error.field).sort(), ["phone", "website_url"]);
    assert.ok(invalid.message.length > 0);
  });

  it("a 409 email_taken is not retried: it would answer the same", async () => {
    const agent = await makeUser(t);
    const other = await makeUser(t);
    const error = await clientOf(baseUrl, admin)
      .users.replace(agent.id, { email: other.user.email })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof ValaraError);
    assert.equal(error.code, "email_taken");
  });

  it("users.list iterates every page (≥ 3) with the filters kept", async () => {
    for (let i = 0; i < 5; i++) await makeUser(t, "user", `Listed ${i}`);
    const valara = clientOf(baseUrl, admin);
    const pages = [];
    for await (const page of valara.users.list({ role: "user", limit: 2 }).pages()) pages.push(page);
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    assert.match(metaOf(pages[0] as object).requestId ?? "", /^req_/);
    const users = await valara.users.list({ role: "user", limit: 2 }).toArray();
    assert.equal(users.length, pages.flatMap((page) => page.data).length);
    assert.ok(users.every((user) => user.role === "user"));
    assert.equal(new Set(users.map((user) => user.id)).size, users.length, "no user twice");
  });

  it("users.history iterates newest first across pages", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    for (let i = 1; i <= 5; i++) await valara.users.update(agent.id, { tagline: `Take ${i}` });
    const entries = [];
    for await (const entry of valara.users.history(agent.id, { limit: 2 })) entries.push(entry);
    assert.deepEqual(
      entries.map((entry) => entry.changes.tagline?.to),
      ["Take 5", "Take 4", "Take 3", "Take 2", "Take 1"],
    );
  });

  it("signs in from Node with email and password, and manages its sessions and API keys", async () => {
    const email = `client-${Date.now()}@example.com`;
    await createUser(t.services, { email, name: "Signed In", password: "a-long-password-1" });
    const valara = await ValaraClient.signIn({ baseUrl, email, password: "a-long-password-1" });
    const me = await valara.users.me();
    assert.equal(me.email, email);
    const session = await valara.auth.getSession();
    assert.equal(session?.user.email, email);
    assert.ok((await valara.auth.listSessions()).length >= 1);

    const created = await valara.auth.apiKeys.create({ name: "ci", expiresIn: 86_400 * 30 });
    assert.match(created.key, /^vk_/);
    const withKey = new ValaraClient({ baseUrl, apiKey: created.key });
    assert.equal((await withKey.users.me()).id, me.id);
    assert.deepEqual(
      (await valara.auth.apiKeys.list()).map((key) => key.id),
      [created.id],
    );
    assert.equal((await valara.auth.apiKeys.get(created.id)).name, "ci");
    assert.equal((await valara.auth.apiKeys.update({ keyId: created.id, name: "renamed" })).name, "renamed");
    await valara.auth.apiKeys.delete(created.id);
    await assert.rejects(withKey.users.me(), (error: unknown) => error instanceof ValaraError && error.status === 401);

    await valara.auth.revokeOtherSessions();
    await valara.auth.signOut();
    await assert.rejects(valara.users.me(), (error: unknown) => error instanceof ValaraError && error.status === 401);
  });

  it("a wrong password is a ValaraError 401, not a session", async () => {
    const email = `client-wrong-${Date.now()}@example.com`;
    await createUser(t.services, { email, name: "Wrong", password: "a-long-password-1" });
    const error = await ValaraClient.signIn({ baseUrl, email, password: "not-the-password" }).catch((e) => e);
    assert.ok(error instanceof ValaraError);
    assert.equal(error.status, 401);
  });
});

describe("the typed client: retries", () => {
  // A window of 1.5 s instead of 60: Retry-After is 1–2 s, so the retry is seen in the test.
  let t: TestApp;
  let baseUrl: string;
  before(async () => {
    ({ t, baseUrl } = await startListening(
      { RATE_LIMIT_WRITE: "1" },
      { rateLimitStore: new MemoryRateLimitStore({ windowMs: 1_500, sweepIntervalMs: 0 }) },
    ));
  });
  after(() => t.close());

  it("a 429 is retried after Retry-After with the same key: the change is made once", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    await valara.users.update(agent.id, { city: "Austin" }); // the window's one write
    const started = Date.now();
    const user = await valara.users.update(agent.id, { title: "After the wait" });
    assert.equal(user.title, "After the wait");
    assert.equal(metaOf(user).attempts, 2, "one 429, then the retry");
    assert.ok(Date.now() - started >= 900, "it waited as Retry-After said");
    const history = await clientOf(baseUrl, agent, { retries: 0 })
      .users.history(agent.id)
      .toArray()
      .catch(() => []);
    assert.equal(history.filter((entry) => entry.changes.title).length, 1, "the title changed once");
  });

  it("an abort during the wait stops it at once", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent);
    await valara.users.update(agent.id, { city: "Boston" });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    const error = await valara.users
      .update(agent.id, { title: "Never" }, { signal: controller.signal })
      .catch((e) => e);
    assert.equal((error as Error).name, "AbortError");
    assert.ok(Date.now() - started < 900, `stopped after ${Date.now() - started} ms, not after the wait`);
    assert.equal(
      (await t.services.database.db.selectFrom("user").select("title").where("id", "=", agent.id).executeTakeFirst())
        ?.title,
      null,
    );
  });

  it("a Retry-After longer than maxRetryWaitMs is not waited for: the 429 comes back with retryAfter", async () => {
    const agent = await makeUser(t);
    const valara = clientOf(baseUrl, agent, { maxRetryWaitMs: 100 });
    await valara.users.update(agent.id, { city: "Denver" });
    const error = await valara.users.update(agent.id, { title: "Later" }).catch((e) => e);
    assert.ok(error instanceof ValaraError);
    assert.equal(error.code, "rate_limit_exceeded");
    assert.ok((error.retryAfter ?? 0) >= 1);
  });
});

/**
 * A TCP proxy to `target` that cuts the first connection as soon as the server starts to answer
 * (the change is committed by then; the client never sees the answer), and passes the others.
 */
async function cuttingProxy(target: URL): Promise<{ url: string; connections: () => number; close(): void }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const cut = count++ === 0;
    const upstream = tcpConnect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.on("data", (chunk) => {
      if (cut) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe("the typed client: a connection cut after the server committed", () => {
  let t: TestApp;
  let baseUrl: string;
  before(async () => {
    ({ t, baseUrl } = await startListening());
  });
  after(() => t.close());

  it("the retry carries the same key: the answer is a replay, and the change is recorded once", async () => {
    const agent = await makeUser(t);
    const proxy = await cuttingProxy(new URL(baseUrl));
    try {
      const valara = clientOf(proxy.url, agent);
      const user = await valara.users.update(agent.id, { bio: "Cut once" });
      assert.equal(user.bio, "Cut once");
      assert.equal(metaOf(user).attempts, 2);
      assert.equal(metaOf(user).replayed, true, "X-Idempotent-Replay: the first attempt had made the change");
      assert.ok(proxy.connections() >= 2);
    } finally {
      proxy.close();
    }
    const history = await historyOf(clientOf(baseUrl, agent), agent.id);
    assert.equal(history.length, 1, "one history entry");
  });

  it("without retries the cut is a ValaraNetworkError; a POST is never retried after one", async () => {
    const agent = await makeUser(t);
    const proxy = await cuttingProxy(new URL(baseUrl));
    try {
      const error = await clientOf(proxy.url, agent, { retries: 0 })
        .users.update(agent.id, { tagline: "Cut" })
        .catch((e) => e);
      assert.ok(error instanceof ValaraNetworkError, String(error));
    } finally {
      proxy.close();
    }
  });

  it("an attempt past timeoutMs is a ValaraTimeoutError", async () => {
    // A server that accepts the connection and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const valara = new ValaraClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: "vk_x",
        timeoutMs: 200,
        retries: 1,
      });
      const error = await valara.users.me().catch((e) => e);
      assert.ok(error instanceof ValaraTimeoutError, String(error));
    } finally {
      silent.close();
    }
  });
});
