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

// Longer than any key or token we issue; refused before hashing or touching the database.
const MAX_CREDENTIAL_LENGTH = 512;
const BEARER = /^bearer\s+(\S+)\s*$/i;

type Presented = { kind: "api_key" | "session"; value: string };

function presentedCredential(headers: IncomingHttpHeaders): Presented {
  const authorization = headers.authorization;
  const apiKeyHeader = headers["x-api-key"];
  if (typeof authorization === "string" && authorization !== "") {
    const token = BEARER.exec(authorization)?.[1];
    if (!token)
      throw new AppError("auth_required", { message: "Use Authorization: Bearer <api key or session token>." });
    return { kind: token.startsWith(API_KEY_PREFIX) ? "api_key" : "session", value: token };
  }
  if (typeof apiKeyHeader === "string" && apiKeyHeader.trim() !== "") {
    return { kind: "api_key", value: apiKeyHeader.trim() };
  }
  throw new AppError("auth_required");
}

/** Hashes an API key the way Better Auth's API-key plugin stores it (SHA-256, base64url). */
export const hashApiKey = (key: string) => hash("sha256", key, "base64url");

// Better Auth hands out session tokens signed (`token.signature`, as in its cookie and the bearer
// plugin's set-auth-token header); the bare token is accepted too, as its bearer plugin does.
function sessionToken(value: string, secret: string): string | undefined {
  const dot = value.indexOf(".");
  if (dot === -1) return value;
  const token = value.slice(0, dot);
  const signature = Buffer.from(decodeURIComponent(value.slice(dot + 1)).replace(/=+$/, ""), "base64url");
  const expected = createHmac("sha256", secret).update(token).digest();
  return signature.length === expected.length && timingSafeEqual(signature, expected) ? token : undefined;
}

// The admin plugin stores several roles as a comma-separated list.
export const hasAdminRole = (role: string | null, adminRoles: readonly string[]) =>
  (role ?? "").split(",").some((one) => adminRoles.includes(one.trim()));

const isPast = (date: DbDate | null) => date !== null && new Date(date).getTime() <= Date.now();

/**
 * Authenticates a request from its headers with one read and no writes. Throws 401 AppErrors:
 * auth_required, api_key_invalid or account_inactive.
 */
export async function authenticate(
  sql: RawSql,
  headers: IncomingHttpHeaders,
  secret: string,
  adminRoles: readonly string[],
): Promise<Caller> {
  const presented = presentedCredential(headers);
  if (presented.value.length > MAX_CREDENTIAL_LENGTH) throw new AppError("api_key_invalid");
  let row: CredentialRow | undefined;
  if (presented.kind === "api_key") {
    row = await findApiKeyWithUser(sql, hashApiKey(presented.value));
  } else {
    const token = sessionToken(presented.value, secret);
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
