import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../errors/app-error.js";

/** Where `npm run build` puts the dashboard (vite build of web/, then precompressed). */
export const DASHBOARD_ROOT = fileURLToPath(new URL("../../dist/app/", import.meta.url));

/** The URL path the dashboard is served under; web/vite.config.ts's `base` says the same. */
export const DASHBOARD_PATH = "/app/";

/**
 * The page's Content-Security-Policy: only its own scripts, styles and API, nothing inline,
 * no framing. `img-src data:` is for small inline images (icons) a page may draw.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const IMMUTABLE = "public, max-age=31536000, immutable";
// Revalidated on every load (cheap: ETag/304), so a new build is picked up at once.
const REVALIDATE = "no-cache";

// Vite names every file under assets/ by its content's hash: such a name never changes meaning.
// Anything else (index.html, favicon.svg) keeps its name across builds.
const cacheHeaders = (root: string) => {
  const assets = join(root, "assets") + sep;
  return (reply: FastifyReply, path: string) => {
    reply.header("cache-control", path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
  };
};

function pageHeaders(reply: FastifyReply) {
  reply.header("content-security-policy", DASHBOARD_CSP);
  reply.header("referrer-policy", "same-origin");
  reply.header("cross-origin-opener-policy", "same-origin");
  reply.header("x-frame-options", "DENY");
}

export interface DashboardOptions {
  /** The built dashboard's folder; DASHBOARD_ROOT unless a test says otherwise. */
  root?: string;
}

/**
 * The dashboard (contract §9): `GET /` redirects to /app/; /app/assets/* are the hashed files,
 * cached for a year, in the .br/.gz the build made when the browser accepts one; every other
 * /app/… path is the page itself (index.html, revalidated on each load), so that the page's own
 * router can open any of its paths. Without a build (running from sources), /app/ answers 503.
 */
export async function dashboardPlugin(app: FastifyInstance, { root = DASHBOARD_ROOT }: DashboardOptions) {
  app.get("/", { schema: { hide: true } }, (_request, reply) => reply.redirect(DASHBOARD_PATH, 302));
  app.addHook("onRequest", async (_request, reply) => pageHeaders(reply));

  if (!existsSync(join(root, "index.html"))) {
    app.log.warn({ root }, "the dashboard is not built: /app/ answers 503 until `npm run build` has run");
    const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header("cache-control", "no-store");
      throw new AppError("service_unavailable", {
        message: "The dashboard is not built on this server: run `npm run build` (npm ci runs it).",
      });
    };
    app.get(DASHBOARD_PATH, { schema: { hide: true } }, notBuilt);
    app.get(`${DASHBOARD_PATH}*`, { schema: { hide: true } }, notBuilt);
    return;
  }

  // One route per file found at start (wildcard: false), so the fallback below can own /app/*.
  // The .br/.gz siblings are not routes of their own: `preCompressed` picks them by Accept-Encoding.
  await app.register(fastifyStatic, {
    root,
    prefix: DASHBOARD_PATH,
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    globIgnore: ["**/*.br", "**/*.gz", "index.html"],
    setHeaders: cacheHeaders(root),
  });

  const sendPage = (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile("index.html", root);
  app.get(DASHBOARD_PATH, { schema: { hide: true } }, sendPage);
  app.get(`${DASHBOARD_PATH}*`, { schema: { hide: true } }, async (request, reply) => {
    // A missing hashed file is a stale page or a typo, not a page of the app: no HTML for a script.
    if (request.url.startsWith(`${DASHBOARD_PATH}assets/`)) throw new AppError("not_found");
    return sendPage(request, reply);
  });
}
