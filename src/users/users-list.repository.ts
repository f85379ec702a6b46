import type { Db, SqlDialect } from "../db/database.js";
import type { UserRow } from "../db/schema.js";

/**
 * A place in the user list, strictly after which the next page starts: `createdAt` is the
 * column's value as ISO 8601 text at its full precision (SQLite: the stored text itself;
 * PostgreSQL: microseconds, which a JS Date would cut to milliseconds), then the id tie-break.
 */
export interface ListPosition {
  createdAt: string;
  id: string;
}

/** What the list is narrowed to. */
export interface UserListFilter {
  /** Users whose stored role is `value`; with `orUnset`, also users with no role stored. */
  role?: { value: string; orUnset: boolean };
  /** On the `is_active` column; NULL there reads as false, as in the user object. */
  active?: boolean;
}

export interface ListedUser {
  row: UserRow;
  position: ListPosition;
}

/**
 * The page query, oldest first by (createdAt, id), strictly after `after`: a keyset walk of the
 * user_created_at_id_idx index, so a page deep in the list costs what the first one does.
 * Exported for the query-plan test; callers use `listUsersAfter`.
 */
export function selectUsersAfter(
  db: Db,
  dialect: SqlDialect,
  filter: UserListFilter,
  after: ListPosition | undefined,
  take: number,
) {
  // The position's date as text at the column's own precision, so it can be handed back verbatim:
  // SQLite compares it with the stored text, PostgreSQL parses it back into a timestamptz.
  const positionAt = dialect.isoTimestamp("user.createdAt").as("list_position_at");
  let query = db.selectFrom("user").selectAll("user").select(positionAt);
  const { role, active } = filter;
  if (role) {
    query = role.orUnset
      ? query.where((eb) => eb.or([eb("role", "=", role.value), eb("role", "is", null)]))
      : query.where("role", "=", role.value);
  }
  if (active !== undefined) {
    const stored = dialect.encode.boolean(active);
    query = active
      ? query.where("is_active", "=", stored)
      : query.where((eb) => eb.or([eb("is_active", "=", stored), eb("is_active", "is", null)]));
  }
  if (after) {
    // (createdAt, id) > (?, ?), spelled portably. The redundant `>=` hands the planner an index
    // range to start from, instead of reading from the first row and filtering.
    query = query.where((eb) =>
      eb.and([
        eb("createdAt", ">=", after.createdAt),
        eb.or([
          eb("createdAt", ">", after.createdAt),
          eb.and([eb("createdAt", "=", after.createdAt), eb("id", ">", after.id)]),
        ]),
      ]),
    );
  }
  return query.orderBy("createdAt", "asc").orderBy("id", "asc").limit(take);
}

/** Up to `take` users strictly after `after` (from the start when undefined), oldest first. */
export async function listUsersAfter(
  db: Db,
  dialect: SqlDialect,
  filter: UserListFilter,
  after: ListPosition | undefined,
  take: number,
): Promise<ListedUser[]> {
  const rows = await selectUsersAfter(db, dialect, filter, after, take).execute();
  return rows.map(({ list_position_at, ...row }) => ({
    row,
    position: { createdAt: String(list_position_at), id: row.id },
  }));
}
