import type { Caller } from "../auth/credentials.js";
import type { Database } from "../db/database.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import type { FieldError } from "./field-rules.js";
import { type ListPosition, listUsersAfter, type UserListFilter } from "./users-list.repository.js";

/** Page sizes of GET /api/v1/users. */
export const LIST_LIMIT = { min: 1, max: 200, default: 50 } as const;

/** Every query parameter GET /api/v1/users accepts; any other is refused. */
export const LIST_QUERY_PARAMETERS = ["limit", "cursor", "role", "active"] as const;
type ListQueryParameter = (typeof LIST_QUERY_PARAMETERS)[number];

// toUserObject shows a user with no stored role as this one, so filtering by it finds them too.
const ROLE_OF_UNSET = "user";

/** A validated list request. */
export interface ListQuery {
  limit: number;
  cursor: string | undefined;
  role: string | undefined;
  active: boolean | undefined;
}

export interface UserPage {
  users: UserRow[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface ListDependencies {
  database: Database;
  /** Signs cursors. */
  secret: string;
  /** The configured roles: the values `role` may take. */
  roles: readonly string[];
}

const isKnownParameter = (key: string): key is ListQueryParameter =>
  (LIST_QUERY_PARAMETERS as readonly string[]).includes(key);

/**
 * Reads the query string strictly (Fastify hands over strings, or arrays for repeated keys):
 * `limit` a plain decimal integer in range, `active` exactly true or false, `role` a configured
 * role, no unknown or repeated parameters. Every problem is reported at once as 422.
 */
export function readListQuery(query: unknown, roles: readonly string[]): ListQuery {
  const raw = (typeof query === "object" && query !== null ? query : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const values: Partial<Record<ListQueryParameter, string>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!isKnownParameter(key)) {
      errors.push({
        field: key,
        code: "unknown_parameter",
        message: `${key} is not a parameter of this endpoint (${LIST_QUERY_PARAMETERS.join(", ")})`,
      });
    } else if (typeof value !== "string") {
      errors.push({ field: key, code: "repeated_parameter", message: `${key} must be given once` });
    } else {
      values[key] = value;
    }
  }

  let limit: number = LIST_LIMIT.default;
  if (values.limit !== undefined) {
    const integer = /^-?[0-9]+$/.test(values.limit);
    const value = Number(values.limit);
    if (integer && value >= LIST_LIMIT.min && value <= LIST_LIMIT.max) limit = value;
    else {
      errors.push({
        field: "limit",
        code: integer ? "out_of_range" : "not_an_integer",
        message: `limit must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}`,
      });
    }
  }

  let active: boolean | undefined;
  if (values.active !== undefined) {
    if (values.active === "true" || values.active === "false") active = values.active === "true";
    else errors.push({ field: "active", code: "invalid_boolean", message: "active must be true or false" });
  }

  if (values.role !== undefined && !roles.includes(values.role)) {
    errors.push({ field: "role", code: "unknown_role", message: `role must be one of: ${roles.join(", ")}` });
  }

  if (errors.length > 0) {
    throw new AppError("validation_failed", {
      message: `Invalid query parameters: ${[...new Set(errors.map((error) => error.field))].join(", ")}.`,
      details: { errors },
    });
  }
  return { limit, cursor: values.cursor, role: values.role, active };
}

// A cursor is bound to its filters (not to `limit`, which may change from page to page).
const cursorScope = (query: ListQuery) =>
  `users.list:${JSON.stringify({ role: query.role ?? null, active: query.active ?? null })}`;

// ISO 8601 UTC, up to microseconds: what the repository puts in a position.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

type EncodedPosition = [createdAt: string, id: string];
const isEncodedPosition = (value: unknown): value is EncodedPosition =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === "string" &&
  ISO_INSTANT.test(value[0]) &&
  typeof value[1] === "string" &&
  value[1].length > 0 &&
  value[1].length <= 255;

/**
 * GET /api/v1/users: one page of users, oldest first, for admins (403 `forbidden` for anyone
 * else, before the query is read). 422 `validation_failed` for bad parameters and
 * `invalid_cursor` for a cursor that is not this listing's with these filters.
 */
export async function listUsers(deps: ListDependencies, caller: Caller, rawQuery: unknown): Promise<UserPage> {
  if (!caller.isAdmin) throw new AppError("forbidden", { message: "Only administrators may list users." });
  const query = readListQuery(rawQuery, deps.roles);
  const scope = cursorScope(query);
  let after: ListPosition | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(deps.secret, scope, query.cursor, isEncodedPosition);
    after = { createdAt, id };
  }
  const filter: UserListFilter = {
    ...(query.role === undefined ? {} : { role: { value: query.role, orUnset: query.role === ROLE_OF_UNSET } }),
    ...(query.active === undefined ? {} : { active: query.active }),
  };
  // One row more than the page tells whether another page follows, without a count.
  const listed = await listUsersAfter(deps.database.db, deps.database, filter, after, query.limit + 1);
  const page = listed.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    listed.length > query.limit && last
      ? encodeCursor(deps.secret, scope, [last.position.createdAt, last.position.id] satisfies EncodedPosition)
      : null;
  return { users: page.map((entry) => entry.row), nextCursor };
}
