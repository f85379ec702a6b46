import { AppError } from "../errors/app-error.js";

// Reads cannot change anything, and SameSite=Lax with closed CORS keeps another site from both
// sending the cookie on them and reading the answer.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The Origin rule for writes authenticated by the session cookie: the browser attaches the cookie
 * to requests it did not choose to make, so a write counts only when its `Origin` is one of ours
 * (or in CORS_ORIGINS). Browsers send `Origin` on every such request, same-origin included; a
 * write without one did not come from our page, and is refused too. Throws 403 forbidden.
 */
export function checkCookieWriteOrigin(method: string, origin: string | undefined, allowed: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(method)) return;
  if (origin !== undefined && allowed.has(origin)) return;
  throw new AppError("forbidden", {
    message:
      origin === undefined
        ? "A write authenticated by the session cookie must carry an Origin header."
        : "A write authenticated by the session cookie must come from this server's own origin.",
    details: { reason: origin === undefined ? "origin_missing" : "origin_not_allowed" },
  });
}
