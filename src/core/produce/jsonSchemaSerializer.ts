/**
 * JSON Schema keys and values for the produce path: the JSON text is checked against the schema
 * (every violation with its path; a record that breaks it is refused, nothing sent) and written
 * as UTF-8 JSON, behind the Confluent wire-format header when the spec carries a schema id.
 * The spec's `schema` is a {@link JsonSchemaBundle} as JSON.
 */
import { JsonSyntaxError, parseLocatedJson } from '../json/locatedJson';
import { compileJsonSchema, describeViolations, JsonSchemaError, type CompiledJsonSchema, type JsonSchemaBundle } from '../jsonschema/schema';
import { encodeJsonSchemaWireFormat } from '../jsonschema/serde';
import { registerSerializer, SerializationError, type Serializer, type SerializerOptions } from './serializers';

/** Why the text is not a value of the schema (JSON syntax with line and column, or its violations); undefined when it is. */
export function checkJsonSchemaText(schema: CompiledJsonSchema, text: string): string | undefined {
  let value: unknown;
  try {
    value = parseLocatedJson(text).value;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return `Not valid JSON (line ${e.position.line}, column ${e.position.column}: ${e.reason}).`;
    throw e;
  }
  const v = schema.validate(value);
  return v.length ? describeViolations(v) : undefined;
}

export function jsonSchemaSerializer(options: SerializerOptions): Serializer {
  if (!options.schema) throw new SerializationError('JSON Schema needs a schema: pick a schema file or a Schema Registry subject.');
  let schema: CompiledJsonSchema;
  try {
    schema = compileJsonSchema(JSON.parse(options.schema) as JsonSchemaBundle);
  } catch (e) {
    if (e instanceof JsonSchemaError || e instanceof SyntaxError) throw new SerializationError(e.message);
    throw e;
  }
  const schemaId = options.schemaId;
  return {
    format: 'jsonschema',
    serialize(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new SerializationError(checkJsonSchemaText(schema, text) ?? 'Not valid JSON.');
      }
      const violations = schema.validate(value);
      if (violations.length) throw new SerializationError(`Not valid for the JSON Schema ${schema.bundle.file}: ${describeViolations(violations)}.`);
      // Compact, as Confluent's serializers write it.
      const json = JSON.stringify(value);
      return schemaId === undefined ? Buffer.from(json, 'utf8') : encodeJsonSchemaWireFormat(schemaId, json);
    },
  };
}

registerSerializer('jsonschema', jsonSchemaSerializer, { label: 'JSON Schema', json: true });
