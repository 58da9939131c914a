/**
 * JSON Schema records: the registry's schemas by id (with references), registering a schema with
 * its `$ref` files as references, and decoding a record to its JSON plus any violations — a record
 * that breaks its schema is still shown, with what it breaks.
 */
import { CONFLUENT_HEADER_LENGTH, CONFLUENT_MAGIC_BYTE, parseConfluentWireFormat } from '../avro/codec';
import { schemaIdCache, SchemaRegistryError, subjectName, type SchemaReference, type SchemaRegistryClient, type SubjectNameStrategy } from '../avro/registry';
import { compileJsonSchema, JsonSchemaError, type CompiledJsonSchema, type JsonSchemaViolation } from './schema';

export function encodeJsonSchemaWireFormat(schemaId: number, json: string): Buffer {
  const header = Buffer.alloc(CONFLUENT_HEADER_LENGTH);
  header[0] = CONFLUENT_MAGIC_BYTE;
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, Buffer.from(json, 'utf8')]);
}

const byId = schemaIdCache<CompiledJsonSchema>();

/** The registry's JSON Schema for an id, with its references, compiled once per client. */
export function jsonSchemaById(registry: SchemaRegistryClient, id: number): Promise<CompiledJsonSchema> {
  return byId(registry, id, async () => {
    const s = await registry.getSchemaById(id);
    if (s.schemaType !== 'JSON') throw new JsonSchemaError(`Schema ${id} in the registry is ${s.schemaType}, not a JSON Schema: read this record with the ${s.schemaType === 'PROTOBUF' ? 'Protobuf' : 'Avro'} deserializer.`);
    const refs = await registry.referencedSchemas(s.references);
    const file = `registry schema ${id}`;
    return compileJsonSchema({ file, files: { ...Object.fromEntries(refs), [file]: s.schema } });
  });
}

export interface JsonSchemaRegisterOptions {
  registry: SchemaRegistryClient;
  schema: CompiledJsonSchema;
  topic: string;
  isKey?: boolean;
  strategy?: SubjectNameStrategy;
  autoRegister?: boolean;
  /** A subject given outright instead of the strategy's. */
  subject?: string;
  /** Runs once the `$ref` files are registered, before the schema itself is (a compatibility check); throw to stop. */
  beforeRegister?: (subject: string, references: SchemaReference[]) => Promise<void>;
}

function titleOf(text: string): string | undefined {
  try {
    const t = (JSON.parse(text) as { title?: unknown }).title;
    return typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The schema id for the wire format: each `$ref` file registered under its ref name, then the
 * schema with them as references. RecordNameStrategy uses the schema's `title`.
 */
export async function resolveJsonSchemaId(o: JsonSchemaRegisterOptions): Promise<{ schemaId: number; subject: string; references: SchemaReference[] }> {
  const subject = o.subject ?? subjectName(o.strategy ?? 'TopicNameStrategy', o.topic, o.isKey ?? false, titleOf(o.schema.text));
  const references: SchemaReference[] = [];
  for (const ref of o.schema.refs) {
    const text = o.schema.bundle.files[ref];
    let found = await o.registry.lookup(ref, text, 'JSON');
    if (!found && o.autoRegister !== false) {
      await o.registry.register(ref, text, 'JSON');
      found = await o.registry.lookup(ref, text, 'JSON');
    }
    if (!found) throw new SchemaRegistryError(`${ref} is not registered under subject "${ref}" in the Schema Registry at ${o.registry.url}, and registering is off.`, 'not-found', 404);
    references.push({ name: ref, subject: ref, version: found.version });
  }
  if (o.autoRegister === false) {
    const found = await o.registry.lookup(subject, o.schema.text, 'JSON', references);
    if (!found) throw new SchemaRegistryError(`The schema is not registered under subject "${subject}" in the Schema Registry at ${o.registry.url}, and registering is off: register it, or allow registering.`, 'not-found', 404);
    return { schemaId: found.id, subject, references };
  }
  await o.beforeRegister?.(subject, references);
  return { schemaId: await o.registry.register(subject, o.schema.text, 'JSON', references), subject, references };
}

export type JsonSchemaDeserialized =
  | { ok: true; json: unknown; violations: JsonSchemaViolation[]; format: 'confluent' | 'plain'; schemaId?: number }
  | { ok: false; error: string; format?: 'confluent' | 'plain'; schemaId?: number };

export interface JsonSchemaDecodeOptions {
  lookup?: (schemaId: number) => { schema: CompiledJsonSchema } | { error: unknown };
  /** A workspace schema to check plain JSON records (and wire-format ones without a registry) against. */
  local?: CompiledJsonSchema;
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = bytes.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `not JSON (${(e as Error).message})` };
  }
}

/** Decodes a record; never throws. Violations come back beside the value, not instead of it. */
export function deserializeJsonSchemaWith(bytes: Buffer, options: JsonSchemaDecodeOptions): JsonSchemaDeserialized {
  // JSON text never starts with a zero byte, so the header is unambiguous.
  const wire = parseConfluentWireFormat(bytes);
  const body = wire ? wire.body : bytes;
  const format = wire ? 'confluent' : 'plain';
  const schemaId = wire?.schemaId;
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, error: `The ${wire ? `body after the wire-format header (schema id ${wire.schemaId})` : 'record'} is ${parsed.error}.`, format, schemaId };
  let schema: CompiledJsonSchema | undefined = options.local;
  if (wire && options.lookup) {
    const found = options.lookup(wire.schemaId);
    if ('error' in found) return { ok: false, error: (found.error as Error).message, format, schemaId };
    schema = found.schema;
  }
  return { ok: true, json: parsed.value, violations: schema ? schema.validate(parsed.value) : [], format, ...(schemaId !== undefined ? { schemaId } : {}) };
}
