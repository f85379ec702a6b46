import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json and /docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Valara Users API",
          version: "1.0.0",
          description:
            "Agents edit their own public profile; platform admins edit anyone's. Errors use one envelope: " +
            '{"error": {"code", "message", "request_id", "details"}}.',
        },
        servers: [{ url: "https://valara.cloud" }, { url: "http://127.0.0.1:3000" }],
        tags: [
          { name: "users", description: "User profiles" },
          { name: "operations", description: "Health and metrics" },
        ],
        components: {
          securitySchemes: {
            bearer: { type: "http", scheme: "bearer", description: "An API key (vk_…) or a Better Auth session token" },
            apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          },
        },
      },
      // Keep schema names (User, Error) as component names instead of def-0, def-1.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
    });
    await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
