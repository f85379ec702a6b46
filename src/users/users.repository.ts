import { type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { DialectName } from "../db/database.js";
import type { DB, UserRow } from "../db/schema.js";
import { matchesNoStoredText } from "../db/text.js";
import { AppError } from "../errors/app-error.js";
import type { ColumnChange } from "./user-changes.js";
import { PROFILE_FIELDS } from "./user-fields.js";

export type Db = Kysely<DB> | Transaction<DB>;

/** Dates as each dialect stores them: ISO text on SQLite (as Better Auth writes), Date on PostgreSQL. */
export const toDbDate = (dialect: DialectName, date: Date): Date | string =>
  dialect === "sqlite" ? date.toISOString() : date;

// Every column the user object (and so its ETag) is made of.
const SERVED_COLUMNS: ReadonlyArray<keyof UserRow> = [
  "id",
  "email",
  ...PROFILE_FIELDS.map((spec) => spec.column),
  "role",
  "is_active",
  "emailVerified",
  "account_status",
  "createdAt",
  "updatedAt",
];

/** One user; `lock` reads it FOR UPDATE (PostgreSQL, inside a transaction). */
export async function findUserById(db: Db, id: string, { lock = false } = {}): Promise<UserRow | undefined> {
  if (matchesNoStoredText(id)) return undefined;
  const query = db.selectFrom("user").selectAll().where("id", "=", id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

const isUniqueViolation = (error: unknown) => {
  const code = String((error as { code?: unknown })?.code ?? "");
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
};

/**
 * Compare-and-set: writes `changes` only if the guarded columns still hold their values in
 * `current` (the changed columns; every served column when `wholeRow`, for If-Match), in one
 * statement, and returns the new row; undefined when someone else got there first or the user
 * is gone. Other columns are untouched, so concurrent writes of different fields never collide.
 */
export async function updateUserIfUnchanged(
  db: Db,
  dialect: DialectName,
  current: UserRow,
  changes: readonly ColumnChange[],
  options: { wholeRow: boolean; now: Date },
): Promise<UserRow | undefined> {
  const values: Record<string, unknown> = { updatedAt: toDbDate(dialect, options.now) };
  for (const change of changes) values[change.column] = change.stored;
  let query = db
    .updateTable("user")
    .set(values as Updateable<DB["user"]>)
    .where("id", "=", current.id);
  const guarded = options.wholeRow ? SERVED_COLUMNS : changes.map((change) => change.column);
  for (const column of guarded) {
    const expected = current[column];
    if (expected === null) {
      query = query.where(column, "is", null);
    } else if (expected instanceof Date) {
      // PostgreSQL keeps microseconds; node-postgres hands back a JS Date, cut to milliseconds.
      // Compared at that precision, a row written elsewhere (an import, SQL's now()) still matches.
      query = query.where(sql`date_trunc('milliseconds', ${sql.ref(column)})`, "=", expected);
    } else {
      query = query.where(column, "=", expected as never);
    }
  }
  try {
    return await query.returningAll().executeTakeFirst();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("email_taken");
    throw error;
  }
}

/** Ends every session of a user (deactivation); API keys are refused by the user's state instead. */
export async function revokeSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom("session").where("userId", "=", userId).execute();
}
