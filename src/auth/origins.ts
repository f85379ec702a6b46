import type { Config } from "../config.js";

// A URL's host part: an IPv6 literal needs brackets; a wildcard bind address is not a place a
// browser can open, so the page's origin there is the loopback one.
function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "[::]") return "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** The base URL Better Auth signs for: BETTER_AUTH_URL, else http://HOST:PORT. */
export const authBaseUrl = (config: Config): string =>
  config.authUrl ?? `http://${hostForUrl(config.host)}:${config.port}`;

/** An origin in the form browsers send it (lower case, no default port), or undefined. */
export function normaliseOrigin(value: string): string | undefined {
  try {
    const { origin } = new URL(value);
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The server's own origins, from configuration only (behind a proxy the Host header says little):
 * BETTER_AUTH_URL's origin (by default http://HOST:PORT); outside production also
 * http://127.0.0.1:PORT and http://localhost:PORT, so the page works opened either way.
 */
export function ownOrigins(config: Config): string[] {
  const origins = [normaliseOrigin(authBaseUrl(config))];
  if (!config.production) {
    origins.push(`http://127.0.0.1:${config.port}`, `http://localhost:${config.port}`);
  }
  return [...new Set(origins.filter((origin): origin is string => origin !== undefined))];
}

/**
 * The origins whose pages may use the session cookie to write (our Origin rule on /api/v1) and to
 * sign in (Better Auth's trustedOrigins): the server's own and CORS_ORIGINS.
 */
export function browserOrigins(config: Config): string[] {
  const cors = config.corsOrigins.map(normaliseOrigin).filter((origin): origin is string => origin !== undefined);
  return [...new Set([...ownOrigins(config), ...cors])];
}
