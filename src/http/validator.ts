import { FormatRegistry, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import type { FastifySchemaCompiler } from "fastify";
import type { FastifyRouteSchemaDef } from "fastify/types/schema.js";

// TypeBox checks no format by itself. The route schemas that are checked here (not by the patch
// reader, nor by Better Auth behind its routes) use these: an email is loosely one (Better Auth
// checks it again), a date-time is what Date#toISOString writes or close to it.
FormatRegistry.Set("email", (value) => /^[^\s@]+@[^\s@]+$/.test(value));
FormatRegistry.Set("date-time", (value) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value),
);

/**
 * Route schemas are TypeBox (JSON Schema), compiled once per route, with `references` (the
 * app's named schemas) resolving their Type.Ref. Params, query strings and headers arrive as
 * text: they are converted to the schema's types and get its defaults first.
 */
export function createSchemaValidator(references: TSchema[]): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const check = TypeCompiler.Compile(schema, references);
    return (value) => {
      const prepared =
        httpPart === "body" ? value : Value.Default(schema, references, Value.Convert(schema, references, value));
      if (check.Check(prepared)) return { value: prepared };
      return {
        error: [...check.Errors(prepared)].map((error) => ({
          keyword: "invalid_value",
          instancePath: error.path,
          schemaPath: "",
          params: {},
          message: error.message,
        })),
      };
    };
  };
}

// Params and headers of the write routes name no shared schema.
const plainValidator = createSchemaValidator([]);

/** For write routes whose body is read (and its rules ordered) by the service itself. */
export const bodyReadByService: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === "body" ? (data) => ({ value: data }) : plainValidator(route as FastifyRouteSchemaDef<TSchema>);
