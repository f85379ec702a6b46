import { createApiKey } from "../../../src/cli/api-keys.commands.js";
import type { Dashboard, Person } from "./dashboard.js";

/** An API key of a person, made as `valara api-keys create` makes one (the CLI's own function). */
export async function apiKeyFor(dashboard: Dashboard, person: Pick<Person, "id">): Promise<string> {
  return (await createApiKey(dashboard.services, { user: person.id, name: "test support" })).key;
}

/** One call of /api/v1 from the test itself (not the page), with a Bearer credential. */
export async function callApi(
  dashboard: Dashboard,
  credential: string,
  method: "GET" | "PATCH" | "PUT" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${dashboard.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credential}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Asserts a call succeeded, naming the answer when it did not. */
export async function mustCall(...args: Parameters<typeof callApi>): Promise<unknown> {
  const answer = await callApi(...args);
  if (answer.status >= 300) throw new Error(`${args[2]} ${args[3]}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}
