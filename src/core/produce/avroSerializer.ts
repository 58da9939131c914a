/**
 * Avro keys and values for the produce path. The serializer seam is synchronous (one call per record, so a
 * template renders and encodes without a promise per record), so everything asynchronous — reading
 * the schema, the registry's schema id — is resolved before the serializer is built: the spec
 * carries the schema text and, for the Confluent wire format, the id.
 */
import { encodeAvro, encodeConfluentWireFormat } from '../avro/codec';
import { avroValueFromJson, checkAvroJsonText, type AvroValueProblem } from '../avro/json';
import { subjectName, SchemaRegistryError, type SchemaRegistryClient, type SubjectNameStrategy } from '../avro/registry';
import { AvroSchemaError, parseAvroSchema, type AvroSchema } from '../avro/schema';
import { registerSerializer, SerializationError, type Serializer, type SerializerOptions } from './serializers';

/** One line per problem: `customer.address.zip: expected int, found "12a" (line 3, column 12)`. */
export function describeAvroProblems(problems: AvroValueProblem[]): string {
  const one = (p: AvroValueProblem) => `${p.message}${p.position ? ` (line ${p.position.line}, column ${p.position.column})` : ''}`;
  return problems.length === 1 ? one(problems[0]) : `${problems.length} problems: ${problems.slice(0, 5).map(one).join('; ')}${problems.length > 5 ? '; …' : ''}`;
}

function schemaLabel(schema: AvroSchema): string {
  return schema.name ? `Avro schema ${schema.name}` : 'Avro schema';
}

/** The 'avro' serializer: JSON text in the json.ts form → raw Avro, or the wire format when `schemaId` is set. */
export function avroSerializer(options: SerializerOptions): Serializer {
  if (!options.schema) throw new SerializationError('Avro needs a schema: pick an .avsc file or a Schema Registry subject.');
  let schema: AvroSchema;
  try {
    schema = parseAvroSchema(options.schema);
  } catch (e) {
    if (e instanceof AvroSchemaError) throw new SerializationError(e.message);
    throw e;
  }
  const schemaId = options.schemaId;
  return {
    format: 'avro',
    serialize(text) {
      // Fast path: JSON.parse and one conversion; only a failure pays for the located parse that
      // gives line and column.
      let parsed: unknown;
      let ok = true;
      try {
        parsed = JSON.parse(text);
      } catch {
        ok = false;
      }
      const converted = ok ? avroValueFromJson(schema, parsed) : undefined;
      if (!converted?.ok) {
        const checked = checkAvroJsonText(schema, text);
        const problems = checked.ok ? (converted && !converted.ok ? converted.problems : []) : checked.problems;
        throw new SerializationError(`Not valid for the ${schemaLabel(schema)}: ${describeAvroProblems(problems)}.`);
      }
      const body = encodeAvro(schema, converted.value);
      return schemaId === undefined ? body : encodeConfluentWireFormat(schemaId, body);
    },
  };
}

registerSerializer('avro', avroSerializer, { label: 'Avro', json: true });

export interface WireSchemaOptions {
  registry: SchemaRegistryClient;
  schema: AvroSchema;
  topic: string;
  isKey?: boolean;
  strategy?: SubjectNameStrategy;
  /** Register the schema when the subject lacks it (default true); false only looks it up. */
  autoRegister?: boolean;
}

/**
 * The schema id for the Confluent wire format: registered (idempotent in the registry) or looked up
 * under the subject the strategy names.
 * @throws SchemaRegistryError: 409 incompatible with the registry's own words, registry down, or
 *   not registered when registering is off.
 */
export async function resolveWireSchemaId(o: WireSchemaOptions): Promise<{ schemaId: number; subject: string; registered: boolean }> {
  let subject: string;
  try {
    subject = subjectName(o.strategy ?? 'TopicNameStrategy', o.topic, o.isKey ?? false, o.schema.name);
  } catch (e) {
    throw new SchemaRegistryError(`${(e as Error).message}.`, 'invalid-schema');
  }
  if (o.autoRegister === false) {
    const found = await o.registry.lookup(subject, o.schema.text);
    if (!found) {
      throw new SchemaRegistryError(
        `The schema is not registered under subject "${subject}" in the Schema Registry at ${o.registry.url}, and registering is off: register it, or allow registering.`,
        'not-found',
        404,
      );
    }
    return { schemaId: found.id, subject, registered: false };
  }
  return { schemaId: await o.registry.register(subject, o.schema.text), subject, registered: true };
}
