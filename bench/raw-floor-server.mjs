// Target C, the raw floor: Fastify + better-sqlite3, one prepared SELECT of a hashed API key joined
// with its user and one prepared `UPDATE user SET title = ? WHERE id = ? RETURNING *`. No
// validation, no logging, no bookkeeping: the lower bound for this stack on this machine.
// Same durability as the project by default (WAL, synchronous = NORMAL) on a copy of the project's database.
//
//   RAW_DB=/tmp/x/raw.db PORT=… [RAW_SYNC=FULL]
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import Fastify from "fastify";

const sqlite = new Database(process.env.RAW_DB ?? "raw.db");
sqlite.pragma("journal_mode = WAL");
// RAW_SYNC=FULL (the bench's BENCH_EXTRA=1 target) shows what the fsync of every commit costs.
sqlite.pragma(`synchronous = ${process.env.RAW_SYNC === "FULL" ? "FULL" : "NORMAL"}`);

const findKey = sqlite.prepare(
  'SELECT "user".*, "apikey"."id" AS credential_id, "apikey"."enabled" AS credential_enabled, ' +
    '"apikey"."expiresAt" AS credential_expires_at FROM "apikey" ' +
    'INNER JOIN "user" ON "user"."id" = "apikey"."referenceId" WHERE "apikey"."key" = ?',
);
const update = sqlite.prepare('UPDATE "user" SET "title" = ? WHERE "id" = ? RETURNING *');

const app = Fastify({ logger: false });
app.patch("/api/v1/users/:id", async (request, reply) => {
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
  const caller = token && findKey.get(createHash("sha256").update(token).digest("base64url"));
  if (!caller || caller.credential_enabled === 0) return reply.code(401).send({ error: "unauthorized" });
  if (caller.id !== request.params.id) return reply.code(403).send({ error: "forbidden" });
  return update.get(request.body.title, caller.id);
});

await app.listen({ port: Number(process.env.PORT ?? 3200), host: "127.0.0.1" });
const stop = () => app.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
