import { createHash } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { SECURITY_SCHEMES } from "./security.js";

// Fastify-swagger marks every request body required; a route schema spreading OPTIONAL_BODY
// says its body may be left out (the operation's `requestBody.required` becomes false).
const OPTIONAL_BODY_KEY = "x-optional-body";

/** Spread into a route schema whose request body may be left out. */
export const OPTIONAL_BODY: Record<string, unknown> = { [OPTIONAL_BODY_KEY]: true };

// Swagger UI's top-bar logo is an SVG with a <style> element inside, which a CSP without
// 'unsafe-inline' refuses (a console error on every load); allowing exactly that stylesheet by
// its hash keeps every other style to the page's own files. A test loads /docs in Chromium and
// fails on any CSP violation, so an upgrade that changes the logo shows at once.
const SWAGGER_LOGO_CSS = ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";
const styleHash = (css: string) => `'sha256-${createHash("sha256").update(css).digest("base64")}'`;
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  `style-src 'self' ${styleHash(SWAGGER_LOGO_CSS)}`,
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
].join("; ");

type Operation = { requestBody?: { required?: boolean }; [OPTIONAL_BODY_KEY]?: boolean };

/** Applies the OPTIONAL_BODY marks, and drops them from the document. */
function markOptionalBodies(document: { paths?: Record<string, Record<string, Operation>> }) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (!operation[OPTIONAL_BODY_KEY]) continue;
      if (operation.requestBody) operation.requestBody.required = false;
      delete operation[OPTIONAL_BODY_KEY];
    }
  }
  return document;
}

export interface OpenapiOptions {
  /** BETTER_AUTH_URL when set: the server's public URL. */
  publicUrl: string | undefined;
}

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json and /docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance, { publicUrl }: OpenapiOptions) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Valara Users API",
          version: "1.0.0",
          description:
            "Agents edit their own public profile; platform admins edit anyone's. Errors use one envelope: " +
            '{"error": {"code", "message", "request_id", "details"}}. Accounts, sessions and API keys are ' +
            "Better Auth's routes under /api/auth; only the ones listed here are served.",
        },
        // "Try it out" must talk to this process, never to another host with the key typed in:
        // a relative URL is this server, whatever port or host it was opened on.
        servers: [{ url: publicUrl ?? "/", description: "This server" }],
        tags: [
          { name: "users", description: "User profiles" },
          { name: "auth", description: "Accounts, sessions and API keys (Better Auth)" },
          { name: "operations", description: "Health and metrics" },
        ],
        components: { securitySchemes: SECURITY_SCHEMES },
      },
      // Keep schema names (User, Error) as component names instead of def-0, def-1.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
      transformObject: (documentObject) =>
        markOptionalBodies(
          (documentObject as { openapiObject: Parameters<typeof markOptionalBodies>[0] }).openapiObject,
        ) as never,
    });
    await app.register(swaggerUi, {
      routePrefix: "/docs",
      staticCSP: DOCS_CSP,
      // No badge fetched from validator.swagger.io: the page talks to this server only.
      uiConfig: { validatorUrl: null },
    });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
