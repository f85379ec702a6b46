import type { Database, DatabaseOptions } from "./database.js";
import { openPostgresDatabase } from "./postgres-database.js";
import { openSqliteDatabase } from "./sqlite-database.js";

/** Opens the database named by DATABASE_URL (`file:PATH` or `postgres://…`). */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  return url.startsWith("file:") ? openSqliteDatabase(url, options) : openPostgresDatabase(url, options);
}
