import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { errorOf, makeUser, patchUser, send, startTestApp, type TestApp } from "./support/harness.js";

const TOKEN = "metrics-token-0123456789abcdef";

/** The value of the one sample named `name` whose labels are exactly `labels`; undefined if none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = [...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]);
    if (JSON.stringify(found.sort()) === wanted) return Number(match[3]);
  }
  return undefined;
}

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await send(t, "GET", "/metrics", undefined, { headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.body;
}

const requests = (text: string, method: string, route: string, status: number) =>
  sample(text, "valara_http_requests_total", { method, route, status: String(status) });

describe("GET /metrics (enabled, no token)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("serves the Prometheus text format, not a JSON-serialised string", async () => {
    const response = await send(t, "GET", "/metrics");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    assert.match(response.body, /^# HELP /);
    assert.match(response.body, /^# TYPE valara_http_requests_total counter$/m);
    assert.match(response.body, /^# TYPE valara_http_request_duration_seconds histogram$/m);
    assert.match(response.body, /^# TYPE valara_db_queries_total counter$/m);
    // prom-client's default process metrics, in this app's registry.
    assert.match(response.body, /^process_cpu_user_seconds_total /m);
    assert.match(response.body, /^nodejs_eventloop_lag_seconds /m);
  });

  it("counts requests by method, route pattern and status, never by raw URL", async () => {
    const agent = await makeUser(t);
    assert.equal((await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: agent.key })).statusCode, 200);
    assert.equal((await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: agent.key })).statusCode, 200);
    assert.equal((await patchUser(t, agent.id, { city: "Austin" }, { key: agent.key })).statusCode, 200);
    assert.equal((await send(t, "GET", `/api/v1/users/${agent.id}`)).statusCode, 401);
    assert.equal((await send(t, "GET", `/no/such/route/${agent.id}`)).statusCode, 404);
    assert.equal((await send(t, "GET", "/openapi.json")).statusCode, 200);

    const text = await scrape(t);
    assert.equal(requests(text, "GET", "/api/v1/users/:user_id", 200), 2);
    assert.equal(requests(text, "PATCH", "/api/v1/users/:user_id", 200), 1);
    assert.equal(requests(text, "GET", "/api/v1/users/:user_id", 401), 1);
    assert.equal(requests(text, "GET", "not_found", 404), 1);
    // Routes registered before the metrics plugin are counted too.
    assert.equal(requests(text, "GET", "/openapi.json", 200), 1);
    assert.ok(!text.includes(agent.id), "a user id reached a label");
    assert.ok(!text.includes("/no/such/route"), "an unknown URL reached a label");
  });

  it("records each request's latency in a histogram from 0.5 ms to 10 s", async () => {
    await send(t, "GET", "/healthz");
    await send(t, "GET", "/healthz");
    const text = await scrape(t);
    const labels = { method: "GET", route: "/healthz", status: "200" };
    const bucket = (le: string) => sample(text, "valara_http_request_duration_seconds_bucket", { ...labels, le });
    assert.equal(sample(text, "valara_http_request_duration_seconds_count", labels), 2);
    assert.ok((sample(text, "valara_http_request_duration_seconds_sum", labels) ?? 0) > 0);
    assert.ok(bucket("0.0005") !== undefined, "smallest bucket is 0.5 ms");
    assert.equal(bucket("10"), 2);
    assert.equal(bucket("+Inf"), 2);
    const bounds = [...text.matchAll(/^valara_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"[^}]*\}/gm)]
      .map((m) => /le="([^"]+)"/.exec(m[0])?.[1])
      .filter((le) => le !== "+Inf")
      .map(Number);
    assert.equal(Math.min(...bounds), 0.0005);
    assert.equal(Math.max(...bounds), 10);
  });

  it("valara_db_queries_total grows by exactly the statements a request ran", async () => {
    const agent = await makeUser(t);
    const queries = t.services.database.queries;
    const dbQueries = (text: string) => sample(text, "valara_db_queries_total");

    const metricBefore = dbQueries(await scrape(t));
    const totalBefore = queries.total;
    const patch = await patchUser(t, agent.id, { title: "Broker", tagline: "Fast" }, { key: agent.key });
    assert.equal(patch.statusCode, 200);
    const totalAfter = queries.total;
    const metricAfter = dbQueries(await scrape(t));

    assert.ok(totalAfter > totalBefore, "the PATCH ran SQL");
    assert.equal(queries.total, totalAfter, "scraping /metrics runs no SQL");
    assert.equal((metricAfter ?? 0) - (metricBefore ?? 0), totalAfter - totalBefore);
  });

  it("is documented in the OpenAPI document as text", async () => {
    const doc = (await send(t, "GET", "/openapi.json")).json();
    const operation = doc.paths["/metrics"]?.get;
    assert.equal(operation?.operationId, "getMetrics");
    assert.deepEqual(operation.tags, ["operations"]);
    const content = operation.responses["200"].content;
    assert.deepEqual(Object.keys(content), ["text/plain; version=0.0.4; charset=utf-8"]);
  });
});

describe("GET /metrics with METRICS_ENABLED=false", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ METRICS_ENABLED: "false" });
  });
  after(() => t.close());

  it("does not exist: 404 not_found in the envelope, and is not documented", async () => {
    const response = await send(t, "GET", "/metrics");
    assert.equal(response.statusCode, 404);
    assert.equal(errorOf(response).code, "not_found");
    const doc = (await send(t, "GET", "/openapi.json")).json();
    assert.equal(doc.paths["/metrics"], undefined);
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ METRICS_TOKEN: TOKEN });
  });
  after(() => t.close());

  const assertRefused = (response: LightMyRequestResponse) => {
    assert.equal(response.statusCode, 401, response.body);
    assert.equal(errorOf(response).code, "auth_required");
    assert.equal(response.headers["www-authenticate"], 'Bearer realm="metrics"');
    assert.ok(!response.body.includes("valara_"), "metrics leaked in a refusal");
  };

  it("refuses a request without a token: 401 auth_required", async () => {
    assertRefused(await send(t, "GET", "/metrics"));
  });

  it("refuses a wrong token, a prefix of the token, another scheme and an API key's header", async () => {
    const refused: Array<Record<string, string>> = [
      { authorization: `Bearer ${TOKEN.replace(/.$/, "x")}` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Bearer ${TOKEN}extra` },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` },
      { authorization: TOKEN },
      { authorization: "Bearer " },
      { "x-api-key": TOKEN },
    ];
    for (const headers of refused) {
      assertRefused(await send(t, "GET", "/metrics", undefined, { headers }));
    }
  });

  it("serves the metrics for the right token (scheme case-insensitive)", async () => {
    const text = await scrape(t, { authorization: `Bearer ${TOKEN}` });
    assert.match(text, /^# TYPE valara_http_requests_total counter$/m);
    await scrape(t, { authorization: `bearer ${TOKEN}` });
    // Refusals are requests too.
    assert.ok((requests(text, "GET", "/metrics", 401) ?? 0) >= 1);
  });
});

describe("two apps in one process", () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    a = await startTestApp();
    b = await startTestApp();
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it("keep separate counts", async () => {
    for (let i = 0; i < 3; i++) await send(a, "GET", "/healthz");
    await send(b, "GET", "/healthz");
    const dbBefore = sample(await scrape(b), "valara_db_queries_total");
    await makeUser(a);
    const textA = await scrape(a);
    const textB = await scrape(b);
    assert.equal(requests(textA, "GET", "/healthz", 200), 3);
    assert.equal(requests(textB, "GET", "/healthz", 200), 1);
    assert.equal(requests(textA, "GET", "/metrics", 200), undefined, "b's earlier scrape counted in a");
    assert.equal(requests(textB, "GET", "/metrics", 200), 1);
    assert.equal(sample(textB, "valara_db_queries_total"), dbBefore, "app a's SQL reached app b's counter");
    assert.ok((sample(textA, "valara_db_queries_total") ?? 0) > 3);
  });
});
