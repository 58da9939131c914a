/**
 * Avro keys and values in the Produce form and the produce command: where the schema comes from (a
 * workspace .avsc file or a registry subject's latest version), the check as the user types, and
 * the schema id for the Confluent wire format, all resolved before the core's synchronous
 * serializer is built.
 */
import * as path from 'node:path';
import type { Type, types } from 'avsc';
import * as vscode from 'vscode';
import { avroValueFromJson, checkAvroJsonText, avroValueToJson } from '../../core/avro/json';
import { SchemaRegistryError, type SubjectNameStrategy } from '../../core/avro/registry';
import { AvroSchemaError, parseAvroSchema, type AvroSchema } from '../../core/avro/schema';
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { describeAvroProblems, resolveWireSchemaId } from '../../core/produce/avroSerializer';
import { prepareProduce, type ProduceSpec } from '../../core/produce/produceService';
import { compileTemplate, TemplateError } from '../../core/produce/template';
import { avroField, type AvroRole, type FormField, type ProduceFormValues } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { setSchemaSourceInForm } from './schemaFormatForm';

/** How an Avro key or value is produced: the produce command's `avro` / `keyAvro` argument, and the form's Avro fields. */
export interface AvroValueChoice {
  /** An .avsc file: absolute, or relative to the first workspace folder. */
  schemaFile?: string;
  /** Instead of a file: the latest version of this subject in the connection's Schema Registry. */
  subject?: string;
  /** 'raw' Avro binary (default) or the Confluent wire format (magic byte, schema id, body). */
  encoding?: 'raw' | 'confluent';
  /** Wire format with a file schema: the subject it is registered or looked up under. */
  strategy?: SubjectNameStrategy;
  /** Wire format with a file schema: register it when the subject lacks it (default true). */
  autoRegister?: boolean;
}

/** A problem with the Avro choice, tied to the form field to show it beside. */
export class AvroChoiceError extends KafkaWorkbenchError {
  constructor(
    message: string,
    readonly field: FormField,
  ) {
    super(message, 'invalid-input', 'AVRO');
  }
}

export function avroChoiceFromForm(v: ProduceFormValues, role: AvroRole = 'value'): AvroValueChoice {
  const encoding = v[avroField(role, 'Encoding')];
  return v[avroField(role, 'Source')] === 'registry'
    ? { subject: v[avroField(role, 'Subject')].trim(), encoding }
    : { schemaFile: v[avroField(role, 'SchemaFile')].trim(), encoding, strategy: v[avroField(role, 'Strategy')], autoRegister: v[avroField(role, 'AutoRegister')] };
}

/** The form's Avro fields for a choice (the inverse of {@link avroChoiceFromForm}), e.g. for "Produce similar". */
export function setAvroChoiceInForm(v: ProduceFormValues, role: AvroRole, choice: AvroValueChoice): void {
  setSchemaSourceInForm(v, role, { ...choice, encoding: choice.encoding ?? 'raw' });
}

export function resolveSchemaPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, file) : path.resolve(file);
}

function relative(file: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.file(file));
}

export interface LoadedSchema {
  schema: AvroSchema;
  /** When the schema came from the registry: its id there (the wire format uses it directly). */
  registryId?: number;
  /** "orders.avsc" or "subject orders-value v3", for messages. */
  label: string;
}

// Re-parsing on every keystroke's check would be wasted: files by their text, subjects for a while.
const parsedFiles = new Map<string, { text: string; schema: AvroSchema }>();
const subjectCache = new Map<string, { at: number; loaded: LoadedSchema }>();
const SUBJECT_CACHE_MS = 10_000;

/** The schema the choice names. Throws {@link AvroChoiceError} saying what to fix, on the key's or the value's field. */
export async function loadAvroSchema(manager: ConnectionManager, connection: string, choice: AvroValueChoice, role: AvroRole = 'value'): Promise<LoadedSchema> {
  if (choice.subject !== undefined) {
    if (!choice.subject) throw new AvroChoiceError('Enter or pick the Schema Registry subject whose latest version is the schema.', avroField(role, 'Subject'));
    const key = `${connection}\u0000${choice.subject}`;
    const cached = subjectCache.get(key);
    if (cached && Date.now() - cached.at < SUBJECT_CACHE_MS) return cached.loaded;
    const registry = await manager.registry(connection);
    if (!registry) throw new AvroChoiceError(`"${connection}" has no Schema Registry: add its URL with "Kafka: Edit Connection", or use an .avsc file.`, avroField(role, 'Source'));
    let loaded: LoadedSchema;
    try {
      const version = await registry.getVersion(choice.subject, 'latest');
      if (version.schemaType !== 'AVRO') throw new AvroChoiceError(`Subject "${choice.subject}" holds a ${version.schemaType} schema, not Avro.`, avroField(role, 'Subject'));
      const label = `subject "${choice.subject}" version ${version.version}`;
      loaded = { schema: parseAvroSchema(version.schema, label), registryId: version.id, label };
    } catch (e) {
      if (e instanceof SchemaRegistryError || e instanceof AvroSchemaError) throw new AvroChoiceError(e.message, avroField(role, 'Subject'));
      throw e;
    }
    subjectCache.set(key, { at: Date.now(), loaded });
    return loaded;
  }
  if (!choice.schemaFile) throw new AvroChoiceError(`Choose the .avsc file with the ${role}'s schema.`, avroField(role, 'SchemaFile'));
  const file = resolveSchemaPath(choice.schemaFile);
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch (e) {
    throw new AvroChoiceError(`Cannot read the schema file ${choice.schemaFile}: ${(e as Error).message}`, avroField(role, 'SchemaFile'));
  }
  const cached = parsedFiles.get(file);
  if (cached?.text === text) return { schema: cached.schema, label: relative(file) };
  try {
    const schema = parseAvroSchema(text, relative(file));
    parsedFiles.set(file, { text, schema });
    return { schema, label: relative(file) };
  } catch (e) {
    if (e instanceof AvroSchemaError) throw new AvroChoiceError(`${e.message}. Fix the file (its problems are in the Problems view).`, avroField(role, 'SchemaFile'));
    throw e;
  }
}

/**
 * The form's check as the user types: the key or value (record 0 of a template, rendered) against
 * its schema, every problem with its field path, what the schema expects and what was found.
 */
export async function checkAvroValue(manager: ConnectionManager, values: ProduceFormValues, role: AvroRole = 'value'): Promise<{ ok: boolean; text: string; field?: FormField }> {
  let loaded: LoadedSchema;
  try {
    loaded = await loadAvroSchema(manager, values.connection, avroChoiceFromForm(values, role), role);
  } catch (e) {
    if (e instanceof AvroChoiceError) return { ok: false, text: e.message, field: e.field };
    throw e;
  }
  if (values.source === 'file') return { ok: true, text: `Schema ${loaded.schema.name ?? ''} from ${loaded.label}; each record in the file is checked when sent.` };
  const typed = role === 'key' ? values.key : values.value;
  let text = typed;
  let templated = false;
  try {
    const template = compileTemplate(typed);
    templated = !template.constant;
    text = template.render(0);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { ok: false, text: e.message };
  }
  const checked = checkAvroJsonText(loaded.schema, text);
  const of = templated ? (role === 'key' ? "Record 0's key (templates rendered)" : 'Record 0 (templates rendered)') : `The ${role}`;
  if (checked.ok) return { ok: true, text: `${of} matches ${loaded.schema.name ?? 'the schema'} (${loaded.label}).` };
  return { ok: false, text: `${of} does not match ${loaded.schema.name ?? 'the schema'} (${loaded.label}): ${describeAvroProblems(checked.problems)}` };
}

/**
 * The spec with the Avro schemas of the key and the value, whichever are Avro (and, for the wire
 * format, the registry's schema ids). The first record is checked against the schemas before
 * anything is registered, so a wrong key or value never leaves a schema behind in the registry.
 */
export async function withAvroSchemas(
  manager: ConnectionManager,
  client: KafkaClient,
  connection: string,
  spec: ProduceSpec,
  choices: { key?: AvroValueChoice; value?: AvroValueChoice },
): Promise<ProduceSpec> {
  const roles = (['key', 'value'] as const).filter((role) => (role === 'key' ? spec.keyFormat : spec.valueFormat) === 'avro');
  const loaded = await Promise.all(roles.map((role) => loadAvroSchema(manager, connection, choices[role] ?? {}, role)));
  const put = (s: ProduceSpec, role: AvroRole, schema: string | undefined, schemaId: number | undefined): ProduceSpec =>
    role === 'key' ? { ...s, keySchema: schema, keySchemaId: schemaId } : { ...s, schema, schemaId };
  let out = spec;
  roles.forEach((role, i) => (out = put(out, role, loaded[i].schema.text, (choices[role]?.encoding ?? 'raw') === 'confluent' ? loaded[i].registryId : undefined)));
  const toRegister = roles.map((role, i) => ({ role, loaded: loaded[i], choice: choices[role] ?? {} })).filter((r) => r.choice.encoding === 'confluent' && r.loaded.registryId === undefined);
  if (toRegister.length === 0) return out;
  const registry = await manager.registry(connection);
  if (!registry) throw new AvroChoiceError(`The Confluent wire format needs a Schema Registry, and "${connection}" has none: add its URL with "Kafka: Edit Connection", or produce raw Avro.`, avroField(toRegister[0].role, 'Encoding'));
  // Raw Avro stands in for the wire format here: the bodies are the same, so the check is too.
  await prepareProduce(client, out);
  for (const { role, loaded: l, choice } of toRegister) {
    try {
      const { schemaId, subject, registered } = await resolveWireSchemaId({ registry, schema: l.schema, topic: spec.topic.trim(), isKey: role === 'key', strategy: choice.strategy, autoRegister: choice.autoRegister });
      log().info(`produce: ${role} schema ${l.label} ${registered ? 'registered as' : 'found as'} schema id ${schemaId} under "${subject}" in ${registry.url}`);
      out = put(out, role, l.schema.text, schemaId);
    } catch (e) {
      if (e instanceof SchemaRegistryError) throw new AvroChoiceError(e.message, avroField(role, 'Encoding'));
      throw e;
    }
  }
  return out;
}

/** A value that matches the schema, for a form opened from an .avsc: defaults where the schema has them. */
export function exampleAvroJson(schema: AvroSchema): string {
  try {
    const json = example(schema.type, 0);
    if (!avroValueFromJson(schema, json).ok) return '';
    return JSON.stringify(json, null, 2);
  } catch (e) {
    log().debug(`no example value for ${schema.name ?? 'the schema'}: ${String(e)}`);
    return '';
  }
}

function example(type: Type, depth: number): unknown {
  if (depth > 8) return null;
  const name = type.typeName;
  switch (name) {
    case 'logical:timestamp-millis':
      return new Date(0).toISOString();
    case 'logical:date':
      return '1970-01-01';
    case 'logical:uuid':
      return '00000000-0000-0000-0000-000000000000';
    case 'logical:decimal':
      return '0';
    case 'record':
    case 'error': {
      const out: Record<string, unknown> = {};
      for (const f of (type as types.RecordType).fields) {
        const dflt = f.defaultValue();
        out[f.name] = dflt !== undefined ? avroValueToJson(f.type, dflt) : example(f.type, depth + 1);
      }
      return out;
    }
    case 'union:wrapped':
    case 'union:unwrapped': {
      const first = (type as types.WrappedUnionType).types[0];
      return first.typeName === 'null' ? null : { [first.branchName ?? first.typeName]: example(first, depth + 1) };
    }
    case 'enum':
      return (type as types.EnumType).symbols[0];
    case 'fixed':
      return '\u0000'.repeat((type as types.FixedType).size);
    case 'array':
      return [];
    case 'map':
      return {};
    case 'string':
    case 'bytes':
      return '';
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 0;
    default:
      return name.startsWith('logical:') ? example((type as types.LogicalType).underlyingType, depth + 1) : null;
  }
}

/** The schema files of each schema format, for the file pickers. */
export const SCHEMA_FILE_KINDS: Record<string, { glob: string; what: string; extensions: string[] }> = {
  avro: { glob: '**/*.avsc', what: 'An Avro schema (.avsc)', extensions: ['avsc'] },
  protobuf: { glob: '**/*.proto', what: 'A Protobuf schema (.proto)', extensions: ['proto'] },
  jsonschema: { glob: '**/*.json', what: 'A JSON Schema (*.schema.json or .json)', extensions: ['json'] },
};

/** A workspace schema file of the format (.avsc by default) from a quick pick (or an open dialog when the workspace has none). */
export async function pickSchemaFile(title: string, format = 'avro'): Promise<vscode.Uri | undefined> {
  const kind = SCHEMA_FILE_KINDS[format] ?? SCHEMA_FILE_KINDS.avro;
  const found = await vscode.workspace.findFiles(kind.glob, '**/node_modules/**', 500);
  // JSON Schema files named *.schema.json come first: any .json could be one, but those say so.
  const rank = (label: string) => (format === 'jsonschema' && !label.endsWith('.schema.json') ? 1 : 0);
  if (found.length > 0) {
    const pick = await vscode.window.showQuickPick(
      found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label)),
      { title, placeHolder: `${kind.what} in the workspace` },
    );
    return pick?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, title, filters: { [kind.what]: kind.extensions } });
  return chosen?.[0];
}
