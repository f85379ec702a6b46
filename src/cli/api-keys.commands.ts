import type { Services } from "../services.js";
import { CliError } from "./cli-error.js";

const DAY_SECONDS = 24 * 60 * 60;

/** Issues an API key for a user named by id or email; the secret is returned once. */
export async function createApiKey(
  services: Services,
  input: { user: string; name?: string; expiresInDays?: number },
): Promise<{ id: string; key: string; user_id: string }> {
  const { db } = services.database;
  const user = await db
    .selectFrom("user")
    .select("id")
    .where((eb) => eb.or([eb("id", "=", input.user), eb("email", "=", input.user.toLowerCase())]))
    .executeTakeFirst();
  if (!user) throw new CliError(`no user with id or email "${input.user}"`);
  const created = await services.auth.api
    .createApiKey({
      body: {
        userId: user.id,
        name: input.name,
        expiresIn: input.expiresInDays === undefined ? undefined : input.expiresInDays * DAY_SECONDS,
      },
    })
    .catch((error: { body?: { message?: string }; message?: string }) => {
      throw new CliError(error.body?.message ?? error.message ?? "could not create the key");
    });
  return { id: created.id, key: created.key, user_id: user.id };
}

/** Disables a key at once; it stays listed in Better Auth but never authenticates again. */
export async function revokeApiKey(services: Services, keyId: string): Promise<{ id: string; revoked: true }> {
  const { db, encode } = services.database;
  const updated = await db
    .updateTable("apikey")
    .set({ enabled: encode.boolean(false), updatedAt: encode.date(new Date()) })
    .where("id", "=", keyId)
    .returning("id")
    .executeTakeFirst();
  if (!updated) throw new CliError(`no API key with id "${keyId}"`);
  return { id: updated.id, revoked: true };
}
