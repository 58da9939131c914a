/**
 * "Auto-detect": the format a one-click viewer reads keys and values with, decided per record:
 * Avro when the bytes carry the Confluent magic byte and schema id and the connection has a Schema
 * Registry; otherwise UTF-8 text (JSON kept as written, so big integers stay exact; the viewer
 * pretty-prints text that parses as JSON); otherwise hex with the reason. Needs no VS Code; kept beside the viewer because it only composes
 * the core deserializers.
 */
import { isUtf8 } from 'node:buffer';
import type { Deserializer } from '../../core/consume/deserializers';

export const AUTO_DESERIALIZER = 'auto';
const LABEL = 'Auto-detect';

/** `avro`: the viewer's Avro deserializer bound to its registry, tried on wire-format records only. */
export function autoDeserializer(avro?: Deserializer): Deserializer {
  return {
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
      if (!isUtf8(bytes)) throw new Error('binary (not UTF-8 text)');
      // JSON stays as written (the viewer pretty-prints it losslessly): JSON.parse would round big integers.
      return bytes.toString('utf8');
    },
  };
}
