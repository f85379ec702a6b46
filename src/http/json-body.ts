import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";

// JSON bodies, and JSON Merge Patch's media type, which is JSON too.
const JSON_TYPES = ["application/json", "application/merge-patch+json"];

/**
 * Parses JSON bodies. A body of zero bytes is the empty object: the seed's own examples send a
 * PATCH with `Content-Type: application/json` and nothing after it, which is the empty patch.
 * Anything else goes to Fastify's own parser: whitespace, `null`, `[]` stay what they are
 * (refused by the routes that want an object). Prototype keys are kept as own properties, so
 * the patch reader refuses them as unknown fields.
 */
export function acceptJsonBodies(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser("ignore", "ignore");
  for (const type of JSON_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(type, { parseAs: "string" }, (request, body, done) =>
      body === "" ? done(null, {}) : parseJson(request, body as string, done),
    );
  }
}

/**
 * onRequest hook for routes where no body means the empty object: a request that announces
 * zero bytes (or no length and no chunks) is read as empty JSON whatever its Content-Type says,
 * so it is neither refused as 415 for a type it does not use nor left without a body. A chunked
 * body cannot announce its length: an empty one is still read by the parser of its own type.
 */
export function zeroBytesAreEmptyJson(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  const { headers } = request;
  const length = headers["content-length"];
  if (headers["transfer-encoding"] === undefined && (length === undefined || length === "0")) {
    headers["content-type"] = "application/json";
  }
  done();
}
