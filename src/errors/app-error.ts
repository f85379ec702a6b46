import { ERROR_CODES, type ErrorCode } from "./error-codes.js";

export interface AppErrorOptions {
  message?: string;
  details?: Record<string, unknown>;
  /** Overrides the code's usual status where the contract gives one code two statuses. */
  status?: number;
  hint?: string;
  headers?: Record<string, string>;
}

/** The one error type services throw; the error handler turns it into the contract's envelope. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly hint: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message);
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.details = options.details ?? {};
    this.hint = options.hint;
    this.headers = options.headers ?? {};
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
