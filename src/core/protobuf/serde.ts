/**
 * Protobuf record values: a schema bundle (the .proto files and the chosen message) in and out of
 * the synchronous serializer seam, the registry's schemas by id (with their references, as .proto
 * text or as Confluent's base64 descriptors), registering a file with its imports as references,
 * and decoding a record — wire format or raw — to canonical JSON, never throwing for bad data.
 */
import type * as protobuf from 'protobufjs';
import { schemaIdCache, SchemaRegistryError, subjectName, type SchemaReference, type SchemaRegistryClient, type SubjectNameStrategy } from '../avro/registry';
import { descriptorSchema, looksLikeDescriptor } from './descriptorSchema';
import { decodeProtoToJson } from './json';
import { indexesOf, isWellKnown, messageType, parseProtoSchema, ProtoSchemaError, typeAtIndexes, type ProtoSchema } from './schema';
import { parseProtobufWireFormat, ProtobufWireError } from './wire';

/** A .proto schema with everything it imports, and the message a record holds: JSON-safe, so it fits the serializer seam's schema string. */
export interface ProtoBundle {
  /** The main file's name (its import path: a registry reference names it so). */
  file: string;
  /** Every file by import name, the main one included. */
  files: Record<string, string>;
  /** Full name of the message, e.g. "acme.Order". */
  messageType: string;
}

export function bundleOf(schema: ProtoSchema, type: string): ProtoBundle {
  const files: Record<string, string> = {};
  for (const [name, f] of schema.files) if (!isWellKnown(name)) files[name] = f.text;
  return { file: schema.main.name, files, messageType: type };
}

export function parseBundle(bundle: ProtoBundle): { schema: ProtoSchema; type: protobuf.Type } {
  const main = bundle.files[bundle.file];
  if (main === undefined) throw new ProtoSchemaError(`The schema bundle lacks its main file ${bundle.file}.`);
  const schema = looksLikeDescriptor(main)
    ? descriptorSchema(bundle.file, main, new Map(Object.entries(bundle.files)))
    : parseProtoSchema(bundle.file, main, (imp) => bundle.files[imp]);
  return { schema, type: messageType(schema, bundle.messageType) };
}

const byId = schemaIdCache<ProtoSchema>();

/** The registry's Protobuf schema for an id, with its references, parsed once per client. */
export function protoSchemaById(registry: SchemaRegistryClient, id: number): Promise<ProtoSchema> {
  return byId(registry, id, async () => {
    const s = await registry.getSchemaById(id);
    if (s.schemaType !== 'PROTOBUF') throw new ProtoSchemaError(`Schema ${id} in the registry is ${s.schemaType === 'JSON' ? 'a JSON Schema' : s.schemaType}, not Protobuf: read this record with the ${s.schemaType === 'JSON' ? 'JSON Schema' : 'Avro'} deserializer.`);
    const refs = await registry.referencedSchemas(s.references);
    const name = `registry schema ${id}`;
    return looksLikeDescriptor(s.schema) ? descriptorSchema(name, s.schema, refs) : parseProtoSchema(name, s.schema, (imp) => refs.get(imp));
  });
}

export interface ProtoRegisterOptions {
  registry: SchemaRegistryClient;
  schema: ProtoSchema;
  type: protobuf.Type;
  topic: string;
  isKey?: boolean;
  strategy?: SubjectNameStrategy;
  /** Register when the subject lacks the schema (default true); false only looks it up. */
  autoRegister?: boolean;
  /** A subject given outright instead of the strategy's. */
  subject?: string;
  /** Runs once the imports are registered, before the file itself is (a compatibility check); throw to stop. */
  beforeRegister?: (subject: string, references: SchemaReference[]) => Promise<void>;
}

/**
 * The schema id for the wire format: the file's imports registered first, each under its import
 * path as subject (Confluent's default reference naming), then the file with them as references.
 * @throws SchemaRegistryError (409 incompatible in the registry's words, not registered with registering off, ...).
 */
export async function resolveProtoSchemaId(o: ProtoRegisterOptions): Promise<{ schemaId: number; subject: string; references: SchemaReference[] }> {
  const subject = o.subject ?? subjectName(o.strategy ?? 'TopicNameStrategy', o.topic, o.isKey ?? false, o.type.fullName.replace(/^\./, ''));
  const done = new Map<string, SchemaReference>();
  const ensure = async (fileName: string, asSubject: string, depth: number): Promise<{ id: number; version?: number; references: SchemaReference[] }> => {
    const file = o.schema.files.get(fileName);
    if (!file) throw new ProtoSchemaError(`${fileName} is not part of the schema`);
    const references: SchemaReference[] = [];
    for (const imp of file.imports) {
      if (isWellKnown(imp)) continue;
      let ref = done.get(imp);
      if (!ref) {
        const r = await ensure(imp, imp, depth + 1);
        ref = { name: imp, subject: imp, version: r.version ?? 1 };
        done.set(imp, ref);
      }
      references.push(ref);
    }
    const existing = await o.registry.lookup(asSubject, file.text, 'PROTOBUF', references);
    if (existing) return { id: existing.id, version: existing.version, references };
    if (o.autoRegister === false) {
      throw new SchemaRegistryError(`${fileName} is not registered under subject "${asSubject}" in the Schema Registry at ${o.registry.url}, and registering is off: register it, or allow registering.`, 'not-found', 404);
    }
    if (depth === 0 && o.beforeRegister) await o.beforeRegister(asSubject, references);
    const id = await o.registry.register(asSubject, file.text, 'PROTOBUF', references);
    const version = depth > 0 ? (await o.registry.lookup(asSubject, file.text, 'PROTOBUF', references))?.version : undefined;
    return { id, version, references };
  };
  const main = await ensure(o.schema.main.name, subject, 0);
  return { schemaId: main.id, subject, references: main.references };
}

export type ProtoDeserialized =
  | { ok: true; json: unknown; messageType: string; format: 'confluent' | 'raw'; schemaId?: number; indexes?: number[] }
  | { ok: false; error: string; format?: 'confluent' | 'raw'; schemaId?: number };

export interface ProtoDecodeOptions {
  /** The registry's schema for a wire-format record's id, fetched beforehand; absent without a registry. */
  lookup?: (schemaId: number) => { schema: ProtoSchema } | { error: unknown };
  /** A workspace schema and message for raw records (and wire-format ones when there is no registry). */
  local?: { schema: ProtoSchema; type: protobuf.Type };
}

function decodeWith(type: protobuf.Type, body: Uint8Array): unknown {
  return decodeProtoToJson(type, body);
}

/** Decodes record bytes; never throws: a record that is not Protobuf comes back with the reason. */
export function deserializeProtobufWith(bytes: Buffer, options: ProtoDecodeOptions): ProtoDeserialized {
  let wire;
  try {
    wire = parseProtobufWireFormat(bytes);
  } catch (e) {
    if (!(e instanceof ProtobufWireError)) throw e;
    // Raw protobuf never starts with a zero byte (field number 0 is invalid): a record that does is
    // another format's wire format (its registry schema says which), never decoded as the local message.
    if (bytes.length >= 5 && bytes[0] === 0) {
      const schemaId = bytes.readUInt32BE(1);
      const found = options.lookup?.(schemaId);
      const why = found && 'error' in found ? (found.error as Error).message : `Not the Confluent Protobuf wire format: ${e.message}.`;
      return { ok: false, error: why, format: 'confluent', schemaId };
    }
    if (!options.local) return { ok: false, error: `Not the Confluent Protobuf wire format: ${e.message}.`, format: 'confluent' };
  }
  if (wire && options.lookup) {
    const found = options.lookup(wire.schemaId);
    if ('error' in found) {
      // Raw protobuf never starts with a zero byte (field number 0 is invalid), but say so via the workspace schema if one is there.
      return { ok: false, error: (found.error as Error).message, format: 'confluent', schemaId: wire.schemaId };
    }
    try {
      const type = typeAtIndexes(found.schema, wire.indexes);
      return { ok: true, json: decodeWith(type, wire.body), messageType: type.fullName.replace(/^\./, ''), format: 'confluent', schemaId: wire.schemaId, indexes: wire.indexes };
    } catch (e) {
      return { ok: false, error: `Schema ${wire.schemaId}: ${(e as Error).message}`, format: 'confluent', schemaId: wire.schemaId };
    }
  }
  if (options.local) {
    const { type } = options.local;
    const name = type.fullName.replace(/^\./, '');
    if (wire) {
      try {
        return { ok: true, json: decodeWith(type, wire.body), messageType: name, format: 'confluent', schemaId: wire.schemaId, indexes: wire.indexes };
      } catch {
        // Not this message in the wire format: said below (a zero first byte is never raw protobuf).
      }
      return { ok: false, error: `Schema id ${wire.schemaId}: not a ${name} message in the wire format, and no Schema Registry to ask which schema it is.`, format: 'confluent', schemaId: wire.schemaId };
    }
    try {
      return { ok: true, json: decodeWith(type, bytes), messageType: name, format: 'raw' };
    } catch (e) {
      return { ok: false, error: `Not a ${name} message: ${(e as Error).message}.`, format: 'raw' };
    }
  }
  if (wire) return { ok: false, error: `This record is in the Confluent wire format (schema id ${wire.schemaId}), but no Schema Registry is configured and no .proto message was chosen.`, format: 'confluent', schemaId: wire.schemaId };
  return { ok: false, error: 'No Protobuf schema: choose a .proto file and message, or configure a Schema Registry for wire-format records.' };
}

export { indexesOf };
