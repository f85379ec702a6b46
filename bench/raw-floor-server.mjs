// Target C, the raw floor: Fastify, one prepared SELECT of a hashed API key joined with its user
// and one prepared `UPDATE user SET title = … WHERE id = … RETURNING *`. No validation, no
// logging, no bookkeeping: the lower bound for this stack on this machine.
// SQLite (RAW_DB): same durability as the project by default (WAL, synchronous = NORMAL), on a
// copy of the project's database. PostgreSQL (RAW_PG): node-postgres, a pool of 10 as the
// project's default, named statements, each statement committing on its own; on the project's
// own PostgreSQL database (the bench loads one target at a time).
//
//   RAW_DB=/tmp/x/raw.db PORT=… [RAW_SYNC=FULL]
//   RAW_PG=postgres://…/db PORT=…
import { createHash } from "node:crypto";
import Fastify from "fastify";

const FIND_KEY =
  'SELECT "user".*, "apikey"."id" AS credential_id, "apikey"."enabled" AS credential_enabled, ' +
  '"apikey"."expiresAt" AS credential_expires_at FROM "apikey" ' +
  'INNER JOIN "user" ON "user"."id" = "apikey"."referenceId" WHERE "apikey"."key" = ';
const UPDATE = 'UPDATE "user" SET "title" = $1 WHERE "id" = $2 RETURNING *';

/** { findKey(hash) → row | undefined, update(title, id) → row }, sync or async. */
async function openStore() {
  if (process.env.RAW_PG) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: process.env.RAW_PG, max: 10 });
    return {
      findKey: async (hash) => (await pool.query({ name: "find_key", text: `${FIND_KEY}$1`, values: [hash] })).rows[0],
      update: async (title, id) => (await pool.query({ name: "update", text: UPDATE, values: [title, id] })).rows[0],
    };
  }
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(process.env.RAW_DB ?? "raw.db");
  sqlite.pragma("journal_mode = WAL");
  // RAW_SYNC=FULL (the bench's BENCH_EXTRA=1 target) shows what the fsync of every commit costs.
  sqlite.pragma(`synchronous = ${process.env.RAW_SYNC === "FULL" ? "FULL" : "NORMAL"}`);
  const findKey = sqlite.prepare(`${FIND_KEY}?`);
  const update = sqlite.prepare(UPDATE.replace("$1", "?").replace("$2", "?"));
  return { findKey: (hash) => findKey.get(hash), update: (title, id) => update.get(title, id) };
}

const store = await openStore();
const app = Fastify({ logger: false });
app.patch("/api/v1/users/:id", async (request, reply) => {
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
  const caller = token && (await store.findKey(createHash("sha256").update(token).digest("base64url")));
  if (!caller?.credential_enabled) return reply.code(401).send({ error: "unauthorized" });
  if (caller.id !== request.params.id) return reply.code(403).send({ error: "forbidden" });
  return store.update(request.body.title, caller.id);
});

await app.listen({ port: Number(process.env.PORT ?? 3200), host: "127.0.0.1" });
const stop = () => app.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
