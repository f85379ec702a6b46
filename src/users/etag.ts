import { hash } from "node:crypto";
import type { User } from "./user-object.js";

/** A strong ETag of the user object as served: equal objects, equal tags, on every instance. */
export function etagOf(user: User): string {
  // crypto.hash: one call, no Hash object (the ETag of every write and read).
  return `"${hash("sha256", JSON.stringify(user), "base64url").slice(0, 27)}"`;
}

// RFC 9110: a list of entity tags, or `*`.
const entityTags = (header: string) =>
  header
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");

/** If-Match, strong comparison (weak tags never match): does `etag` satisfy the header? */
export function ifMatchSatisfied(header: string, etag: string): boolean {
  const tags = entityTags(header);
  return tags.includes("*") || tags.includes(etag);
}

/** If-None-Match, weak comparison: true when the client's copy is current (answer 304). */
export function ifNoneMatchHit(header: string, etag: string): boolean {
  const tags = entityTags(header).map((tag) => tag.replace(/^W\//, ""));
  return tags.includes("*") || tags.includes(etag);
}
