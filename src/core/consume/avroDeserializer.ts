/**
 * The consume viewer's Avro deserializer: Confluent wire-format records by the writer schema the
 * registry holds for their id, raw Avro by a chosen writer schema, optionally read as a reader
 * schema (schema evolution). Registry lookups happen in `prepare`, once per unseen id, before the
 * batch is decoded, so decoding stays synchronous and in order.
 */
import { parseConfluentWireFormat } from '../avro/codec';
import type { SchemaRegistryClient } from '../avro/registry';
import type { AvroSchema } from '../avro/schema';
import { deserializeAvroWith, lookupWriterSchema, type WriterLookup } from '../avro/serde';
import type { Deserializer } from './deserializers';

export const AVRO_DESERIALIZER = 'avro';
const LABEL = 'Avro';

export interface AvroDeserializerOptions {
  /** The connection's Schema Registry, for wire-format records. */
  registry?: SchemaRegistryClient;
  /** Writer schema for raw Avro records (a workspace .avsc). */
  writerSchema?: AvroSchema;
  /** Every record is read as this schema: added fields take their defaults, removed ones disappear. */
  readerSchema?: AvroSchema;
}

function isFound(l: WriterLookup | undefined): boolean {
  return !!l && 'schema' in l;
}

/** An Avro deserializer bound to one viewer's registry and schemas. */
export function avroDeserializer(options: AvroDeserializerOptions = {}): Deserializer {
  const { registry, writerSchema, readerSchema } = options;
  // Found schemas are kept for the session; a failure (registry down, unknown id) only for the
  // batch at hand, so the next batch asks again.
  const found = new Map<number, WriterLookup>();
  const lookup = registry
    ? (id: number): WriterLookup => found.get(id) ?? { error: new Error(`Schema ${id} was not fetched from the registry.`) }
    : undefined;
  return {
    name: AVRO_DESERIALIZER,
    label: LABEL,
    prepare(batch) {
      if (!registry) return undefined;
      const wanted = new Set<number>();
      for (const bytes of batch) {
        const wire = bytes && parseConfluentWireFormat(bytes);
        if (wire && !isFound(found.get(wire.schemaId))) wanted.add(wire.schemaId);
      }
      if (wanted.size === 0) return undefined;
      return Promise.all(
        [...wanted].map(async (id) => {
          found.set(id, await lookupWriterSchema(registry, id));
        }),
      ).then(() => undefined);
    },
    decode(bytes) {
      const d = deserializeAvroWith(bytes, { lookup, writerSchema, readerSchema });
      if (!d.ok) throw new Error(d.error);
      return JSON.stringify(d.json, null, 2);
    },
  };
}
