import { createHmac } from "node:crypto";

/** The HMAC key of a `whsec_` secret: the base64-decoded part after the prefix. */
const keyOf = (secret: string) => Buffer.from(secret.slice("whsec_".length), "base64");

/** Valara's `X-Webhook-Signature` value: `sha256=<hex HMAC-SHA256(key, "{timestamp}.{body}")>`. */
export const valaraSignature = (secret: string, timestamp: number, body: string) =>
  `sha256=${createHmac("sha256", keyOf(secret)).update(`${timestamp}.${body}`).digest("hex")}`;

/** One Standard Webhooks 1.0 entry: `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`. */
export const standardSignature = (secret: string, id: string, timestamp: number, body: string) =>
  `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;

/**
 * The headers of one delivery of `body`: both schemes. `secrets` are the endpoint's valid secrets,
 * newest first: Standard Webhooks carries one entry per secret (a rotation's overlap), Valara's
 * header the newest only (its format holds one).
 */
export function signatureHeaders(
  secrets: readonly string[],
  event: { id: string; type: string },
  timestamp: number,
  body: string,
): Record<string, string> {
  const newest = secrets[0];
  if (newest === undefined) throw new TypeError("an endpoint always has a secret");
  return {
    "content-type": "application/json",
    "x-webhook-event-id": event.id,
    "x-webhook-event-type": event.type,
    "x-webhook-timestamp": String(timestamp),
    "x-webhook-signature": valaraSignature(newest, timestamp, body),
    "webhook-id": event.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => standardSignature(secret, event.id, timestamp, body)).join(" "),
  };
}
