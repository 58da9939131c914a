// What the produce form and the consume viewer call: JSON in, record bytes out (raw Avro or the
// Confluent wire format with a registered schema), and record bytes in, JSON or a reason out.
import { AvroDecodeError, decodeAvro, encodeAvro, encodeConfluentWireFormat, parseConfluentWireFormat, SchemaEvolutionError } from './codec';
import { avroValueFromJson, avroValueToJson, AvroValueError } from './json';
import { schemaIdCache, SchemaRegistryError, subjectName, type SchemaRegistryClient, type SubjectNameStrategy } from './registry';
import { AvroSchemaError, parseAvroSchema, type AvroSchema } from './schema';

export interface AvroSerializeOptions {
  schema: AvroSchema;
  /** The value as the user typed it (json.ts representation), already parsed from text. */
  json: unknown;
  /** 'raw' is plain Avro binary; 'confluent' needs `registry` and registers or looks up the schema. */
  format: 'raw' | 'confluent';
  registry?: SchemaRegistryClient;
  topic?: string;
  isKey?: boolean;
  strategy?: SubjectNameStrategy;
  /** Register the schema when the subject does not have it yet (default true); false only looks it up. */
  autoRegister?: boolean;
}

export interface AvroSerialized {
  bytes: Buffer;
  schemaId?: number;
  subject?: string;
}

/**
 * Encodes a value for a record key or value.
 * @throws AvroValueError (fields that do not match), SchemaRegistryError (registry down, 401,
 *   409 incompatible as the registry words it), or Error (missing topic/registry for 'confluent').
 */
export async function serializeAvro(options: AvroSerializeOptions): Promise<AvroSerialized> {
  const converted = avroValueFromJson(options.schema, options.json);
  if (!converted.ok) throw new AvroValueError(converted.problems);
  const body = encodeAvro(options.schema, converted.value);
  if (options.format === 'raw') return { bytes: body };
  const { registry, topic } = options;
  if (!registry) throw new Error('The Confluent wire format needs a Schema Registry: set one on the connection, or produce raw Avro.');
  if (!topic) throw new Error('The Confluent wire format needs the topic to name the subject.');
  const subject = subjectName(options.strategy ?? 'TopicNameStrategy', topic, options.isKey ?? false, options.schema.name);
  let schemaId: number;
  if (options.autoRegister === false) {
    const found = await registry.lookup(subject, options.schema.text);
    if (!found) throw new SchemaRegistryError(`The schema is not registered under subject "${subject}" in the Schema Registry at ${registry.url}, and registering is off.`, 'not-found', 404);
    schemaId = found.id;
  } else {
    schemaId = await registry.register(subject, options.schema.text);
  }
  return { bytes: encodeConfluentWireFormat(schemaId, body), schemaId, subject };
}

export interface AvroDeserializeOptions {
  /** Fetches writer schemas for wire-format records by id (cached by the client). */
  registry?: SchemaRegistryClient;
  /** The writer schema for raw Avro (e.g. a workspace .avsc), also used for wire format without a registry. */
  writerSchema?: AvroSchema;
  /** Reads every record as this schema (schema evolution). */
  readerSchema?: AvroSchema;
}

export type AvroDeserialized =
  | {
      ok: true;
      /** The value in json.ts representation (plain JSON: unions as {"branch": v}, dates as text). */
      json: unknown;
      format: 'confluent' | 'raw';
      schemaId?: number;
      writerSchema: AvroSchema;
    }
  | {
      ok: false;
      /** Why the bytes could not be read as Avro; the viewer shows the record raw beside it. */
      error: string;
      kind: 'not-avro' | 'schema-evolution' | 'registry' | 'bad-writer-schema' | 'no-schema';
      format?: 'confluent' | 'raw';
      schemaId?: number;
    };

/** The registry's answer for a schema id, already fetched: the parsed schema, or why there is none. */
export type WriterLookup = { schema: AvroSchema } | { error: unknown };

export interface AvroDecodeRecordOptions {
  /** The registry's writer schema for a wire-format record's id, fetched beforehand (no registry: absent). */
  lookup?: (schemaId: number) => WriterLookup;
  writerSchema?: AvroSchema;
  readerSchema?: AvroSchema;
}

/**
 * The synchronous core of {@link deserializeAvro}, for callers that fetched the registry's schemas
 * ahead (the consume pipeline decodes a batch at once). Never throws for bad data.
 */
export function deserializeAvroWith(bytes: Buffer, options: AvroDecodeRecordOptions): AvroDeserialized {
  const wire = parseConfluentWireFormat(bytes);
  if (wire && options.lookup) {
    const found = options.lookup(wire.schemaId);
    if ('error' in found) {
      const err = found.error;
      // A raw Avro record that merely starts with a zero byte: try the workspace schema before failing.
      if (options.writerSchema) {
        const raw = decodeWith(options.writerSchema, bytes, options.readerSchema, 'raw');
        if (raw.ok) return raw;
      }
      if (err instanceof AvroSchemaError) return { ok: false, error: `The registry's schema ${wire.schemaId} is not a valid Avro schema: ${err.message}`, kind: 'bad-writer-schema', format: 'confluent', schemaId: wire.schemaId };
      return { ok: false, error: (err as Error).message, kind: 'registry', format: 'confluent', schemaId: wire.schemaId };
    }
    return decodeWith(found.schema, wire.body, options.readerSchema, 'confluent', wire.schemaId);
  }
  if (options.writerSchema) {
    if (wire) {
      // Wire format without a registry: the header says which id, the workspace schema is the writer.
      const asWire = decodeWith(options.writerSchema, wire.body, options.readerSchema, 'confluent', wire.schemaId);
      if (asWire.ok) return asWire;
    }
    return decodeWith(options.writerSchema, bytes, options.readerSchema, 'raw');
  }
  if (wire) return { ok: false, error: `This record looks like the Confluent wire format (schema id ${wire.schemaId}), but no Schema Registry is configured and no writer schema was chosen.`, kind: 'no-schema', format: 'confluent', schemaId: wire.schemaId };
  return { ok: false, error: 'No writer schema: choose an .avsc file, or configure a Schema Registry for wire-format records.', kind: 'no-schema' };
}

/** Fetches (cached) the registry's schema for an id, as a {@link WriterLookup}; never rejects. */
export function lookupWriterSchema(registry: SchemaRegistryClient, id: number): Promise<WriterLookup> {
  return writerSchemaById(registry, id).then(
    (schema) => ({ schema }),
    (error: unknown) => ({ error }),
  );
}

/**
 * Decodes record bytes: Confluent wire format is detected (magic byte 0 and a schema id the
 * registry knows), otherwise raw Avro with `writerSchema`. Never throws for bad data: a record
 * that is not Avro comes back as `ok: false` with the reason.
 */
export async function deserializeAvro(bytes: Buffer, options: AvroDeserializeOptions): Promise<AvroDeserialized> {
  const wire = parseConfluentWireFormat(bytes);
  const { registry, writerSchema, readerSchema } = options;
  if (!wire || !registry) return deserializeAvroWith(bytes, { writerSchema, readerSchema });
  const found = await lookupWriterSchema(registry, wire.schemaId);
  return deserializeAvroWith(bytes, { writerSchema, readerSchema, lookup: () => found });
}

const parsedById = schemaIdCache<AvroSchema>();

/** The registry's schema for an id, parsed once per client. */
export function writerSchemaById(registry: SchemaRegistryClient, id: number): Promise<AvroSchema> {
  return parsedById(registry, id, () =>
    registry.getSchemaById(id).then((s) => {
      if (s.schemaType !== 'AVRO') throw new Error(`Schema ${id} in the registry is ${s.schemaType}, not Avro.`);
      return parseAvroSchema(s.schema, `registry schema ${id}`);
    }),
  );
}

function decodeWith(writer: AvroSchema, body: Buffer, reader: AvroSchema | undefined, format: 'confluent' | 'raw', schemaId?: number): AvroDeserialized {
  try {
    const value = decodeAvro(writer, body, reader);
    return { ok: true, json: avroValueToJson(reader ?? writer, value), format, ...(schemaId !== undefined ? { schemaId } : {}), writerSchema: writer };
  } catch (err) {
    const kind = err instanceof SchemaEvolutionError ? 'schema-evolution' : err instanceof AvroDecodeError ? 'not-avro' : 'not-avro';
    return { ok: false, error: (err as Error).message, kind, format, ...(schemaId !== undefined ? { schemaId } : {}) };
  }
}
