import { getMigrations } from "better-auth/db/migration";
import { type Kysely, type Migration, Migrator } from "kysely";
import type { Auth } from "../auth/better-auth.js";
import type { DB } from "./schema.js";

// Our own schema changes, after Better Auth's tables exist. Append only; never edit a shipped one.
const OWN_MIGRATIONS: Record<string, Migration> = {
  "001_user_created_at_index": {
    // Keyset pagination of the user list walks (createdAt, id).
    up: async (db) => {
      await db.schema
        .createIndex("user_created_at_id_idx")
        .ifNotExists()
        .on("user")
        .columns(["createdAt", "id"])
        .execute();
    },
  },
};

/** Brings the database up to date: Better Auth's tables and columns, then ours. Safe to re-run. */
export async function migrate(auth: Auth, db: Kysely<DB>): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  const plan = await getMigrations(auth.options);
  for (const table of plan.toBeCreated) applied.push(`better-auth: create table ${table.table}`);
  for (const table of plan.toBeAdded) {
    applied.push(`better-auth: add ${Object.keys(table.fields).join(", ")} to ${table.table}`);
  }
  await plan.runMigrations();

  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => OWN_MIGRATIONS },
    migrationTableName: "valara_migration",
    migrationLockTableName: "valara_migration_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  for (const result of results ?? []) applied.push(result.migrationName);
  return { applied };
}
