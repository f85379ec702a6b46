import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import type { FastifySchemaCompiler } from "fastify";
import type { FastifyRouteSchemaDef } from "fastify/types/schema.js";

/**
 * Route schemas are TypeBox (JSON Schema), compiled once per route. Params, query strings and
 * headers arrive as text: they are converted to the schema's types and get its defaults first.
 */
export const schemaValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  return (value) => {
    const prepared = httpPart === "body" ? value : Value.Default(schema, Value.Convert(schema, value));
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

/** For write routes whose body is read (and its rules ordered) by the service itself. */
export const bodyReadByService: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === "body" ? (data) => ({ value: data }) : schemaValidator(route as FastifyRouteSchemaDef<TSchema>);
