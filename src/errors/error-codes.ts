/** Every error code the API can answer with, declared once with its status and default message. */
export const ERROR_CODES = {
  auth_required: { status: 401, message: "Authentication required: send an API key or a session token." },
  api_key_invalid: { status: 401, message: "The credential is invalid, expired or revoked." },
  account_inactive: { status: 401, message: "This account is inactive or suspended." },
  forbidden: { status: 403, message: "You are not allowed to do this." },
  admin_only_fields: { status: 403, message: "Only administrators may change these fields." },
  user_not_found: { status: 404, message: "User not found." },
  not_found: { status: 404, message: "Not found." },
  webhook_endpoint_not_found: { status: 404, message: "Webhook endpoint not found." },
  webhook_delivery_not_found: { status: 404, message: "Webhook delivery not found." },
  email_taken: { status: 409, message: "That email address is already in use." },
  idempotency_key_conflict: { status: 409, message: "This idempotency key was used with a different request." },
  idempotency_key_in_progress: { status: 409, message: "A request with this idempotency key is still running." },
  precondition_failed: { status: 412, message: "The resource has changed since the given ETag." },
  payload_too_large: { status: 413, message: "The request body is larger than 64 KiB." },
  unsupported_media_type: { status: 415, message: "Send the body as application/json." },
  invalid_json: { status: 422, message: "The body must be a JSON object." },
  validation_failed: { status: 422, message: "The request has invalid fields." },
  invalid_cursor: { status: 422, message: "The cursor is invalid." },
  webhook_url_not_allowed: {
    status: 422,
    message: "The webhook URL must be https and resolve to public addresses only.",
  },
  rate_limit_exceeded: { status: 429, message: "Too many requests; retry later." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  service_unavailable: { status: 503, message: "The service is temporarily unavailable; retry later." },
  request_timeout: { status: 504, message: "The request took longer than its time budget; nothing was changed." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

// The code for an error that arrives with only an HTTP status (from Fastify or Better Auth).
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "validation_failed",
  401: "auth_required",
  403: "forbidden",
  404: "not_found",
  405: "not_found",
  409: "validation_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "rate_limit_exceeded",
  503: "service_unavailable",
  504: "request_timeout",
};

/** Our code for a bare status; undefined for statuses we answer as internal_error. */
export const codeForStatus = (status: number): ErrorCode | undefined => CODE_BY_STATUS[status];
