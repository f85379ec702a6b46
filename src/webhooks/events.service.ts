import type { Database } from "../db/database.js";
import { decodeCursor, encodeCursor } from "../http/cursor.js";
import { envelopeOf } from "./webhook-events.js";
import { listEvents } from "./webhooks.repository.js";

const isFeedPosition = (value: unknown): value is { p: number } =>
  typeof value === "object" && value !== null && Number.isSafeInteger((value as { p?: unknown }).p);

// The cursor is bound to the type filter: a cursor of one filter skips what another would show.
const scopeOf = (types: readonly string[] | undefined) => `events:${types ? [...types].sort().join(",") : "*"}`;

/**
 * The feed, oldest first, after the cursor `after`. Positions are handed out in commit order by
 * one sequencer (webhook-relay.ts), so what a page shows never changes and nothing ever appears
 * before a cursor already given. `next_cursor` is never null: at the end it is where to poll from.
 */
export async function readFeed(
  database: Database,
  secret: string,
  query: { after?: string | undefined; limit: number; types?: readonly string[] | undefined },
) {
  const scope = scopeOf(query.types);
  const after = query.after === undefined ? 0 : decodeCursor(secret, scope, query.after, isFeedPosition).p;
  const rows = await listEvents(database.db, after, query.limit + 1, query.types);
  const page = rows.slice(0, query.limit);
  const now = new Date();
  const data = page.map((row) => ({ ...envelopeOf(row, now), position: Number(row.position) }));
  const last = page.at(-1);
  const position = last ? Number(last.position) : after;
  return { data, next_cursor: encodeCursor(secret, scope, { p: position }), has_more: rows.length > query.limit };
}
