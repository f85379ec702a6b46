import { hmac } from "fast-sha256";
import { Webhook } from "standardwebhooks";

/** Valara's event envelope, as every delivery carries it (CONTRACT §10). */
export interface WebhookEvent<Data = Record<string, unknown>> {
  event_id: string;
  event_type: string;
  api_version: string;
  timestamp: number;
  nonce: string;
  data: Data;
}

/** Why a delivery was refused: no signature, a wrong one, or a timestamp out of the window. */
export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/** Seconds a delivery's timestamp may be from now (either way) and still be accepted. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(", ") : value;
}

const utf8 = new TextEncoder();
const bytesOf = (body: string | Uint8Array) => (typeof body === "string" ? utf8.encode(body) : body);

/** The HMAC key of a `whsec_` secret: the base64-decoded part after the prefix. */
function secretKey(secret: string): Uint8Array {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  return Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
}

const toHex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** Equal strings, compared in time that depends on their length only. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function checkTimestamp(value: string | undefined, nowSeconds: number): void {
  if (value === undefined || !/^\d+$/.test(value)) throw new WebhookSignatureError("missing or malformed timestamp");
  if (Math.abs(nowSeconds - Number(value)) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError("timestamp outside the 5-minute window (a replay, or a clock off)");
  }
}

/** Valara's `X-Webhook-Signature: sha256=<hex HMAC-SHA256(key, "{timestamp}.{body}")>`. */
function verifyValaraSignature(body: Uint8Array, headers: HeaderBag, secrets: string[], nowSeconds: number) {
  const timestamp = header(headers, "x-webhook-timestamp");
  checkTimestamp(timestamp, nowSeconds);
  const given = (header(headers, "x-webhook-signature") ?? "").trim();
  const signed = new Uint8Array([...utf8.encode(`${timestamp}.`), ...body]);
  const matches = secrets.some((secret) =>
    constantTimeEqual(given, `sha256=${toHex(hmac(secretKey(secret), signed))}`),
  );
  if (!matches) throw new WebhookSignatureError("X-Webhook-Signature does not match");
}

/**
 * Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`,
 * one entry per secret during a rotation). The signature is made by the `standardwebhooks`
 * package and compared here, so that the clock (`now`) can be given.
 */
function verifyStandardSignature(body: Uint8Array, headers: HeaderBag, secrets: string[], nowSeconds: number) {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  if (!id) throw new WebhookSignatureError("missing webhook-id");
  checkTimestamp(timestamp, nowSeconds);
  const given = (header(headers, "webhook-signature") ?? "").split(" ").filter((entry) => entry.startsWith("v1,"));
  const at = new Date(Number(timestamp) * 1000);
  const matches = secrets.some((secret) => {
    const expected = new Webhook(secret).sign(id, at, body);
    return given.some((entry) => constantTimeEqual(entry, expected));
  });
  if (!matches) throw new WebhookSignatureError("webhook-signature does not match");
}

/**
 * Verifies a delivery and returns its event. `rawBody` must be the exact bytes received (not
 * re-serialised JSON). Either signature is accepted: Standard Webhooks' when `webhook-signature`
 * is present, else Valara's `X-Webhook-Signature`. Pass several secrets during a rotation.
 * Throws WebhookSignatureError when it does not verify or its timestamp is over 5 minutes off.
 */
export function verifyWebhook<Data = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: HeaderBag,
  secret: string | readonly string[],
  /** `now`: the clock, in epoch milliseconds (for tests and replays of stored deliveries). */
  { now = Date.now() }: { now?: number } = {},
): WebhookEvent<Data> {
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  const body = bytesOf(rawBody);
  const nowSeconds = Math.floor(now / 1000);
  if (header(headers, "webhook-signature") !== undefined) {
    verifyStandardSignature(body, headers, secrets, nowSeconds);
  } else if (header(headers, "x-webhook-signature") !== undefined) {
    verifyValaraSignature(body, headers, secrets, nowSeconds);
  } else {
    throw new WebhookSignatureError("no webhook-signature or X-Webhook-Signature header");
  }
  return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent<Data>;
}
