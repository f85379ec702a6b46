import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors/app-error.js";

/**
 * Opaque pagination cursors: base64url JSON plus an HMAC, so a client can neither forge nor edit
 * one, and a cursor minted for one listing (its `scope`: route and filters) is refused by another.
 */
export function encodeCursor(secret: string, scope: string, position: unknown): string {
  const payload = Buffer.from(JSON.stringify(position)).toString("base64url");
  return `${payload}.${sign(secret, scope, payload)}`;
}

/** The position inside a cursor; 422 invalid_cursor when it was tampered with or is foreign. */
export function decodeCursor<T>(
  secret: string,
  scope: string,
  cursor: string,
  isPosition: (value: unknown) => value is T,
): T {
  const [payload, signature, extra] = cursor.split(".");
  if (!payload || !signature || extra !== undefined || cursor.length > 1024) throw invalidCursor();
  const expected = Buffer.from(sign(secret, scope, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!isPosition(position)) throw invalidCursor();
  return position;
}

function sign(secret: string, scope: string, payload: string): string {
  return createHmac("sha256", secret).update(`cursor:${scope}:${payload}`).digest("base64url");
}

const invalidCursor = () =>
  new AppError("invalid_cursor", {
    message: "The cursor is invalid: pass next_cursor from the previous page unchanged, with the same filters.",
  });
