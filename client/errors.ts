import type { components } from "./openapi-types.js";

/** Every error code the API answers with (from the OpenAPI document). */
export type ErrorCode = components["schemas"]["Error"]["error"]["code"];

/** One problem of a 422 `validation_failed`, as `details.errors` lists them. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
  suggestion?: string;
}

/** Any non-2xx answer of the API, in its error envelope. */
export class ValaraError extends Error {
  override name = "ValaraError";
  /** The HTTP status. */
  readonly status: number;
  /** The stable snake_case code to branch on (`precondition_failed`, `validation_failed`, …). */
  readonly code: ErrorCode | (string & {});
  /** The request's id (from the body, else the X-Request-Id header): quote it to support. */
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown>;
  /** Seconds to wait before retrying, when the server said (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId: string | undefined;
    details?: Record<string, unknown>;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details ?? {};
    this.retryAfter = init.retryAfter;
  }

  /** `details.errors` of a 422 `validation_failed` (empty for other errors). */
  get fieldErrors(): FieldError[] {
    const errors = this.details.errors;
    return Array.isArray(errors) ? (errors as FieldError[]) : [];
  }
}

/** The request never got an answer: the connection failed or was cut. `cause` holds why. */
export class ValaraNetworkError extends Error {
  override name = "ValaraNetworkError";
}

/** One attempt took longer than the client's per-attempt timeout (and no retry was left). */
export class ValaraTimeoutError extends Error {
  override name = "ValaraTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`The request took longer than ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if it holds one. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The ValaraError for a non-2xx response (its body is read here). */
export async function errorFromResponse(response: Response): Promise<ValaraError> {
  const text = await response.text().catch(() => "");
  let envelope: { error?: { code?: unknown; message?: unknown; request_id?: unknown; details?: unknown } } = {};
  try {
    envelope = text ? JSON.parse(text) : {};
  } catch {
    envelope = {};
  }
  const error = envelope.error ?? {};
  const requestId = typeof error.request_id === "string" ? error.request_id : response.headers.get("x-request-id");
  return new ValaraError({
    status: response.status,
    code: typeof error.code === "string" ? error.code : `http_${response.status}`,
    message:
      typeof error.message === "string" ? error.message : `HTTP ${response.status} ${response.statusText}`.trim(),
    requestId: requestId ?? undefined,
    details:
      typeof error.details === "object" && error.details !== null ? (error.details as Record<string, unknown>) : {},
    retryAfter: parseRetryAfter(response.headers.get("retry-after")),
  });
}
