/**
 * "Auto-detect": the format a one-click viewer reads keys and values with, decided per record:
 * the Confluent magic byte and schema id, with the connection's Schema Registry, name the schema
 * whose type (AVRO, PROTOBUF, JSON) picks the deserializer; otherwise UTF-8 text (JSON kept as
 * written, so big integers stay exact; the viewer pretty-prints text that parses as JSON);
 * otherwise hex with the reason. Needs no VS Code; kept beside the viewer because it only
 * composes the core deserializers.
 */
import { isUtf8 } from 'node:buffer';
import { parseConfluentWireFormat } from '../../core/avro/codec';
import { DESERIALIZER_FOR_SCHEMA_TYPE } from '../../core/avro/detectFormat';
import { headerSchemaId, wirePrefix } from '../../core/avro/headerSchemaId';
import type { SchemaRegistryClient } from '../../core/avro/registry';
import type { Deserializer } from '../../core/consume/deserializers';

export const AUTO_DESERIALIZER = 'auto';
const LABEL = 'Auto-detect';

type SchemaFormat = 'avro' | 'protobuf' | 'jsonschema';

/** Auto-detect, able to name what it found in one record's bytes (for the details pane). */
export interface AutoDeserializer extends Deserializer {
  /** What `decode` reads these bytes as: "Avro", "Protobuf", "JSON Schema", "JSON" or "UTF-8"; throws as `decode` does. */
  detect(bytes: Buffer): string;
}

export function isAutoDeserializer(d: Deserializer): d is AutoDeserializer {
  return d.name === AUTO_DESERIALIZER && typeof (d as Partial<AutoDeserializer>).detect === 'function';
}

const FORMAT_NAME: Record<SchemaFormat, string> = { avro: 'Avro', protobuf: 'Protobuf', jsonschema: 'JSON Schema' };

/** The viewer's deserializers of the three registry formats, bound to its registry. */
export interface WireDeserializers {
  registry: SchemaRegistryClient;
  byFormat: Record<SchemaFormat, Deserializer>;
}

/**
 * `wire`: the registry and its formats' deserializers, tried on wire-format records; a bare
 * deserializer is taken as Avro's (the registry then need not be asked for the type).
 */
export function autoDeserializer(wire?: WireDeserializers | Deserializer): AutoDeserializer {
  if (!wire || !('registry' in wire)) return avroOnly(wire);
  const { registry, byFormat } = wire;
  // Which format each schema id is, learnt in `prepare` (the registry client caches the schema itself).
  const formatOf = new Map<number, SchemaFormat>();
  const auto: AutoDeserializer = {
    name: AUTO_DESERIALIZER,
    label: LABEL,
    // Only the details pane asks (one record), so parsing the JSON here costs nothing per record.
    detect(bytes) {
      const w = parseConfluentWireFormat(bytes);
      const format = w && formatOf.get(w.schemaId);
      if (format) {
        auto.decode(bytes); // throws as decode does
        return FORMAT_NAME[format];
      }
      return textKind(text(bytes));
    },
    prepare(batch, headers, role = 'value') {
      // Most topics are not wire format: their batches go straight on, without waiting for a promise.
      // A record whose headers name its schema (Apicurio) is looked at as if it had the prefix.
      const asWire = batch.map((bytes, i) => {
        if (!bytes) return null;
        const named = headers?.[i] && headerSchemaId(headers[i], role);
        return named && 'id' in named ? { id: named.id, bytes: Buffer.concat([wirePrefix(named.id), bytes]) } : ((w) => w && { id: w.schemaId, bytes })(parseConfluentWireFormat(bytes));
      });
      if (!asWire.some(Boolean)) return undefined;
      const ids = new Set(asWire.flatMap((w) => (w && !formatOf.has(w.id) ? [w.id] : [])));
      const learnt = Promise.all(
        [...ids].map((id) =>
          registry.getSchemaById(id).then(
            (s) => void formatOf.set(id, DESERIALIZER_FOR_SCHEMA_TYPE[s.schemaType] ?? 'avro'),
            () => undefined, // Unknown id: the record shows as text or hex.
          ),
        ),
      );
      // Then each format's own step (its schemas, references) on the records of that format only.
      return learnt.then(async () => {
        const steps = (Object.keys(byFormat) as SchemaFormat[]).map((format) => {
          const mine = asWire.map((w) => (w && formatOf.get(w.id) === format ? w.bytes : null));
          return mine.some((b) => b !== null) ? byFormat[format].prepare?.(mine) : undefined;
        });
        await Promise.all(steps);
      });
    },
    forHeaders(headers, role) {
      const named = headerSchemaId(headers, role);
      if (!named) return undefined;
      return {
        name: AUTO_DESERIALIZER,
        label: LABEL,
        decode(bytes) {
          // Apicurio with headers writes the body alone; a body that still has the prefix decodes as usual.
          if (parseConfluentWireFormat(bytes)) return auto.decode(bytes);
          if ('error' in named) throw new Error(named.error);
          const format = formatOf.get(named.id);
          if (!format) throw new Error(`header ${named.header} names schema id ${named.id}, which the Schema Registry did not return`);
          if (format === 'protobuf') throw new Error(`header ${named.header} names Protobuf schema ${named.id}: Apicurio's header-based Protobuf bodies are not decoded; produce them with the Confluent wire format`);
          try {
            return byFormat[format].decode(Buffer.concat([wirePrefix(named.id), bytes]));
          } catch (e) {
            throw new Error(`schema id ${named.id} from header ${named.header} (${byFormat[format].label}): ${(e as Error).message}`);
          }
        },
      };
    },
    decode(bytes) {
      const w = parseConfluentWireFormat(bytes);
      const format = w && formatOf.get(w.schemaId);
      if (format) {
        // The registry says what the record is: a failure (a JSON Schema violation, an index out of
        // range) is the record's reason, shown raw beside it, rather than the bytes passed off as text.
        try {
          return byFormat[format].decode(bytes);
        } catch (e) {
          throw new Error(`schema id ${w.schemaId} (${byFormat[format].label}): ${(e as Error).message}`);
        }
      }
      return text(bytes);
    },
  };
  return auto;
}

function text(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new Error('binary (not UTF-8 text)');
  // JSON stays as written (the viewer pretty-prints it losslessly): JSON.parse would round big integers.
  return bytes.toString('utf8');
}

/** "JSON" for text that parses as JSON, else "UTF-8". */
function textKind(t: string): string {
  const start = t.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    try {
      JSON.parse(t);
      return 'JSON';
    } catch {
      // Text that only looks like JSON.
    }
  }
  return 'UTF-8';
}

function avroOnly(avro: Deserializer | undefined): AutoDeserializer {
  const isAvro = (bytes: Buffer) => {
    if (!avro || bytes.length < 5 || bytes[0] !== 0) return false;
    try {
      avro.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  return {
    detect(bytes) {
      return isAvro(bytes) ? 'Avro' : textKind(this.decode(bytes));
    },
    name: AUTO_DESERIALIZER,
    label: LABEL,
    prepare: avro?.prepare ? (batch) => avro.prepare!(batch) : undefined,
    decode(bytes) {
      if (avro && bytes.length >= 5 && bytes[0] === 0) {
        try {
          return avro.decode(bytes);
        } catch {
          // Not Avro after all (or its schema is unknown): try the other formats.
        }
      }
      return text(bytes);
    },
  };
}
