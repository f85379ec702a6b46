import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UserSchema } from "../src/users/user-object.js";
import {
  createTestDatabase,
  makeUser,
  patchUser,
  send,
  startTestApp,
  storedUser,
  type TestApp,
} from "./support/harness.js";
import { prepareDatabase, type ServerProcess, startServerProcess } from "./support/server-process.js";

describe("the seed's example request", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("returns 200 and the updated user, with both the seed's headers", async () => {
    const agent = await makeUser(t);
    const response = await patchUser(
      t,
      agent.id,
      { displayName: "John D.", title: "Senior Real Estate Agent", cellPhone: "+1-555-0123" },
      { key: agent.key, headers: { "x-idempotency-key": "6f1c1f0e-4f0a-4b7e-9d53-1d6c3c1a2b3c" } },
    );
    assert.equal(response.statusCode, 200, response.body);
    const user = response.json();
    assert.equal(user.id, agent.id);
    assert.equal(user.display_name, "John D.");
    assert.equal(user.title, "Senior Real Estate Agent");
    assert.equal(user.cell_phone, "+1-555-0123");
    assert.equal(user.name, agent.user.name, "fields not sent are unchanged");
    assert.match(response.headers["x-request-id"] as string, /^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    // The body is the user object's JSON as made for the ETag, sent without the schema's
    // serialiser: it must still hold the schema's keys exactly, in the schema's order.
    assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
    assert.deepEqual(Object.keys(user), Object.keys(UserSchema.properties));
    const read = await send(t, "GET", `/api/v1/users/${agent.id}`, undefined, { key: agent.key });
    assert.equal(read.body, response.body, "GET serves the same bytes");
    assert.equal(read.headers.etag, response.headers.etag);
    const stored = await storedUser(t, agent.id);
    assert.equal(stored?.display_name, "John D.");
    assert.equal(stored?.cell_phone, "+1-555-0123");
  });
});

// The seed's own examples, as it prints them, with only the host swapped for this server and its
// `{user_id}` for the agent's id: a PATCH that says `Content-Type: application/json` and sends no
// body is the empty patch (200, the user, nothing written).
const SEED_CURL = `curl -X PATCH "https://valara.cloud/api/v1/users/{user_id}" \\
-H "Authorization: Bearer $VALARA_API_KEY" \\
-H "Content-Type: application/json" \\
-H "X-Idempotency-Key: $(uuidgen)"`;

const SEED_PYTHON = `import os
import uuid
import httpx
res = httpx.request(
"PATCH",
"https://valara.cloud/api/v1/users/{user_id}",
headers={
"Authorization": f"Bearer {os.environ['VALARA_API_KEY']}",
"Content-Type": "application/json",
"X-Idempotency-Key": str(uuid.uuid4()),
},
)
res.raise_for_status()
print(res.json())`;

const DEBIAN_PYTHON = "/usr/bin/python3";
const hasHttpx = () => spawnSync(DEBIAN_PYTHON, ["-c", "import httpx"]).status === 0;

describe("the seed's curl and Python examples, verbatim, over real HTTP", () => {
  let server: ServerProcess;
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let agent: { id: string; key: string };
  let env: Record<string, string>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "valara-seed-"));
    database = await createTestDatabase(dir);
    env = { DATABASE_URL: database.url, BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789" };
    [agent] = (await prepareDatabase(env, [{ name: "Seed Agent" }])) as [{ id: string; key: string }];
    server = await startServerProcess(env);
  });
  after(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const local = (example: string) =>
    example.replace("https://valara.cloud", server.baseUrl).replace("{user_id}", agent.id);

  /** The user and its history as the server serves them, to tell that nothing was written. */
  async function snapshot() {
    const headers = { authorization: `Bearer ${agent.key}` };
    const user = await (await fetch(`${server.baseUrl}/api/v1/users/${agent.id}`, { headers })).json();
    const history = await (await fetch(`${server.baseUrl}/api/v1/users/${agent.id}/history`, { headers })).json();
    return { user, history };
  }

  it("curl: 200 and the user, nothing written, no history entry", async () => {
    const before = await snapshot();
    const curl = spawnSync("bash", ["-c", `${local(SEED_CURL)} -s -w '\\n%{http_code}'`], {
      env: { ...process.env, VALARA_API_KEY: agent.key },
      encoding: "utf8",
    });
    assert.equal(curl.status, 0, curl.stderr);
    const [body, status] = curl.stdout.trimEnd().split(/\n(?=\d{3}$)/);
    assert.equal(status, "200", curl.stdout);
    assert.deepEqual(JSON.parse(body as string), before.user);
    assert.deepEqual(await snapshot(), before, "updated_at and the history are unchanged");
  });

  it("Python (httpx): 200 and the user, nothing written", {
    skip: !hasHttpx() && "no httpx for /usr/bin/python3 (apt-get install -y python3-httpx)",
  }, async () => {
    const before = await snapshot();
    const python = spawnSync(DEBIAN_PYTHON, ["-c", `${local(SEED_PYTHON)}\nprint(res.status_code)`], {
      env: { ...process.env, VALARA_API_KEY: agent.key },
      encoding: "utf8",
    });
    assert.equal(python.status, 0, python.stderr);
    const lines = python.stdout.trim().split("\n");
    assert.equal(lines.at(-1), "200");
    assert.match(lines[0] as string, new RegExp(`'id': '${agent.id}'`), "prints the user");
    assert.deepEqual(await snapshot(), before);
  });

  it("only zero bytes are the empty patch: whitespace, null, [] or a string stay 422 invalid_json", async () => {
    for (const body of [" ", "\n", "null", "[]", '"x"']) {
      const response = await fetch(`${server.baseUrl}/api/v1/users/${agent.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${agent.key}`, "content-type": "application/json" },
        body,
      });
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "invalid_json");
    }
  });

  it("zero bytes under another Content-Type, or none at all, are the empty patch too", async () => {
    const before = await snapshot();
    const contentTypes: Array<Record<string, string>> = [
      { "content-type": "text/plain" },
      {},
      { "content-type": "application/merge-patch+json" },
    ];
    for (const headers of contentTypes) {
      const response = await fetch(`${server.baseUrl}/api/v1/users/${agent.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${agent.key}`, ...headers },
      });
      assert.equal(response.status, 200, JSON.stringify(headers));
    }
    assert.deepEqual(await snapshot(), before);
  });
});
