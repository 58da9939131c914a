/**
 * Protobuf keys and values for the produce path: canonical proto3 JSON in, raw protobuf or the
 * Confluent wire format (schema id + message indexes) out. As with Avro, everything asynchronous
 * (reading the files, the registry's id) is resolved before the serializer is built; the spec's
 * `schema` carries a {@link ProtoBundle} as JSON.
 */
import { parseLocatedJson, JsonSyntaxError } from '../json/locatedJson';
import { checkProtoJson, encodeProtoJson, ProtoValueError, type ProtoValueProblem } from '../protobuf/json';
import { indexesOf, ProtoSchemaError } from '../protobuf/schema';
import { parseBundle, type ProtoBundle } from '../protobuf/serde';
import { encodeProtobufWireFormat } from '../protobuf/wire';
import { registerSerializer, SerializationError, type Serializer, type SerializerOptions } from './serializers';

/** One line per problem: `lines[1].qty: expected int32 (an integer), found "x"`. */
export function describeProtoProblems(problems: ProtoValueProblem[]): string {
  const one = (p: ProtoValueProblem) => (p.path ? `${p.path}: ${p.message}` : p.message);
  return problems.length === 1 ? one(problems[0]) : `${problems.length} problems: ${problems.slice(0, 5).map(one).join('; ')}${problems.length > 5 ? '; …' : ''}`;
}

/** The problems of JSON text for the message, JSON syntax (with line and column) included; empty when it fits. */
export function checkProtoJsonText(bundle: ProtoBundle, text: string): string | undefined {
  let json: unknown;
  try {
    json = parseLocatedJson(text).value;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return `Not valid JSON (line ${e.position.line}, column ${e.position.column}: ${e.reason}).`;
    throw e;
  }
  const { type } = parseBundle(bundle);
  const problems = checkProtoJson(type, json);
  return problems.length ? describeProtoProblems(problems) : undefined;
}

export function protobufSerializer(options: SerializerOptions): Serializer {
  if (!options.schema) throw new SerializationError('Protobuf needs a schema: pick a .proto file and a message, or a Schema Registry subject.');
  let parsed;
  let indexes: number[] | undefined;
  try {
    parsed = parseBundle(JSON.parse(options.schema) as ProtoBundle);
    if (options.schemaId !== undefined) indexes = indexesOf(parsed.schema, parsed.type);
  } catch (e) {
    if (e instanceof ProtoSchemaError || e instanceof SyntaxError) throw new SerializationError(e.message);
    throw e;
  }
  const { type } = parsed;
  const name = type.fullName.replace(/^\./, '');
  const schemaId = options.schemaId;
  return {
    format: 'protobuf',
    serialize(text) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        try {
          parseLocatedJson(text);
        } catch (e) {
          if (e instanceof JsonSyntaxError) throw new SerializationError(`Not valid JSON (line ${e.position.line}, column ${e.position.column}: ${e.reason}).`);
        }
        throw new SerializationError('Not valid JSON.');
      }
      let body: Uint8Array;
      try {
        body = encodeProtoJson(type, json);
      } catch (e) {
        if (e instanceof ProtoValueError) throw new SerializationError(`Not valid for the Protobuf message ${name}: ${describeProtoProblems(e.problems)}.`);
        throw e;
      }
      return schemaId === undefined || !indexes ? Buffer.from(body) : encodeProtobufWireFormat(schemaId, indexes, body);
    },
  };
}

registerSerializer('protobuf', protobufSerializer, { label: 'Protobuf', json: true });
