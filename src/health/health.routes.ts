import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { AppError } from "../errors/app-error.js";
import type { Services } from "../services.js";

/** GET /healthz: 200 while the process can serve and reach its database. */
export async function healthRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get(
    "/healthz",
    {
      schema: {
        operationId: "getHealth",
        tags: ["operations"],
        summary: "Liveness and database reachability",
        response: { 200: Type.Object({ status: Type.Literal("ok"), database: Type.Literal("ok") }) },
      },
    },
    async () => {
      if (app.draining) throw new AppError("service_unavailable", { message: "Shutting down." });
      try {
        await sql`select 1`.execute(services.database.db);
      } catch (error) {
        app.log.warn({ err: error }, "health check: database unreachable");
        throw new AppError("service_unavailable", { message: "The database cannot be reached." });
      }
      return { status: "ok" as const, database: "ok" as const };
    },
  );
}
