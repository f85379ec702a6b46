import { createHash, timingSafeEqual } from "node:crypto";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Checks an Authorization header against `Bearer <token>` in constant time: both sides are
 * hashed first, so neither the content nor the length of the token leaks through timing.
 */
export function bearerTokenMatcher(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const given = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}
