import { AppError } from "../errors/app-error.js";

/**
 * A request's time budget (REQUEST_TIMEOUT_MS). Work checks it before committing; once a commit
 * has begun the budget cannot expire under it, so the client is never told 504 about a change
 * that was in fact made, and never told 200 about one that was rolled back.
 */
export class RequestBudget {
  private committing = false;
  private expired = false;

  constructor(readonly deadline: number) {}

  get remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Throws request_timeout when the budget is spent. */
  check(): void {
    if (this.expired || Date.now() >= this.deadline) {
      this.expired = true;
      throw timeoutError();
    }
  }

  /** Called right before COMMIT: false (and the caller rolls back) when the budget is spent. */
  beginCommit(): boolean {
    if (this.expired || Date.now() >= this.deadline) {
      this.expired = true;
      return false;
    }
    this.committing = true;
    return true;
  }

  endCommit(): void {
    this.committing = false;
  }

  /**
   * Settles with `work`, or rejects with 504 at the deadline unless a commit is under way (then
   * it waits for the commit). Work that loses the race rolls back at its own commit check.
   */
  async race<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      const fire = () => {
        if (this.committing) {
          timer = setTimeout(fire, 5);
          return;
        }
        this.expired = true;
        reject(timeoutError());
      };
      timer = setTimeout(fire, this.remainingMs);
    });
    // The losing side's rejection is observed here so it never becomes an unhandled rejection.
    work.catch(() => {});
    try {
      return await Promise.race([work, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const timeoutError = () => new AppError("request_timeout");
