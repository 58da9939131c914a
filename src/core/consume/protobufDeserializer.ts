/**
 * The consume viewer's Protobuf deserializer: wire-format records by the registry's schema for
 * their id (with references) and their message indexes; raw records (or wire format without a
 * registry) by a workspace .proto and a chosen message. Registry lookups happen in `prepare`,
 * once per unseen id, so decoding stays synchronous and in order.
 */
import type * as protobuf from 'protobufjs';
import type { SchemaRegistryClient } from '../avro/registry';
import type { ProtoSchema } from '../protobuf/schema';
import { deserializeProtobufWith, protoSchemaById } from '../protobuf/serde';
import { parseProtobufWireFormat } from '../protobuf/wire';
import type { Deserializer } from './deserializers';

export const PROTOBUF_DESERIALIZER = 'protobuf';

export interface ProtobufDeserializerOptions {
  registry?: SchemaRegistryClient;
  /** The message of raw records: a workspace .proto, parsed, and the chosen type in it. */
  local?: { schema: ProtoSchema; type: protobuf.Type };
}

type Lookup = { schema: ProtoSchema } | { error: unknown };

export function protobufDeserializer(options: ProtobufDeserializerOptions = {}): Deserializer {
  const { registry, local } = options;
  // Found schemas are kept for the viewer's life; a failure only for the batch at hand.
  const found = new Map<number, Lookup>();
  const lookup = registry ? (id: number): Lookup => found.get(id) ?? { error: new Error(`Schema ${id} was not fetched from the registry.`) } : undefined;
  return {
    name: PROTOBUF_DESERIALIZER,
    label: 'Protobuf',
    prepare(batch) {
      if (!registry) return undefined;
      const wanted = new Set<number>();
      for (const bytes of batch) {
        let id: number | undefined;
        try {
          id = bytes ? parseProtobufWireFormat(bytes)?.schemaId : undefined;
        } catch {
          id = bytes && bytes.length >= 5 ? bytes.readUInt32BE(1) : undefined;
        }
        if (id !== undefined && !(found.get(id) && 'schema' in found.get(id)!)) wanted.add(id);
      }
      if (wanted.size === 0) return undefined;
      return Promise.all(
        [...wanted].map(async (id) => {
          found.set(
            id,
            await protoSchemaById(registry, id).then(
              (schema) => ({ schema }),
              (error: unknown) => ({ error }),
            ),
          );
        }),
      ).then(() => undefined);
    },
    decode(bytes) {
      const d = deserializeProtobufWith(bytes, { lookup, local });
      if (!d.ok) throw new Error(d.error);
      return JSON.stringify(d.json, null, 2);
    },
  };
}
