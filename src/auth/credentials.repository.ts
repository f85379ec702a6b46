import type { Kysely } from "kysely";
import type { DB, DbBoolean, DbDate, UserRow } from "../db/schema.js";
import { matchesNoStoredText } from "../db/text.js";

export interface CredentialRow {
  user: UserRow;
  credentialId: string;
  enabled: DbBoolean | null;
  expiresAt: DbDate | null;
}

function splitRow(
  row: UserRow & { credential_id: string; credential_enabled: DbBoolean | null; credential_expires_at: DbDate | null },
): CredentialRow {
  const { credential_id, credential_enabled, credential_expires_at, ...user } = row;
  return { user, credentialId: credential_id, enabled: credential_enabled, expiresAt: credential_expires_at };
}

/** One indexed read: the API key with this hash and its owner. Writes nothing. */
export async function findApiKeyWithUser(db: Kysely<DB>, hashedKey: string): Promise<CredentialRow | undefined> {
  const row = await db
    .selectFrom("apikey")
    .innerJoin("user", "user.id", "apikey.referenceId")
    .selectAll("user")
    .select([
      "apikey.id as credential_id",
      "apikey.enabled as credential_enabled",
      "apikey.expiresAt as credential_expires_at",
    ])
    .where("apikey.key", "=", hashedKey)
    .executeTakeFirst();
  return row && splitRow(row);
}

/** One indexed read: the session with this token and its user. Writes nothing. */
export async function findSessionWithUser(db: Kysely<DB>, token: string): Promise<CredentialRow | undefined> {
  if (matchesNoStoredText(token)) return undefined;
  const row = await db
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.userId")
    .selectAll("user")
    .select(["session.id as credential_id", "session.expiresAt as credential_expires_at"])
    .where("session.token", "=", token)
    .executeTakeFirst();
  return row && splitRow({ ...row, credential_enabled: true });
}
