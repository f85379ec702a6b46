import assert from "node:assert/strict";
import { describe, it } from "node:test";
import vectors from "../client/webhook-vectors.json" with { type: "json" };
import { retryDelaySeconds, signingSecrets } from "../src/webhooks/delivery-attempt.js";
import { ulid } from "../src/webhooks/ids.js";
import { envelopeJson, envelopeOf } from "../src/webhooks/webhook-events.js";
import { standardSignature, valaraSignature } from "../src/webhooks/webhook-signing.js";

describe("webhook envelope and signer", () => {
  it("the signer reproduces the frozen vectors of both schemes", () => {
    for (const vector of vectors.vectors) {
      const headers = vector.headers as unknown as Record<string, string>;
      const signatures = vector.secrets.map((secret) =>
        vector.scheme === "standard"
          ? standardSignature(
              secret,
              headers["webhook-id"] as string,
              Number(headers["webhook-timestamp"]),
              vector.body,
            )
          : valaraSignature(secret, Number(headers["x-webhook-timestamp"]), vector.body),
      );
      const given = vector.scheme === "standard" ? headers["webhook-signature"] : headers["x-webhook-signature"];
      // A rotation's vector carries an entry per secret; the signer makes the one of each secret it holds.
      for (const signature of signatures) assert.ok(String(given).split(" ").includes(signature), vector.name);
    }
  });

  it("the spliced envelope is the envelope: same JSON, fields in the contract's order", () => {
    const event = {
      id: "evt_x",
      type: "user.updated",
      data: '{"user_id":"u1","changes":{"title":{"from":null,"to":"A \\"B\\""}}}',
    };
    const now = new Date("2026-12-03T17:00:00.000Z");
    const { body, timestamp } = envelopeJson(event, now);
    const parsed = JSON.parse(body);
    const expected = envelopeOf(event, now);
    assert.equal(timestamp, 1796317200);
    assert.deepEqual(Object.keys(parsed), Object.keys(expected));
    assert.deepEqual({ ...parsed, nonce: "" }, { ...expected, nonce: "" });
    assert.match(parsed.nonce, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("ulids are 26 characters, sort by time, and do not repeat", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => ulid(1_700_000_000_000 + i));
    assert.ok(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ulid(0).slice(0, 10), "0000000000");
  });

  it("retry delays follow the schedule with ±20 % jitter (no two alike), and Retry-After instead when sent", () => {
    const schedule = [5, 300, 1800];
    const delays = Array.from({ length: 200 }, () => retryDelaySeconds(schedule, 2, null));
    assert.ok(
      delays.every((delay) => delay >= 240 && delay <= 360),
      "300 s ± 20 %",
    );
    assert.ok(new Set(delays).size > 150, "jittered: retries of many deliveries do not arrive together");
    assert.ok(Math.min(...delays) < 270 && Math.max(...delays) > 330, "the whole band is used");
    assert.equal(retryDelaySeconds(schedule, 1, 42), 42);
    assert.equal(retryDelaySeconds(schedule, 1, 10 ** 9), 24 * 3600, "Retry-After is capped at a day");
  });

  it("the previous secret signs until its overlap ends", () => {
    const now = new Date("2026-12-04T00:00:00.000Z");
    const endpoint = {
      secret: "whsec_new",
      previous_secret: "whsec_old",
      previous_secret_expires_at: "2026-12-04T00:00:01.000Z",
    };
    assert.deepEqual(signingSecrets(endpoint, now), ["whsec_new", "whsec_old"]);
    assert.deepEqual(signingSecrets({ ...endpoint, previous_secret_expires_at: "2026-12-03T23:59:59.000Z" }, now), [
      "whsec_new",
    ]);
  });
});
