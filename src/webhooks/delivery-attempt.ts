import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/database.js";
import type { ClaimedDelivery } from "./delivery.repository.js";
import { recordAttempt } from "./delivery.repository.js";
import { envelopeJson } from "./webhook-events.js";
import type { SendResult, WebhookSender } from "./webhook-http.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import { signatureHeaders } from "./webhook-signing.js";

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
/** A Retry-After is honoured up to this many seconds. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;
const JITTER = 0.2;

/** The secrets that sign for an endpoint now, newest first (the old one for 24 h after a rotation). */
export function signingSecrets(
  endpoint: { secret: string; previous_secret: string | null; previous_secret_expires_at: string | null },
  now: Date,
): string[] {
  const previousValid =
    endpoint.previous_secret !== null &&
    endpoint.previous_secret_expires_at !== null &&
    endpoint.previous_secret_expires_at > now.toISOString();
  return previousValid ? [endpoint.secret, endpoint.previous_secret as string] : [endpoint.secret];
}

/** One POST of a delivery: a fresh envelope (timestamp, nonce), signed, sent. */
export async function sendDelivery(
  sender: WebhookSender,
  delivery: ClaimedDelivery,
  signal?: AbortSignal,
): Promise<SendResult> {
  const now = new Date();
  const { body, timestamp } = envelopeJson(
    { id: delivery.event_id, type: delivery.event_type, data: delivery.data },
    now,
  );
  const headers = signatureHeaders(
    signingSecrets(delivery, now),
    { id: delivery.event_id, type: delivery.event_type },
    timestamp,
    body,
  );
  return sender.send(delivery.url, headers, body, signal);
}

/** Seconds until the next attempt after `attempts` failed ones: the schedule, ±20 %, or Retry-After. */
export function retryDelaySeconds(schedule: readonly number[], attempts: number, retryAfter: number | null): number {
  if (retryAfter !== null) return Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS);
  const base = schedule[attempts - 1] ?? schedule[schedule.length - 1] ?? 60;
  return base * (1 - JITTER + Math.random() * 2 * JITTER);
}

export interface OutcomeContext {
  database: Database;
  metrics: WebhookMetrics;
  logger: FastifyBaseLogger;
  schedule: readonly number[];
  owner: string;
}

/** A worker's slot, ready to go on to the same user's next delivery (recordAttempt's `next`). */
export interface GoOn {
  leaseUntil: string;
  endpointCap: number;
}

/**
 * Records what an attempt came to: succeeded; failed with its next attempt; dead after the last
 * attempt of the schedule (`final`: now, as a test send is); 410 disables the endpoint, and so do
 * five days of failures without a success. Returns the delivery's new status, and with `goOn`,
 * after a success, the same user's next delivery at the endpoint, claimed by the same write when
 * it was due (recordAttempt), or null.
 */
export async function recordOutcome(
  ctx: OutcomeContext,
  delivery: ClaimedDelivery,
  result: SendResult,
  { final = false, goOn }: { final?: boolean; goOn?: GoOn } = {},
): Promise<{ status: "succeeded" | "failed" | "dead"; next: ClaimedDelivery | null }> {
  const { database, metrics, logger } = ctx;
  const now = new Date();
  const nowIso = now.toISOString();
  const attempts = delivery.attempts + 1;
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const gone = result.status === 410;
  metrics.attempts.inc({
    result: ok ? "success" : result.error?.startsWith("refused") ? "refused" : "failure",
  });
  const lastAttempt = attempts >= ctx.schedule.length + 1;
  const status = ok ? "succeeded" : gone || lastAttempt || final ? "dead" : "failed";
  const nextAttempt =
    status === "failed"
      ? now.getTime() + retryDelaySeconds(ctx.schedule, attempts, result.retryAfterSeconds) * 1000
      : now.getTime();
  // Only after a success: a failure may be about to disable the endpoint (410, five days).
  const nextOfUser =
    ok && goOn && delivery.user_id !== null
      ? { endpointId: delivery.endpoint_id, userId: delivery.user_id, ...goOn }
      : undefined;
  const next = await recordAttempt(
    database,
    delivery.id,
    ctx.owner,
    {
      status,
      attempts,
      nextAttemptAt: new Date(nextAttempt).toISOString(),
      lastStatus: result.status,
      lastError: result.error,
      durationMs: result.durationMs,
      now: nowIso,
    },
    nextOfUser,
  );
  if (status !== "failed") metrics.deliveries.inc({ outcome: status });

  const endpoints = database.db.updateTable("webhook_endpoint").where("id", "=", delivery.endpoint_id);
  if (ok) {
    if (delivery.failing_since !== null) await endpoints.set({ failing_since: null }).execute();
    return { status, next };
  }
  const failingSince = delivery.failing_since ?? nowIso;
  const failingTooLong = now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_FAILING_MS;
  if (gone || failingTooLong) {
    const reason = gone ? "gone" : "failing";
    await endpoints.set({ enabled: 0, disabled_reason: reason, updated_at: nowIso }).execute();
    metrics.endpointsDisabled.inc({ reason });
    logger.warn(
      { endpointId: delivery.endpoint_id, reason, failingSince },
      gone ? "webhook endpoint answered 410 Gone: disabled" : "webhook endpoint failing for 5 days: disabled",
    );
  } else if (delivery.failing_since === null) {
    await endpoints.set({ failing_since: nowIso }).where("failing_since", "is", null).execute();
  }
  return { status, next };
}
