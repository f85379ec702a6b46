import { useRef } from "react";
import { newIdempotencyKey, ValaraError, ValaraNetworkError, ValaraTimeoutError } from "valara-users/client";

/** Where a save stands: shown next to its Save button. */
export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "note"; message: string }
  /** No answer after the client's own retries: "Try again" repeats the same request. */
  | { kind: "unreachable" }
  /** `atFields`: the errors are shown at their fields, and focus went to the first. */
  | { kind: "failed"; message: string; atFields?: boolean };

/**
 * One idempotency key per save: made on the first attempt, reused by "Try again" (so a save
 * whose answer was lost is not applied twice), dropped once the edits change or the save is done.
 */
export function useIdempotencyKey() {
  const key = useRef<string | null>(null);
  return {
    current: (): string => {
      key.current ??= newIdempotencyKey();
      return key.current;
    },
    drop: (): void => {
      key.current = null;
    },
  };
}

export const isUnreachable = (error: unknown): boolean =>
  error instanceof ValaraNetworkError || error instanceof ValaraTimeoutError;

/** A failure that has no field to show at, in words, with the reference support asks for. */
export function failureMessage(error: unknown): string {
  if (!(error instanceof ValaraError)) return "Something went wrong in the page. Reload it and try again.";
  const reference = error.requestId ? ` (reference ${error.requestId})` : "";
  if (error.status === 403) return `You are not allowed to change this.${reference}`;
  if (error.status === 404) return `This user no longer exists.${reference}`;
  if (error.status === 429) return `Too many changes in a short time. Wait a minute, then save again.${reference}`;
  return `Saving failed: ${error.message}${reference}`;
}
