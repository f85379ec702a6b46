import { hash } from "node:crypto";
import type { User } from "./user-object.js";

/**
 * A user as served: the response body (the user object's JSON, keys in the schema's order) and a
 * strong ETag of exactly those bytes (equal objects, equal tags, on every instance), from one
 * JSON.stringify.
 */
export interface ServedUser {
  user: User;
  json: string;
  etag: string;
}

// crypto.hash: one call, no Hash object (the ETag of every write and read).
const etagOfJson = (json: string) => `"${hash("sha256", json, "base64url").slice(0, 27)}"`;

export function served(user: User): ServedUser {
  const json = JSON.stringify(user);
  return { user, json, etag: etagOfJson(json) };
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
