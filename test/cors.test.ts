import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { send, startTestApp } from "./support/harness.js";

const preflight = (origin: string) => ({
  method: "OPTIONS" as const,
  url: "/api/v1/users/me",
  headers: { origin, "access-control-request-method": "PATCH", "access-control-request-headers": "authorization" },
});

describe("CORS", () => {
  it("is closed by default: no origin is allowed", async () => {
    const t = await startTestApp();
    try {
      const response = await t.app.inject(preflight("https://app.valara.cloud"));
      assert.equal(response.headers["access-control-allow-origin"], undefined);
      const get = await send(t, "GET", "/healthz", undefined, { headers: { origin: "https://app.valara.cloud" } });
      assert.equal(get.headers["access-control-allow-origin"], undefined);
      assert.equal(get.headers["x-content-type-options"], "nosniff");
    } finally {
      await t.close();
    }
  });

  it("allows exactly the origins in CORS_ORIGINS and exposes the API's headers", async () => {
    const t = await startTestApp({ CORS_ORIGINS: "https://app.valara.cloud,https://admin.valara.cloud" });
    try {
      const allowed = await t.app.inject(preflight("https://admin.valara.cloud"));
      assert.equal(allowed.statusCode, 204);
      assert.equal(allowed.headers["access-control-allow-origin"], "https://admin.valara.cloud");
      const refused = await t.app.inject(preflight("https://evil.example"));
      assert.equal(refused.headers["access-control-allow-origin"], undefined);
      const get = await send(t, "GET", "/healthz", undefined, { headers: { origin: "https://app.valara.cloud" } });
      assert.equal(get.headers["access-control-allow-origin"], "https://app.valara.cloud");
      assert.match(String(get.headers["access-control-expose-headers"]), /x-request-id/);
      assert.match(String(get.headers["access-control-expose-headers"]), /etag/);
    } finally {
      await t.close();
    }
  });
});
