// What the typed client generates from the OpenAPI document: its types (openapi-typescript) and
// the profile form's catalog (labels, groups, lengths, kinds). Used by `npm run generate:client`,
// which writes both files, and by the test that fails when either is stale against /openapi.json.
import openapiTS, { astToString } from "openapi-typescript";

export const CLIENT_TYPES_FILE = new URL("../client/openapi-types.ts", import.meta.url);
export const CLIENT_FIELDS_FILE = new URL("../client/profile-fields.ts", import.meta.url);

const BANNER =
  "// Generated from GET /openapi.json by npm run generate:client. Do not edit: change the route\n" +
  "// schemas (or the field catalog, src/users/user-fields.ts), then regenerate.\n\n";

/** client/openapi-types.ts's text for this OpenAPI document. */
export async function clientTypesFor(document: object): Promise<string> {
  const ast = await openapiTS(document as never, { alphabetize: false, exportType: false });
  return BANNER + astToString(ast);
}

type PropertySchema = {
  title?: string;
  description?: string;
  maxLength?: number;
  anyOf?: Array<{ type?: string; maxLength?: number }>;
  "x-group"?: string;
  "x-kind"?: string;
  "x-multiline"?: boolean;
};

/** client/profile-fields.ts's text: the profile fields of the PATCH body, as a form needs them. */
export function clientFieldsFor(document: {
  components: {
    schemas: Record<
      string,
      { properties: Record<string, PropertySchema>; "x-field-groups": Array<{ id: string; label: string }> }
    >;
  };
}): string {
  const patch = document.components.schemas.UserProfilePatch;
  if (!patch) throw new Error("the document has no UserProfilePatch");
  const fields = Object.entries(patch.properties).map(([name, schema]) => ({
    name,
    label: schema.title ?? name,
    group: schema["x-group"] ?? "",
    kind: schema["x-kind"] ?? "text",
    maxLength: schema.maxLength ?? schema.anyOf?.find((option) => option.type === "string")?.maxLength ?? null,
    nullable: schema.anyOf?.some((option) => option.type === "null") ?? false,
    multiline: schema["x-multiline"] ?? false,
    description: schema.description ?? "",
  }));
  return (
    BANNER +
    "/** The seed's groups of profile fields, in order. */\n" +
    `export const PROFILE_FIELD_GROUPS = ${JSON.stringify(patch["x-field-groups"], null, 2)} as const;\n\n` +
    "/** Every profile field a PATCH may send, in the document's order, with its label and rules. */\n" +
    `export const PROFILE_FIELDS = ${JSON.stringify(fields, null, 2)} as const;\n\n` +
    "export type ProfileFieldSpec = (typeof PROFILE_FIELDS)[number];\n" +
    'export type ProfileFieldGroupId = (typeof PROFILE_FIELD_GROUPS)[number]["id"];\n'
  );
}
