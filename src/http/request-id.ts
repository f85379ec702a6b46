import { randomFillSync } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ulid } from "ulid";

// Cryptographic random bytes drawn 4 KiB at a time: ulid() would otherwise look up its PRNG and
// make one system call per character, on every request.
const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;
const pooledRandom = () => {
  if (poolOffset >= randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  // 256 is a multiple of ULID's 32 symbols, so every symbol stays equally likely.
  return (randomPool[poolOffset++] as number) / 256;
};

/** A new ULID, e.g. for request ids. */
export const newUlid = () => ulid(undefined, pooledRandom);

// A client-supplied id is kept only when it cannot smuggle anything into headers or logs.
const SAFE_CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Fastify's genReqId: the caller's X-Request-Id when safe, else `req_` + ULID. */
export function generateRequestId(request: IncomingMessage): string {
  const supplied = request.headers["x-request-id"];
  return typeof supplied === "string" && SAFE_CLIENT_ID.test(supplied) ? supplied : `req_${newUlid()}`;
}

/** Echoes the request id on every response. */
export const requestIdPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook("onRequest", (request, reply, done) => {
      reply.header("x-request-id", request.id);
      done();
    });
  },
  { name: "request-id" },
);
