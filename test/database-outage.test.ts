import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/app.js";
import { createApiKey } from "../src/cli/api-keys.commands.js";
import { createUser } from "../src/cli/users.commands.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices, type Services } from "../src/services.js";
import { createTestDatabase, dialect, TEST_PG_SERVER } from "./support/harness.js";

/** A TCP relay to PostgreSQL that the test can cut and restore, as a network outage would. */
function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const relay = net.createServer((client) => {
        const upstream = net.connect(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server = relay;
      relay.listen(port, "127.0.0.1", () => {
        port = (relay.address() as net.AddressInfo).port;
        resolve();
      });
    });
  return {
    listen,
    get port() {
      return port;
    },
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server?.close(() => resolve());
      }),
  };
}

describe("PostgreSQL unreachable", { skip: dialect !== "postgres" && "PostgreSQL only" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-outage-"));
  const pgUrl = new URL(TEST_PG_SERVER);
  const relay = startRelay({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  let database: { url: string; drop(): Promise<void> };
  let services: Services;
  let app: FastifyInstance;
  let agent: { id: string; key: string };

  before(async () => {
    database = await createTestDatabase(dir);
    await relay.listen();
    const url = new URL(database.url);
    url.port = String(relay.port);
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      BETTER_AUTH_SECRET: "outage-secret-0123456789abcdef0123456789",
      LOG_LEVEL: "silent",
      REQUEST_TIMEOUT_MS: "3000",
    });
    const logger = createLogger("silent");
    services = openServices(config, logger);
    await services.migrate();
    const user = await createUser(services, { email: `outage-${Date.now()}@example.com`, name: "Outage" });
    agent = { id: user.id, key: (await createApiKey(services, { user: user.id })).key };
    app = await buildApp({ services, logger });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await services.close();
    await relay.cut();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const patch = (title: string) =>
    app.inject({
      method: "PATCH",
      url: `/api/v1/users/${agent.id}`,
      headers: { authorization: `Bearer ${agent.key}`, "content-type": "application/json" },
      payload: JSON.stringify({ title }),
    });

  it("fails fast with 503 while the database is gone, and recovers by itself when it is back", async () => {
    assert.equal((await patch("Before")).statusCode, 200);
    await relay.cut();

    const started = Date.now();
    const health = await app.inject({ method: "GET", url: "/healthz" });
    const during = await patch("During");
    assert.equal(health.statusCode, 503);
    assert.equal(health.json().error.code, "service_unavailable");
    assert.ok([503, 504].includes(during.statusCode), during.body);
    assert.ok(Date.now() - started < 4_000, `answered in ${Date.now() - started} ms`);
    assert.doesNotMatch(during.body, /ECONNREFUSED|postgres|Connection terminated/i);

    await relay.listen();
    assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    const recovered = await patch("After");
    assert.equal(recovered.statusCode, 200, recovered.body);
    assert.equal(recovered.json().title, "After");
  });
});
