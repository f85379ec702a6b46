import type { Statement } from "../db/raw-sql.js";
import { userColumnList } from "../db/schema.js";
import type { ProfilePatch } from "./patch-body.js";

/** A PATCH of profile fields only, with what the history entry records about it. */
export interface ProfileUpdate {
  userId: string;
  now: Date;
  actorId: string;
  requestId: string;
  patch: ProfilePatch;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

// One statement text per set of patched columns, built the first time it is met.
const texts = new Map<string, string>();

function statementText(patch: ProfilePatch): string {
  const key = patch.map(([spec]) => spec.column).join(",");
  let text = texts.get(key);
  if (text) return text;
  // $1 user id, $2 updatedAt, $3 history time, $4 actor, $5 request id, $6… the values.
  const fields = patch.map(([spec], i) => ({ name: spec.name, column: `"${spec.column}"`, value: `$${i + 6}::text` }));
  const differs = fields.map((f) => `"old".${f.column} is distinct from ${f.value}`).join(" or ");
  const changes = fields.map((f, i) => `(${i}, ${literal(f.name)}, "old".${f.column}, ${f.value})`).join(", ");
  text =
    `with "old" as (select * from "user" where "id" = $1 for update), ` +
    `"updated" as (update "user" as "u" set "updatedAt" = $2, ${fields.map((f) => `${f.column} = ${f.value}`).join(", ")} ` +
    `from "old" where "u"."id" = "old"."id" and (${differs}) returning ${userColumnList("u")}), ` +
    `"entry" as (insert into "user_history" ("user_id", "at", "actor_id", "request_id", "changes") ` +
    `select "updated"."id", $3, $4, $5, (select json_object_agg("c"."field", json_build_object('from', "c"."from", 'to', "c"."to") order by "c"."n")::text ` +
    `from (values ${changes}) as "c"("n", "field", "from", "to") where "c"."from" is distinct from "c"."to") ` +
    `from "updated" cross join "old") ` +
    `select * from "updated"`;
  texts.set(key, text);
  return text;
}

/**
 * PostgreSQL: a profile PATCH as one statement that commits on its own. It locks the user's row,
 * writes the patched fields if any of them still differs, and records the history entry with the
 * values it really replaced. A change made by someone else between the caller's read and this
 * write therefore needs no retry (on the hottest row, retries were most of the work). It returns
 * the new row, or none when the user is gone or the patch changes nothing any more.
 */
export function profileUpdateStatement(update: ProfileUpdate): Statement {
  return {
    sql: statementText(update.patch),
    params: [
      update.userId,
      update.now,
      update.now.toISOString(),
      update.actorId,
      update.requestId,
      ...update.patch.map(([, value]) => value),
    ],
  };
}
