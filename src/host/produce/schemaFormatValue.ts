/**
 * Protobuf and JSON Schema keys and values for the produce command (and, through the same
 * registered serializers, the form): where the schema comes from (a workspace file — imports and
 * `$ref`s resolved beside it and in the workspace folders — or a registry subject's latest
 * version), checked on the first record before anything is registered, and the registry's id for
 * the Confluent wire format. Resolved here so the core's serializers stay synchronous.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SchemaRegistryError, type SchemaRegistryClient, type SubjectNameStrategy } from '../../core/avro/registry';
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { compileJsonSchema, externalRefs, JsonSchemaError, parseSchemaJson, type CompiledJsonSchema, type JsonSchemaBundle } from '../../core/jsonschema/schema';
import { resolveJsonSchemaId } from '../../core/jsonschema/serde';
import { checkJsonSchemaText } from '../../core/produce/jsonSchemaSerializer';
import { prepareProduce, type ProduceSpec } from '../../core/produce/produceService';
import { checkProtoJsonText } from '../../core/produce/protobufSerializer';
import { descriptorSchema, looksLikeDescriptor } from '../../core/protobuf/descriptorSchema';
import { messageType, parseProtoSchema, ProtoSchemaError, type ProtoSchema } from '../../core/protobuf/schema';
import { bundleOf, resolveProtoSchemaId } from '../../core/protobuf/serde';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { resolveSchemaPath } from './avroValue';

/** The produce command's `protobuf` / `keyProtobuf` argument. */
export interface ProtobufValueChoice {
  /** A .proto file: absolute, or relative to the first workspace folder. */
  schemaFile?: string;
  /** Full name of the message, e.g. "acme.orders.Order"; optional when the file declares one message. */
  messageType?: string;
  /** Instead of a file: the latest version of this subject in the connection's Schema Registry. */
  subject?: string;
  /** 'raw' protobuf (default) or the Confluent wire format (schema id + message indexes). */
  encoding?: 'raw' | 'confluent';
  strategy?: SubjectNameStrategy;
  /** Wire format with a file: register it (and its imports) when the subject lacks it (default true). */
  autoRegister?: boolean;
}

/** The produce command's `jsonSchema` / `keyJsonSchema` argument. */
export interface JsonSchemaValueChoice {
  schemaFile?: string;
  subject?: string;
  /** 'plain' JSON (default; still checked against the schema) or the Confluent wire format. */
  encoding?: 'plain' | 'confluent';
  strategy?: SubjectNameStrategy;
  autoRegister?: boolean;
}

export interface SchemaFormatChoices {
  protobuf?: ProtobufValueChoice;
  keyProtobuf?: ProtobufValueChoice;
  jsonSchema?: JsonSchemaValueChoice;
  keyJsonSchema?: JsonSchemaValueChoice;
}

function invalid(message: string): KafkaWorkbenchError {
  return new KafkaWorkbenchError(message, 'invalid-input');
}

/** Folders an import is looked up in: beside the importing file, up to its workspace folder, then every workspace folder. */
function searchRoots(file: string): string[] {
  const roots: string[] = [];
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  let dir = path.dirname(file);
  for (let i = 0; i < 16; i++) {
    roots.push(dir);
    if (folders.includes(dir) || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  return [...new Set([...roots, ...folders])];
}

/** Every file a workspace .proto imports (transitively), read ahead, by import path. */
export async function readProtoWorkspace(file: string): Promise<{ name: string; text: string; files: Map<string, string> }> {
  const text = await readFile(file, 'utf8');
  const files = new Map<string, string>();
  const roots = searchRoots(file);
  const pending = [text];
  while (pending.length) {
    const src = pending.pop()!;
    for (const m of src.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)) {
      const imp = m[1];
      if (files.has(imp) || imp.startsWith('google/protobuf/')) continue;
      for (const root of roots) {
        const found = await readFile(path.join(root, imp), 'utf8').catch(() => undefined);
        if (found !== undefined) {
          files.set(imp, found);
          pending.push(found);
          break;
        }
      }
    }
  }
  const folder = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath).find((f) => file.startsWith(f + path.sep));
  // Named as other files import it (relative to its workspace folder), which is also the reference name if it is ever imported.
  const name = folder ? path.relative(folder, file).split(path.sep).join('/') : path.basename(file);
  return { name, text, files };
}

/** A workspace .proto, parsed with its imports. Throws ProtoSchemaError (line and column) when it does not parse. */
export async function loadProtoFile(schemaFile: string): Promise<ProtoSchema> {
  const file = resolveSchemaPath(schemaFile);
  let read;
  try {
    read = await readProtoWorkspace(file);
  } catch (e) {
    throw invalid(`Cannot read the .proto file ${schemaFile}: ${(e as Error).message}`);
  }
  return parseProtoSchema(read.name, read.text, (imp) => read.files.get(imp));
}

/** The latest version of a subject as a Protobuf schema, references included. */
export async function loadProtoSubject(registry: SchemaRegistryClient, subject: string): Promise<{ schema: ProtoSchema; id: number; version: number }> {
  const v = await registry.getVersion(subject, 'latest');
  if (v.schemaType !== 'PROTOBUF') throw invalid(`Subject "${subject}" holds a ${v.schemaType} schema, not Protobuf.`);
  const refs = await registry.referencedSchemas(v.references);
  const name = `${subject}.proto`;
  const schema = looksLikeDescriptor(v.schema) ? descriptorSchema(name, v.schema, refs) : parseProtoSchema(name, v.schema, (imp) => refs.get(imp));
  return { schema, id: v.id, version: v.version };
}

/** A workspace JSON Schema with every file its `$ref`s name (relative to it). */
export async function loadJsonSchemaFile(schemaFile: string): Promise<CompiledJsonSchema> {
  const file = resolveSchemaPath(schemaFile);
  const files: Record<string, string> = {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw invalid(`Cannot read the JSON Schema file ${schemaFile}: ${(e as Error).message}`);
  }
  const name = path.basename(file);
  files[name] = text;
  const pending = [parseSchemaJson(name, text)];
  while (pending.length) {
    for (const ref of externalRefs(pending.pop())) {
      if (ref in files || /^[a-z]+:\/\//i.test(ref)) continue;
      const refText = await readFile(path.join(path.dirname(file), ref), 'utf8').catch(() => undefined);
      if (refText === undefined) continue;
      files[ref] = refText;
      pending.push(parseSchemaJson(ref, refText));
    }
  }
  return compileJsonSchema({ file: name, files } satisfies JsonSchemaBundle);
}

async function registryOf(manager: ConnectionManager, connection: string, why: string): Promise<SchemaRegistryClient> {
  const registry = await manager.registry(connection);
  if (!registry) throw invalid(`${why} needs a Schema Registry, and "${connection}" has none: add its URL with "Kafka: Edit Connection".`);
  return registry;
}

function wrap(e: unknown): never {
  if (e instanceof ProtoSchemaError || e instanceof JsonSchemaError || e instanceof SchemaRegistryError) throw invalid(e.message);
  throw e;
}

/**
 * The spec with the Protobuf and JSON Schema schemas of its key and value (and their registry ids
 * for the wire format). The first record is checked before anything is registered.
 */
export async function withSchemaFormats(manager: ConnectionManager, client: KafkaClient, connection: string, spec: ProduceSpec, choices: SchemaFormatChoices): Promise<ProduceSpec> {
  const roles = (['key', 'value'] as const).filter((role) => {
    const f = role === 'key' ? spec.keyFormat : spec.valueFormat;
    return f === 'protobuf' || f === 'jsonschema';
  });
  if (roles.length === 0) return spec;
  const put = (s: ProduceSpec, role: 'key' | 'value', schema: string, schemaId: number | undefined): ProduceSpec =>
    role === 'key' ? { ...s, keySchema: schema, keySchemaId: schemaId } : { ...s, schema, schemaId };
  let out = spec;
  const later: (() => Promise<void>)[] = [];
  try {
    for (const role of roles) {
      const format = role === 'key' ? spec.keyFormat : spec.valueFormat;
      if (format === 'protobuf') {
        const c = (role === 'key' ? choices.keyProtobuf : choices.protobuf) ?? {};
        let schema: ProtoSchema;
        let registryId: number | undefined;
        if (c.subject) {
          const loaded = await loadProtoSubject(await registryOf(manager, connection, 'A Protobuf schema from a subject'), c.subject);
          schema = loaded.schema;
          registryId = loaded.id;
        } else if (c.schemaFile) schema = await loadProtoFile(c.schemaFile);
        else throw invalid(`Choose the .proto file (protobuf.schemaFile) or the Schema Registry subject (protobuf.subject) of the ${role}.`);
        const typeName = c.messageType ?? (schema.messageTypes.length === 1 ? schema.messageTypes[0] : undefined);
        if (!typeName) throw invalid(`${schema.main.name} declares ${schema.messageTypes.join(', ')}: choose the ${role}'s message type (protobuf.messageType).`);
        const type = messageType(schema, typeName);
        const bundle = JSON.stringify(bundleOf(schema, type.fullName.replace(/^\./, '')));
        const wire = (c.encoding ?? (c.subject ? 'confluent' : 'raw')) === 'confluent';
        out = put(out, role, bundle, wire ? registryId : undefined);
        if (wire && registryId === undefined) {
          later.push(async () => {
            const registry = await registryOf(manager, connection, 'The Confluent wire format');
            const r = await resolveProtoSchemaId({ registry, schema, type, topic: spec.topic.trim(), isKey: role === 'key', strategy: c.strategy, autoRegister: c.autoRegister });
            log().info(`produce: ${role} Protobuf ${schema.main.name} is schema id ${r.schemaId} under "${r.subject}" (${r.references.length} reference(s))`);
            out = put(out, role, bundle, r.schemaId);
          });
        }
      } else {
        const c = (role === 'key' ? choices.keyJsonSchema : choices.jsonSchema) ?? {};
        let compiled: CompiledJsonSchema;
        let registryId: number | undefined;
        if (c.subject) {
          const registry = await registryOf(manager, connection, 'A JSON Schema from a subject');
          const v = await registry.getVersion(c.subject, 'latest');
          if (v.schemaType !== 'JSON') throw invalid(`Subject "${c.subject}" holds a ${v.schemaType} schema, not a JSON Schema.`);
          const refs = await registry.referencedSchemas(v.references);
          compiled = compileJsonSchema({ file: c.subject, files: { ...Object.fromEntries(refs), [c.subject]: v.schema } });
          registryId = v.id;
        } else if (c.schemaFile) compiled = await loadJsonSchemaFile(c.schemaFile);
        else throw invalid(`Choose the JSON Schema file (jsonSchema.schemaFile) or the Schema Registry subject (jsonSchema.subject) of the ${role}.`);
        const bundle = JSON.stringify(compiled.bundle);
        const wire = (c.encoding ?? (c.subject ? 'confluent' : 'plain')) === 'confluent';
        out = put(out, role, bundle, wire ? registryId : undefined);
        if (wire && registryId === undefined) {
          later.push(async () => {
            const registry = await registryOf(manager, connection, 'The Confluent wire format');
            const r = await resolveJsonSchemaId({ registry, schema: compiled, topic: spec.topic.trim(), isKey: role === 'key', strategy: c.strategy, autoRegister: c.autoRegister });
            log().info(`produce: ${role} JSON Schema ${compiled.bundle.file} is schema id ${r.schemaId} under "${r.subject}"`);
            out = put(out, role, bundle, r.schemaId);
          });
        }
      }
    }
    if (later.length === 0) return out;
    // The bodies are the same with or without the header, so this checks what will be sent —
    // before a schema is registered on behalf of a record that would be refused.
    await prepareProduce(client, out);
    for (const step of later) await step();
    return out;
  } catch (e) {
    return wrap(e);
  }
}

/** The message types a workspace .proto declares (full names), for a message chooser. Throws when it does not parse. */
export async function protoMessageTypes(schemaFile: string): Promise<string[]> {
  try {
    return (await loadProtoFile(schemaFile)).messageTypes;
  } catch (e) {
    return wrap(e);
  }
}

/**
 * The check as the user types, for a form: the key or value text against its Protobuf message or
 * JSON Schema, every problem with its path; `ok: false` with the reason when the schema itself
 * cannot be loaded. Nothing is registered.
 */
export async function checkSchemaFormatText(
  manager: ConnectionManager,
  connection: string,
  format: 'protobuf' | 'jsonschema',
  choice: ProtobufValueChoice | JsonSchemaValueChoice,
  text: string,
): Promise<{ ok: boolean; text: string }> {
  try {
    if (format === 'protobuf') {
      const c = choice as ProtobufValueChoice;
      const schema = c.subject ? (await loadProtoSubject(await registryOf(manager, connection, 'A subject'), c.subject)).schema : c.schemaFile ? await loadProtoFile(c.schemaFile) : undefined;
      if (!schema) return { ok: false, text: 'Choose a .proto file or a Schema Registry subject.' };
      const name = c.messageType ?? (schema.messageTypes.length === 1 ? schema.messageTypes[0] : undefined);
      if (!name) return { ok: false, text: `Choose the message type: ${schema.main.name} declares ${schema.messageTypes.join(', ')}.` };
      const problem = checkProtoJsonText(bundleOf(schema, messageType(schema, name).fullName.replace(/^\./, '')), text);
      return problem ? { ok: false, text: `Does not match ${name}: ${problem}` } : { ok: true, text: `Matches ${name}.` };
    }
    const c = choice as JsonSchemaValueChoice;
    let compiled: CompiledJsonSchema | undefined;
    if (c.subject) {
      const registry = await registryOf(manager, connection, 'A subject');
      const v = await registry.getVersion(c.subject, 'latest');
      const refs = await registry.referencedSchemas(v.references);
      compiled = compileJsonSchema({ file: c.subject, files: { ...Object.fromEntries(refs), [c.subject]: v.schema } });
    } else if (c.schemaFile) compiled = await loadJsonSchemaFile(c.schemaFile);
    if (!compiled) return { ok: false, text: 'Choose a JSON Schema file or a Schema Registry subject.' };
    const problem = checkJsonSchemaText(compiled, text);
    return problem ? { ok: false, text: `Does not match ${compiled.bundle.file}: ${problem}` } : { ok: true, text: `Matches ${compiled.bundle.file}.` };
  } catch (e) {
    if (e instanceof KafkaWorkbenchError || e instanceof ProtoSchemaError || e instanceof JsonSchemaError || e instanceof SchemaRegistryError) return { ok: false, text: e.message };
    throw e;
  }
}
