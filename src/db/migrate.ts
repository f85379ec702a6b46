import { getMigrations } from "better-auth/db/migration";
import { type Migration, Migrator, sql } from "kysely";
import type { Auth } from "../auth/better-auth.js";
import type { Database, DialectName } from "./database.js";

// Our own schema changes, after Better Auth's tables exist. Append only; never edit a shipped one.
// Our timestamps are ISO-8601 UTC text on both databases: identical, and they sort as they read.
export function ownMigrations(dialect: DialectName): Record<string, Migration> {
  return {
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
    "002_user_history": {
      up: async (db) => {
        await db.schema
          .createTable("user_history")
          .ifNotExists()
          // The sequence gives history its commit order for one user: writers of a user are
          // serialised by the row they update, and each takes its number after that.
          .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (col) =>
            dialect === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement(),
          )
          .addColumn("user_id", "text", (col) => col.notNull())
          .addColumn("at", "text", (col) => col.notNull())
          .addColumn("actor_id", "text", (col) => col.notNull())
          .addColumn("request_id", "text", (col) => col.notNull())
          .addColumn("changes", "text", (col) => col.notNull())
          .execute();
        await db.schema
          .createIndex("user_history_user_seq_idx")
          .ifNotExists()
          .on("user_history")
          .columns(["user_id", "seq"])
          .execute();
      },
    },
    "003_idempotency_key": {
      up: async (db) => {
        await db.schema
          .createTable("idempotency_key")
          .ifNotExists()
          .addColumn("user_id", "text", (col) => col.notNull())
          .addColumn("key", "text", (col) => col.notNull())
          .addColumn("fingerprint", "text", (col) => col.notNull())
          .addColumn("request_id", "text", (col) => col.notNull())
          .addColumn("locked_until", "text", (col) => col.notNull())
          .addColumn("expires_at", "text", (col) => col.notNull())
          .addColumn("response_status", "integer")
          .addColumn("response_etag", "text")
          .addColumn("response_body", "text")
          .addPrimaryKeyConstraint("idempotency_key_pk", ["user_id", "key"])
          .execute();
        await db.schema
          .createIndex("idempotency_key_expires_idx")
          .ifNotExists()
          .on("idempotency_key")
          .column("expires_at")
          .execute();
      },
    },
    "004_user_history_plain_rowid": {
      // SQLite: AUTOINCREMENT made every commit of a PATCH write one more page (its row in
      // sqlite_sequence) for a guarantee history does not need: its rows are never deleted, so
      // the plain rowid (the largest + 1) already grows as it did. The table is rebuilt, rows and
      // their numbers kept, inside the migration's write transaction (dropping the old table
      // drops its sqlite_sequence row). PostgreSQL: nothing to do.
      up: async (db) => {
        if (dialect !== "sqlite") return;
        for (const statement of [
          'create table "user_history_rebuilt" ("seq" integer primary key, "user_id" text not null, ' +
            '"at" text not null, "actor_id" text not null, "request_id" text not null, "changes" text not null)',
          'insert into "user_history_rebuilt" select "seq", "user_id", "at", "actor_id", "request_id", "changes" ' +
            'from "user_history" order by "seq"',
          `drop table "user_history"`,
          `alter table "user_history_rebuilt" rename to "user_history"`,
          `create index "user_history_user_seq_idx" on "user_history" ("user_id", "seq")`,
        ]) {
          await sql.raw(statement).execute(db);
        }
      },
    },
    "005_webhooks": {
      // Issue 18. The outbox is the history: `relayed` marks a history row (and `webhook_relayed`
      // a new user) the relay has turned into feed events, so the writers' statements stay as
      // they were (a column default, no extra statement). Rows that exist already were never
      // announced and never will be. Every other timestamp is ISO text, as elsewhere.
      up: async (db) => {
        const big = dialect === "postgres" ? "bigint" : "integer";
        for (const statement of [
          'alter table "user_history" add column "relayed" integer not null default 0',
          'update "user_history" set "relayed" = 1',
          'create index if not exists "user_history_unrelayed_idx" on "user_history" ("seq") where "relayed" = 0',
          'alter table "user" add column "webhook_relayed" integer not null default 0',
          'update "user" set "webhook_relayed" = 1',
          'create index if not exists "user_unrelayed_idx" on "user" ("id") where "webhook_relayed" = 0',
          'create table if not exists "webhook_endpoint" ("id" text primary key, "url" text not null, ' +
            '"description" text, "event_types" text, "enabled" integer not null, "disabled_reason" text, ' +
            '"secret" text not null, "previous_secret" text, "previous_secret_expires_at" text, ' +
            '"failing_since" text, "created_at" text not null, "updated_at" text not null)',
          // position: the feed's order, assigned by the relay after commit; null for webhook.test.
          `create table if not exists "webhook_event" ("id" text primary key, "position" ${big} unique, ` +
            '"type" text not null, "user_id" text, "data" text not null, "created_at" text not null)',
          'create index if not exists "webhook_event_created_idx" on "webhook_event" ("created_at")',
          'create table if not exists "webhook_delivery" ("id" text primary key, "endpoint_id" text not null, ' +
            `"event_id" text not null, "event_type" text not null, "position" ${big}, "user_id" text, ` +
            '"status" text not null, "attempts" integer not null, "next_attempt_at" text not null, ' +
            '"locked_until" text, "lease_owner" text, "last_status" integer, "last_error" text, ' +
            '"last_duration_ms" integer, "created_at" text not null, "updated_at" text not null)',
          'create index if not exists "webhook_delivery_due_idx" on "webhook_delivery" ("next_attempt_at") ' +
            "where \"status\" in ('pending', 'failed')",
          // The claim's two checks read deliveries not yet final only (partial indexes: a few rows,
          // however long the log of succeeded ones grows).
          'create index if not exists "webhook_delivery_order_idx" on "webhook_delivery" ("endpoint_id", "user_id", "position") ' +
            "where \"status\" in ('pending', 'failed')",
          'create index if not exists "webhook_delivery_leased_idx" on "webhook_delivery" ("endpoint_id", "locked_until") ' +
            "where \"status\" in ('pending', 'failed')",
          'create index if not exists "webhook_delivery_log_idx" on "webhook_delivery" ("endpoint_id", "created_at", "id")',
          'create index if not exists "webhook_delivery_created_idx" on "webhook_delivery" ("created_at")',
          'create table if not exists "webhook_relay_state" ("id" integer primary key, "last_position" ' +
            `${big} not null)`,
          'insert into "webhook_relay_state" ("id", "last_position") values (1, 0)',
        ]) {
          await sql.raw(statement).execute(db);
        }
      },
    },
  };
}

/**
 * Brings the database up to date: Better Auth's tables and columns, then ours. Safe to re-run,
 * and to run from several instances at once (see Database.withMigrationLock).
 */
export function migrate(auth: Auth, database: Database): Promise<{ applied: string[] }> {
  return database.withMigrationLock(() => migrateUnlocked(auth, database));
}

async function migrateUnlocked(auth: Auth, database: Database): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  const plan = await getMigrations(auth.options);
  for (const table of plan.toBeCreated) applied.push(`better-auth: create table ${table.table}`);
  for (const table of plan.toBeAdded) {
    applied.push(`better-auth: add ${Object.keys(table.fields).join(", ")} to ${table.table}`);
  }
  await plan.runMigrations();

  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => ownMigrations(database.dialect) },
    migrationTableName: "valara_migration",
    migrationLockTableName: "valara_migration_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  for (const result of results ?? []) applied.push(result.migrationName);
  return { applied };
}
