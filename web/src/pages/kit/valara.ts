import { useCallback } from "react";
import { ValaraError, ValaraNetworkError, ValaraTimeoutError } from "valara-users/client";
import { useSession } from "../../session";

export { valara } from "../../valara";

/** A failure of the API in words, for a person; the request id is kept so support can find it. */
export function failureText(error: unknown, doing: string): string {
  if (error instanceof ValaraError) {
    if (error.status === 403) return `You may not do this: ${doing} is for administrators only.`;
    if (error.status === 429) return `Too many requests. Wait a little, then try ${doing} again.`;
    const reference = error.requestId ? ` (reference ${error.requestId})` : "";
    return `${capitalise(doing)} failed: ${error.message}${reference}`;
  }
  if (error instanceof ValaraNetworkError || error instanceof ValaraTimeoutError) {
    return `${capitalise(doing)} failed: the server could not be reached. Check your connection and try again.`;
  }
  return `${capitalise(doing)} failed unexpectedly. Reload the page and try again.`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** True when the API refused the caller for not being an admin (403 forbidden). */
export const isForbidden = (error: unknown): boolean => error instanceof ValaraError && error.status === 403;

/**
 * Turns a failed call into words, except a 401: the session is gone (signed out elsewhere, the
 * account deactivated), so the shell shows the sign-in page with its notice instead.
 * Returns null in that case.
 */
export function useFailure(): (error: unknown, doing: string) => string | null {
  const { ended } = useSession();
  return useCallback(
    (error: unknown, doing: string) => {
      if (error instanceof ValaraError && error.status === 401) {
        ended();
        return null;
      }
      return failureText(error, doing);
    },
    [ended],
  );
}
