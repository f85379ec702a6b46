import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/database.js";
import type { StatementSteps } from "../db/raw-sql.js";
import {
  type ClaimedDelivery,
  disableEndpointStatement,
  failingSinceStatement,
  recordAttemptsStatement,
  writeInBackground,
} from "./delivery.repository.js";
import { envelopeJson } from "./webhook-events.js";
import type { SendResult, WebhookSender } from "./webhook-http.js";
import type { WebhookMetrics } from "./webhook-metrics.js";
import { signatureHeaders } from "./webhook-signing.js";

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
/** A Retry-After is honoured up to this many seconds. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;
const JITTER = 0.2;
const RECORDS_PER_STATEMENT = 500;

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

/** Of a delivery, what recording its outcome needs (a worker hands over no more: no body, no secret). */
export type AttemptedDelivery = Pick<ClaimedDelivery, "id" | "endpoint_id" | "attempts" | "failing_since">;

/** What one POST of a delivery came to, and when it ended; `final`: no retry (a test send). */
export interface Outcome {
  delivery: AttemptedDelivery;
  result: SendResult;
  at: Date;
  final?: boolean;
}

/** An outcome as recorded (its lease still held); `disabled` when it disabled its endpoint. */
export interface RecordedOutcome {
  outcome: Outcome;
  status: "succeeded" | "failed" | "dead";
  disabled: { reason: "gone" | "failing"; failingSince: string } | null;
}

const isSuccess = (result: SendResult) => result.status !== null && result.status >= 200 && result.status < 300;

/**
 * The statements that record `outcomes`, each only if `owner` still holds its lease (else another
 * worker has the delivery now, and its outcome counts): succeeded; failed with its next attempt;
 * dead after the last attempt of the schedule (or at once when `final`). One statement records
 * them all; then, in their order, 410 disables the endpoint, and so do five days of failures
 * without a success, and a success clears the failure clock. An endpoint's clock is written once
 * per change within the batch, not per outcome.
 */
export function* recordOutcomeSteps(
  outcomes: readonly Outcome[],
  owner: string,
  schedule: readonly number[],
): StatementSteps<RecordedOutcome[]> {
  if (outcomes.length === 0) return [];
  const decided = outcomes.map((outcome) => {
    const { delivery, result, at } = outcome;
    const attempts = delivery.attempts + 1;
    const gone = result.status === 410;
    const status: RecordedOutcome["status"] = isSuccess(result)
      ? "succeeded"
      : gone || attempts >= schedule.length + 1 || outcome.final
        ? "dead"
        : "failed";
    const nextAttemptAt =
      status === "failed"
        ? new Date(at.getTime() + retryDelaySeconds(schedule, attempts, result.retryAfterSeconds) * 1000).toISOString()
        : at.toISOString();
    return { outcome, status, attempts, nextAttemptAt };
  });
  const kept = new Set<string>();
  // In chunks, under SQLite's and PostgreSQL's bounds on parameters, should outcomes have piled up.
  for (let i = 0; i < decided.length; i += RECORDS_PER_STATEMENT) {
    const chunk = decided.slice(i, i + RECORDS_PER_STATEMENT);
    const rows = (yield recordAttemptsStatement(
      owner,
      chunk.map(({ outcome: { delivery, result, at }, status, attempts, nextAttemptAt }) => ({
        id: delivery.id,
        status,
        attempts,
        nextAttemptAt,
        lastStatus: result.status,
        lastError: result.error,
        durationMs: result.durationMs,
        now: at.toISOString(),
      })),
    )) as Array<{ id: string }>;
    for (const row of rows) kept.add(row.id);
  }
  const recorded: RecordedOutcome[] = [];
  // Each endpoint's failure clock as this batch leaves it, and the endpoints it disabled.
  const failingSince = new Map<string, string | null>();
  const disabled = new Set<string>();
  for (const { outcome, status } of decided) {
    const { delivery, result, at } = outcome;
    if (!kept.has(delivery.id)) continue;
    const now = at.toISOString();
    const endpointId = delivery.endpoint_id;
    const since = failingSince.has(endpointId) ? (failingSince.get(endpointId) ?? null) : delivery.failing_since;
    let disabledHere: RecordedOutcome["disabled"] = null;
    if (status === "succeeded") {
      if (since !== null) yield failingSinceStatement(endpointId, null);
      failingSince.set(endpointId, null);
    } else if (!disabled.has(endpointId)) {
      const started = since ?? now;
      const gone = result.status === 410;
      if (gone || at.getTime() - Date.parse(started) >= DISABLE_AFTER_FAILING_MS) {
        disabledHere = { reason: gone ? "gone" : "failing", failingSince: started };
        disabled.add(endpointId);
        yield disableEndpointStatement(endpointId, disabledHere.reason, now);
      } else if (since === null) {
        yield failingSinceStatement(endpointId, now);
      }
      failingSince.set(endpointId, started);
    }
    recorded.push({ outcome, status, disabled: disabledHere });
  }
  return recorded;
}

/** Counts attempts and final outcomes, and says which endpoints were disabled. */
export function reportOutcomes(
  outcomes: readonly Outcome[],
  recorded: readonly RecordedOutcome[],
  metrics: WebhookMetrics,
  logger: Pick<FastifyBaseLogger, "warn">,
): void {
  for (const { result } of outcomes) {
    metrics.attempts.inc({
      result: isSuccess(result) ? "success" : result.error?.startsWith("refused") ? "refused" : "failure",
    });
  }
  for (const { outcome, status, disabled } of recorded) {
    if (status !== "failed") metrics.deliveries.inc({ outcome: status });
    if (disabled === null) continue;
    metrics.endpointsDisabled.inc({ reason: disabled.reason });
    logger.warn(
      { endpointId: outcome.delivery.endpoint_id, reason: disabled.reason, failingSince: disabled.failingSince },
      disabled.reason === "gone"
        ? "webhook endpoint answered 410 Gone: disabled"
        : "webhook endpoint failing for 5 days: disabled",
    );
  }
}

/** Records one outcome now (a test send), and reports it; its new status (null: lease lost). */
export async function recordOutcome(
  ctx: { database: Database; metrics: WebhookMetrics; logger: Pick<FastifyBaseLogger, "warn"> },
  owner: string,
  schedule: readonly number[],
  outcome: Outcome,
): Promise<RecordedOutcome["status"] | null> {
  const recorded = await writeInBackground(ctx.database, () => recordOutcomeSteps([outcome], owner, schedule));
  reportOutcomes([outcome], recorded, ctx.metrics, ctx.logger);
  return recorded[0]?.status ?? null;
}
