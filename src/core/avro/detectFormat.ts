/**
 * What a record's bytes are, as far as the bytes and the registry can tell: the Confluent wire
 * format (magic byte 0, a 4-byte schema id) names a registry schema whose type says Avro, Protobuf
 * or JSON Schema. The viewer uses it to pick a deserializer without asking.
 */
import { parseConfluentWireFormat } from './codec';
import type { SchemaRegistryClient, SchemaType } from './registry';

export type DetectedFormat =
  | { kind: 'wire'; schemaId: number; schemaType: SchemaType; deserializer: 'avro' | 'protobuf' | 'jsonschema' }
  /** Wire-format header, but no registry to ask, or the registry does not know the id (`error` says which). */
  | { kind: 'wire-unknown'; schemaId: number; error: string }
  | { kind: 'json' }
  | { kind: 'text' }
  | { kind: 'binary' }
  | { kind: 'null' };

export const DESERIALIZER_FOR_SCHEMA_TYPE: Record<SchemaType, 'avro' | 'protobuf' | 'jsonschema'> = { AVRO: 'avro', PROTOBUF: 'protobuf', JSON: 'jsonschema' };

function plain(bytes: Buffer): DetectedFormat {
  const text = bytes.toString('utf8');
  if (Buffer.byteLength(text) !== bytes.length || text.includes('\uFFFD')) return { kind: 'binary' };
  try {
    JSON.parse(text);
    return { kind: 'json' };
  } catch {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 9 || (c > 13 && c < 32)) return { kind: 'binary' };
    }
    return { kind: 'text' };
  }
}

/** Detects the format of a key or value; never throws (a registry failure is in the answer). */
export async function detectFormat(bytes: Buffer | null, registry?: SchemaRegistryClient): Promise<DetectedFormat> {
  if (bytes === null) return { kind: 'null' };
  const wire = parseConfluentWireFormat(bytes);
  if (!wire) return plain(bytes);
  if (!registry) return { kind: 'wire-unknown', schemaId: wire.schemaId, error: 'no Schema Registry is configured for this connection' };
  try {
    const s = await registry.getSchemaById(wire.schemaId);
    return { kind: 'wire', schemaId: wire.schemaId, schemaType: s.schemaType, deserializer: DESERIALIZER_FOR_SCHEMA_TYPE[s.schemaType] };
  } catch (e) {
    return { kind: 'wire-unknown', schemaId: wire.schemaId, error: (e as Error).message };
  }
}
