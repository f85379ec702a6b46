import { Type } from "@sinclair/typebox";
import { ERROR_CODES } from "./error-codes.js";

/** The error envelope as JSON Schema, for OpenAPI and response serialisation. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(
        Object.keys(ERROR_CODES).map((code) => Type.Literal(code)),
        {
          description: "Stable snake_case code; branch on this",
        },
      ),
      message: Type.String({ description: "One readable line" }),
      request_id: Type.String({ description: "Equals the X-Request-Id response header" }),
      details: Type.Object({}, { additionalProperties: true }),
      hint: Type.Optional(Type.String({ description: "What to do instead" })),
    }),
  },
  { $id: "Error", title: "Error" },
);

/** "Forbidden: forbidden, admin_only_fields", from the code table, for OpenAPI descriptions. */
function describeStatus(status: number): string {
  const codes = Object.entries(ERROR_CODES)
    .filter(
      ([, spec]) =>
        spec.status === status || (status === 422 && spec.status === 403 && spec === ERROR_CODES.admin_only_fields),
    )
    .map(([code]) => code);
  return `Error envelope; code is one of: ${codes.join(", ")}`;
}

/** `response` entries for the given statuses, all with the error envelope. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, Type.Ref(ErrorSchema, { description: describeStatus(status) })]),
  );
}
