// Target B: Better Auth on its own, set up the way its documentation shows, with the project's own
// `better-auth` dependency. SQLite (better-sqlite3, its own file) or PostgreSQL (pg Pool).
// Load: POST /api/auth/update-user with `Authorization: Bearer <session token>` (bearer plugin).
//
//   BA_DATABASE=file:/tmp/x/better-auth.db | postgres://…   PORT=…   BETTER_AUTH_SECRET=…
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { bearer } from "better-auth/plugins";

const url = process.env.BA_DATABASE ?? "file:./better-auth.db";
const port = Number(process.env.PORT ?? 3100);

async function database() {
  if (url.startsWith("file:")) {
    const { default: Database } = await import("better-sqlite3");
    return new Database(url.slice("file:".length));
  }
  const { Pool } = (await import("pg")).default;
  return new Pool({ connectionString: url });
}

export const auth = betterAuth({
  baseURL: `http://127.0.0.1:${port}`,
  secret: process.env.BETTER_AUTH_SECRET,
  database: await database(),
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  plugins: [bearer()],
});

// What `npx @better-auth/cli migrate` does (the CLI needs Node 22): create the tables.
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const server = createServer(toNodeHandler(auth));
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`better-auth bench server on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
