// The typed client's types, generated from the OpenAPI document by openapi-typescript. Used by
// `npm run generate:client` (which writes client/openapi-types.ts) and by the test that fails
// when the committed file is stale against /openapi.json.
import openapiTS, { astToString } from "openapi-typescript";

export const CLIENT_TYPES_FILE = new URL("../client/openapi-types.ts", import.meta.url);

const BANNER =
  "// Generated from GET /openapi.json by openapi-typescript (npm run generate:client). Do not edit:\n" +
  "// change the route schemas, then regenerate.\n\n";

/** client/openapi-types.ts's text for this OpenAPI document. */
export async function clientTypesFor(document: object): Promise<string> {
  const ast = await openapiTS(document as never, { alphabetize: false, exportType: false });
  return BANNER + astToString(ast);
}
