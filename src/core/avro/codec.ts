// Avro binary encoding and decoding, raw or in the Confluent wire format (magic byte 0, 4-byte
// big-endian schema id, then the Avro body), and schema evolution with a reader schema.
import type { Resolver } from 'avsc';
import { avroValueFromJson, AvroValueError } from './json';
import type { AvroSchema } from './schema';

export const CONFLUENT_MAGIC_BYTE = 0;
export const CONFLUENT_HEADER_LENGTH = 5;

/** Raw Avro binary of a value already in avsc's form (from avroValueFromJson or a decode). */
export function encodeAvro(schema: AvroSchema, value: unknown): Buffer {
  return schema.type.toBuffer(value);
}

/**
 * Raw Avro binary of a value typed as JSON (see json.ts for the representation).
 * @throws AvroValueError listing each field that does not match.
 */
export function encodeAvroJson(schema: AvroSchema, json: unknown): Buffer {
  const converted = avroValueFromJson(schema, json);
  if (!converted.ok) throw new AvroValueError(converted.problems);
  return encodeAvro(schema, converted.value);
}

export function encodeConfluentWireFormat(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new RangeError(`schema id ${schemaId} does not fit in 4 bytes`);
  const header = Buffer.alloc(CONFLUENT_HEADER_LENGTH);
  header.writeUInt8(CONFLUENT_MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * The schema id and body when the bytes start like the Confluent wire format. Only a hint: raw
 * Avro can also start with a zero byte, so a consumer confirms by fetching the id and decoding.
 */
export function parseConfluentWireFormat(bytes: Buffer): { schemaId: number; body: Buffer } | undefined {
  if (bytes.length < CONFLUENT_HEADER_LENGTH || bytes[0] !== CONFLUENT_MAGIC_BYTE) return undefined;
  return { schemaId: bytes.readUInt32BE(1), body: bytes.subarray(CONFLUENT_HEADER_LENGTH) };
}

/** A reader schema cannot read what a writer schema wrote. */
export class SchemaEvolutionError extends Error {
  constructor(
    readonly reason: string,
    readonly writer: AvroSchema,
    readonly reader: AvroSchema,
  ) {
    super(`The reader schema ${label(reader)} cannot read records written with ${label(writer)}: ${reason}`);
    this.name = 'SchemaEvolutionError';
  }
}

/** Bytes that are not Avro written with the given schema. */
export class AvroDecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly bytes: Buffer,
  ) {
    super(reason);
    this.name = 'AvroDecodeError';
  }
}

function label(schema: AvroSchema): string {
  return schema.name ? `"${schema.name}"` : schema.type.typeName;
}

const resolvers = new WeakMap<AvroSchema, WeakMap<AvroSchema, Resolver>>();

/**
 * The avsc resolver that reads `writer` data as `reader` (Avro schema resolution: a reader field
 * missing from the writer takes its default, a writer field missing from the reader is skipped).
 * @throws SchemaEvolutionError with avsc's reason, e.g. a reader field without a default.
 */
export function schemaResolver(writer: AvroSchema, reader: AvroSchema): Resolver {
  let byReader = resolvers.get(writer);
  if (!byReader) resolvers.set(writer, (byReader = new WeakMap()));
  let resolver = byReader.get(reader);
  if (!resolver) {
    try {
      resolver = reader.type.createResolver(writer.type);
    } catch (err) {
      throw new SchemaEvolutionError(explainResolution((err as Error).message), writer, reader);
    }
    byReader.set(reader, resolver);
  }
  return resolver;
}

function explainResolution(message: string): string {
  const noDefault = /^no matching field for default-less (\S+)\.(\S+)$/.exec(message);
  if (noDefault) return `field "${noDefault[2]}" of ${noDefault[1]} is not in the writer schema and has no default in the reader schema`;
  const cannot = /^cannot read (.*) as (.*)$/s.exec(message);
  if (cannot) return `a value written as ${cannot[1]} cannot be read as ${cannot[2]}`;
  const alias = /^no alias found for (\S+)$/.exec(message);
  if (alias) return `the writer's type ${alias[1]} has a different name than the reader's and no alias maps it`;
  return message;
}

/**
 * Decodes raw Avro binary written with `writer`, read as `reader` when given (schema evolution).
 * Returns avsc's in-memory value; avroValueToJson(reader ?? writer, value) shows it.
 * @throws SchemaEvolutionError when the reader cannot read the writer's data.
 * @throws AvroDecodeError when the bytes are not Avro for the writer schema.
 */
export function decodeAvro(writer: AvroSchema, bytes: Buffer, reader?: AvroSchema): unknown {
  const resolver = reader && reader !== writer ? schemaResolver(writer, reader) : undefined;
  const type = reader && resolver ? reader.type : writer.type;
  try {
    return type.fromBuffer(bytes, resolver);
  } catch (err) {
    throw new AvroDecodeError(explainDecode((err as Error).message, bytes, writer), bytes);
  }
}

function explainDecode(message: string, bytes: Buffer, writer: AvroSchema): string {
  const what = `${bytes.length} byte${bytes.length === 1 ? '' : 's'} starting ${bytes.subarray(0, 8).toString('hex') || '(empty)'}`;
  let why: string;
  if (message === 'truncated buffer') why = 'the data ends before the value does';
  else if (message === 'trailing data') why = 'bytes are left over after the value';
  else why = message;
  const wire = parseConfluentWireFormat(bytes);
  const hint = wire ? ` They start like the Confluent wire format (schema id ${wire.schemaId}): decode them as wire format.` : '';
  return `Not Avro written with ${label(writer)}: ${why} (${what}).${hint}`;
}
