import type { Db, SqlDialect } from "../db/database.js";
import type { RawSql, Statement, SyncSql } from "../db/raw-sql.js";
import { USER_COLUMNS, type UserRow, userColumnList } from "../db/schema.js";
import { matchesNoStoredText } from "../db/text.js";
import { AppError } from "../errors/app-error.js";
import type { ColumnChange } from "./user-changes.js";

const SELECT_USER = `select ${userColumnList()} from "user" where "id" = ?`;

// Every column the user object (and so its ETag) is made of: the row's columns but `banned`.
const SERVED_COLUMNS = USER_COLUMNS.filter((column) => column !== "banned");

const selectUser = (db: Db, id: string) => db.selectFrom("user").selectAll().where("id", "=", id);

/** One user. */
export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  if (matchesNoStoredText(id)) return undefined;
  return selectUser(db, id).executeTakeFirst();
}

/** One user, locked until the transaction `trx` ends (SqlDialect.forUpdate). */
export async function findUserForUpdate(trx: Db, dialect: SqlDialect, id: string): Promise<UserRow | undefined> {
  if (matchesNoStoredText(id)) return undefined;
  return dialect.forUpdate(selectUser(trx, id)).executeTakeFirst();
}

/** One user, at once, in an at-once write's steps (Database.writeNow): what its transaction sees. */
export function findUserByIdNow(sql: SyncSql, id: string): UserRow | undefined {
  return sql.rows<UserRow>(SELECT_USER, [id])[0];
}

// A unique violation can only be the email (the one unique column a write may change).
export const asEmailTaken = (error: unknown) => {
  const code = String((error as { code?: unknown })?.code ?? "");
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505" ? new AppError("email_taken") : error;
};

// One statement text per shape of write (which columns change, which guards are null), built the
// first time it is met; the values always go as parameters.
const casStatements = new Map<string, string>();

// The text is the same on both databases (a "date" guard only meets PostgreSQL's Dates).
function casStatement(setColumns: readonly string[], guards: readonly Guard[]): string {
  const key = `${setColumns.join(",")}|${guards.map((g) => `${g.column}:${g.kind}`).join(",")}`;
  let text = casStatements.get(key);
  if (!text) {
    const conditions = guards.map(({ column, kind }) =>
      kind === "null"
        ? `"${column}" is null`
        : // PostgreSQL keeps microseconds; node-postgres hands back a JS Date, cut to milliseconds.
          // Compared at that precision, a row written elsewhere (an import, now()) still matches.
          kind === "date"
          ? `date_trunc('milliseconds', "${column}") = ?`
          : `"${column}" = ?`,
    );
    text =
      `update "user" set ${["updatedAt", ...setColumns].map((column) => `"${column}" = ?`).join(", ")} ` +
      `where ${['"id" = ?', ...conditions].join(" and ")} returning ${userColumnList()}`;
    casStatements.set(key, text);
  }
  return text;
}

type Guard = { column: string; kind: "null" | "date" | "value"; value: unknown };

/**
 * Compare-and-set: writes `changes` only if the guarded columns still hold their values in
 * `current` (the changed columns; every served column when `wholeRow`, for If-Match), in one
 * statement that returns the new row, or no row when someone else got there first or the user is
 * gone. Other columns are untouched, so concurrent writes of different fields never collide.
 */
export function compareAndSetUser(
  dialect: SqlDialect,
  current: UserRow,
  changes: readonly ColumnChange[],
  options: { wholeRow: boolean; now: Date },
): Statement {
  const guarded = options.wholeRow ? SERVED_COLUMNS : changes.map((change) => change.column);
  const guards: Guard[] = guarded.map((column) => {
    const value = current[column];
    return { column, kind: value === null ? "null" : value instanceof Date ? "date" : "value", value };
  });
  const { encode } = dialect;
  const params: unknown[] = [encode.date(options.now)];
  for (const change of changes) params.push(encode.value(change.to));
  params.push(current.id);
  for (const guard of guards) if (guard.kind !== "null") params.push(guard.value);
  const columns = changes.map((change) => change.column);
  return { sql: casStatement(columns, guards), params };
}

/** The new row, or undefined when the compare-and-set found the row changed or gone. */
export async function updateUserIfUnchanged(sql: RawSql, cas: Statement): Promise<UserRow | undefined> {
  try {
    return (await sql.rows<UserRow>(cas.sql, cas.params))[0];
  } catch (error) {
    throw asEmailTaken(error);
  }
}

/** The same, at once, in an at-once write's steps. */
export function updateUserIfUnchangedNow(sql: SyncSql, cas: Statement): UserRow | undefined {
  try {
    return sql.rows<UserRow>(cas.sql, cas.params)[0];
  } catch (error) {
    throw asEmailTaken(error);
  }
}

/** Ends every session of a user (deactivation); API keys are refused by the user's state instead. */
export async function revokeSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom("session").where("userId", "=", userId).execute();
}
