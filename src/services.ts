import type { FastifyBaseLogger } from "fastify";
import { resolveAuthSecret } from "./auth/auth-secret.js";
import { type Auth, createAuth } from "./auth/better-auth.js";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { openDatabase } from "./db/open-database.js";

/** What the server and the CLI share: configuration, database, Better Auth and its secret. */
export interface Services {
  config: Config;
  database: Database;
  auth: Auth;
  secret: string;
  migrate(): Promise<{ applied: string[] }>;
  close(): Promise<void>;
}

// The server waits for SQLite's write lock asynchronously (see db/transaction.ts): better-sqlite3's
// own wait is synchronous and would stall every request, signals included, so it stays tiny.
// A CLI command may simply wait.
const SERVER_SQLITE_BUSY_MS = 5;
const STATEMENT_SHARE_OF_BUDGET = 0.9;
const CLI_SQLITE_BUSY_MS = 5_000;

/** Opens the database and builds Better Auth on it. Does not migrate: call `migrate()`. */
export function openServices(config: Config, logger: FastifyBaseLogger, { cli = false } = {}): Services {
  const database = openDatabase(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    sqliteSynchronous: config.sqliteSynchronous,
    busyTimeoutMs: cli ? CLI_SQLITE_BUSY_MS : SERVER_SQLITE_BUSY_MS,
    // A little under the budget, so that a PATCH sent as one statement early in its request
    // (Database.writeNow) is answered, committed or cancelled, before the budget runs out.
    statementTimeoutMs: Math.floor(config.requestTimeoutMs * STATEMENT_SHARE_OF_BUDGET),
    onPoolError: (error) => logger.warn({ err: error }, "an idle database connection failed; it will be replaced"),
    walCheckpointer: cli
      ? undefined
      : {
          onError: (message) =>
            logger.warn({ reason: message }, "background WAL checkpoint failed; SQLite's own takes over"),
        },
  });
  const secret = resolveAuthSecret(config, database.dataDir, (path) =>
    logger.info(
      { path },
      "generated a signing secret for development and saved it; set BETTER_AUTH_SECRET in production",
    ),
  );
  const auth = createAuth({ config, database, secret, logger });
  return {
    config,
    database,
    auth,
    secret,
    migrate: () => migrate(auth, database),
    close: () => database.close(),
  };
}
