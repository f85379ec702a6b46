import type { Kysely, Transaction, Updateable } from "kysely";
import type { DialectName } from "../db/database.js";
import type { DB, UserRow } from "../db/schema.js";
import type { ProfilePatch } from "./patch-body.js";

export type Db = Kysely<DB> | Transaction<DB>;

/** Dates as each dialect stores them: ISO text on SQLite (as Better Auth writes), Date on PostgreSQL. */
export const toDbDate = (dialect: DialectName, date: Date): Date | string =>
  dialect === "sqlite" ? date.toISOString() : date;

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Compare-and-set: writes `changes` only if each of those columns still holds the value in
 * `current`, in one statement, and returns the new row; undefined when someone else changed one
 * of them first (or the user is gone). Other columns are untouched, so concurrent PATCHes of
 * different fields never lose each other's change.
 */
export async function updateProfileIfUnchanged(
  db: Db,
  dialect: DialectName,
  current: UserRow,
  changes: ProfilePatch,
  now: Date,
): Promise<UserRow | undefined> {
  const values: Updateable<DB["user"]> = { updatedAt: toDbDate(dialect, now) };
  // Only `name` is non-nullable, and the patch reader never lets null through for it.
  for (const [spec, value] of changes) (values as Record<string, string | null>)[spec.column] = value;
  let query = db.updateTable("user").set(values).where("id", "=", current.id);
  for (const [spec] of changes) {
    const expected = current[spec.column];
    query = expected === null ? query.where(spec.column, "is", null) : query.where(spec.column, "=", expected);
  }
  return query.returningAll().executeTakeFirst();
}
