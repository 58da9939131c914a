/**
 * The consume viewer's JSON Schema deserializer: wire-format records checked against the
 * registry's schema for their id, plain JSON against a workspace schema. A record that breaks its
 * schema is not dropped: the deserializer seam has no place for a warning beside decoded text, so
 * it is shown raw with the violations and the value's JSON in the reason (the structured form is
 * `deserializeJsonSchemaWith` in core/jsonschema/serde.ts, for a viewer that can show both).
 */
import type { SchemaRegistryClient } from '../avro/registry';
import { parseConfluentWireFormat } from '../avro/codec';
import { describeViolations, type CompiledJsonSchema } from '../jsonschema/schema';
import { deserializeJsonSchemaWith, jsonSchemaById } from '../jsonschema/serde';
import type { Deserializer } from './deserializers';

export const JSON_SCHEMA_DESERIALIZER = 'jsonschema';

export interface JsonSchemaDeserializerOptions {
  registry?: SchemaRegistryClient;
  local?: CompiledJsonSchema;
}

type Lookup = { schema: CompiledJsonSchema } | { error: unknown };

export function jsonSchemaDeserializer(options: JsonSchemaDeserializerOptions = {}): Deserializer {
  const { registry, local } = options;
  const found = new Map<number, Lookup>();
  const lookup = registry ? (id: number): Lookup => found.get(id) ?? { error: new Error(`Schema ${id} was not fetched from the registry.`) } : undefined;
  return {
    name: JSON_SCHEMA_DESERIALIZER,
    label: 'JSON Schema',
    prepare(batch) {
      if (!registry) return undefined;
      const wanted = new Set<number>();
      for (const bytes of batch) {
        const wire = bytes && parseConfluentWireFormat(bytes);
        const have = wire ? found.get(wire.schemaId) : undefined;
        if (wire && !(have && 'schema' in have)) wanted.add(wire.schemaId);
      }
      if (wanted.size === 0) return undefined;
      return Promise.all(
        [...wanted].map(async (id) => {
          found.set(
            id,
            await jsonSchemaById(registry, id).then(
              (schema) => ({ schema }),
              (error: unknown) => ({ error }),
            ),
          );
        }),
      ).then(() => undefined);
    },
    decode(bytes) {
      const d = deserializeJsonSchemaWith(bytes, { lookup, local });
      if (!d.ok) throw new Error(d.error);
      if (d.violations.length) {
        const json = JSON.stringify(d.json);
        throw new Error(`violates its schema${d.schemaId !== undefined ? ` ${d.schemaId}` : ''}: ${describeViolations(d.violations)}. The value: ${json.length > 400 ? `${json.slice(0, 400)}…` : json}`);
      }
      return JSON.stringify(d.json, null, 2);
    },
  };
}
