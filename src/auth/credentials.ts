import { createHmac, hash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { RawSql } from "../db/raw-sql.js";
import type { DbDate, UserRow } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { API_KEY_PREFIX } from "./better-auth.js";
import { type CredentialRow, findApiKeyWithUser, findSessionWithUser } from "./credentials.repository.js";
import { isUserActive, truthy } from "./user-state.js";

/** Who is calling, established once per request. */
export interface Caller {
  user: UserRow;
  isAdmin: boolean;
  credential: { kind: "api_key" | "session"; id: string };
}

/** A credential as the request carried it; `via: "cookie"` is Better Auth's session cookie. */
export interface Presented {
  kind: "api_key" | "session";
  value: string;
  via: "header" | "cookie";
}

// Longer than any key or token we issue; refused before hashing or touching the database.
const MAX_CREDENTIAL_LENGTH = 512;
const BEARER = /^bearer\s+(\S+)\s*$/i;

/** The value of the first cookie of this name in a Cookie header (browsers send the most specific first). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The credential a request presents: Authorization, else X-API-Key, else (when `cookieName` is
 * given) Better Auth's session cookie. A header always wins over a cookie. Throws auth_required.
 */
export function presentedCredential(headers: IncomingHttpHeaders, cookieName?: string): Presented {
  const authorization = headers.authorization;
  const apiKeyHeader = headers["x-api-key"];
  if (typeof authorization === "string" && authorization !== "") {
    const token = BEARER.exec(authorization)?.[1];
    if (!token)
      throw new AppError("auth_required", { message: "Use Authorization: Bearer <api key or session token>." });
    return { kind: token.startsWith(API_KEY_PREFIX) ? "api_key" : "session", value: token, via: "header" };
  }
  if (typeof apiKeyHeader === "string" && apiKeyHeader.trim() !== "") {
    return { kind: "api_key", value: apiKeyHeader.trim(), via: "header" };
  }
  const cookie = cookieName ? cookieValue(headers.cookie, cookieName) : undefined;
  if (cookie) return { kind: "session", value: cookie, via: "cookie" };
  throw new AppError("auth_required");
}

/** Hashes an API key the way Better Auth's API-key plugin stores it (SHA-256, base64url). */
export const hashApiKey = (key: string) => hash("sha256", key, "base64url");

const decoded = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined; // a malformed escape is no signature of ours (not a 500)
  }
};

// Better Auth hands out session tokens signed (`token.signature`, as in its cookie and the bearer
// plugin's set-auth-token header); as a bearer token the bare token is accepted too, as its bearer
// plugin does, but a cookie must be signed, as Better Auth's own cookie check demands. The
// cookie's value is URI-encoded as a whole (`%2B`, `%3D` in the signature).
function sessionToken(value: string, secret: string, signed: boolean): string | undefined {
  const whole = decoded(value);
  if (whole === undefined) return undefined;
  const dot = whole.indexOf(".");
  if (dot === -1) return signed ? undefined : whole;
  const token = whole.slice(0, dot);
  const signature = Buffer.from(whole.slice(dot + 1).replace(/=+$/, ""), "base64url");
  const expected = createHmac("sha256", secret).update(token).digest();
  return signature.length === expected.length && timingSafeEqual(signature, expected) ? token : undefined;
}

// The admin plugin stores several roles as a comma-separated list.
export const hasAdminRole = (role: string | null, adminRoles: readonly string[]) =>
  (role ?? "").split(",").some((one) => adminRoles.includes(one.trim()));

const isPast = (date: DbDate | null) => date !== null && new Date(date).getTime() <= Date.now();

/**
 * Authenticates a request from its headers (no cookie) with one read and no writes. Throws 401
 * AppErrors: auth_required, api_key_invalid or account_inactive.
 */
export const authenticate = (
  sql: RawSql,
  headers: IncomingHttpHeaders,
  secret: string,
  adminRoles: readonly string[],
): Promise<Caller> => authenticatePresented(sql, presentedCredential(headers), secret, adminRoles);

/** Checks a presented credential with one read and no writes; throws api_key_invalid or account_inactive. */
export async function authenticatePresented(
  sql: RawSql,
  presented: Presented,
  secret: string,
  adminRoles: readonly string[],
): Promise<Caller> {
  if (presented.value.length > MAX_CREDENTIAL_LENGTH) throw new AppError("api_key_invalid");
  let row: CredentialRow | undefined;
  if (presented.kind === "api_key") {
    row = await findApiKeyWithUser(sql, hashApiKey(presented.value));
  } else {
    const token = sessionToken(presented.value, secret, presented.via === "cookie");
    row = token ? await findSessionWithUser(sql, token) : undefined;
  }
  if (!row || (row.enabled !== null && !truthy(row.enabled)) || isPast(row.expiresAt)) {
    throw new AppError("api_key_invalid");
  }
  if (!isUserActive(row.user)) throw new AppError("account_inactive");
  return {
    user: row.user,
    isAdmin: hasAdminRole(row.user.role, adminRoles),
    credential: { kind: presented.kind, id: row.credentialId },
  };
}
