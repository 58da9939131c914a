/**
 * Protobuf and JSON Schema in the Produce form: the same schema controls as Avro (a workspace file
 * or a registry subject, raw or the Confluent wire format, strategy, register-if-missing) plus the
 * Protobuf message, turned into the produce command's choices; and the check as the user types,
 * every problem with its path and a squiggle where the located parser finds that path.
 */
import type * as protobuf from 'protobufjs';
import { SchemaRegistryError, type SubjectNameStrategy } from '../../core/avro/registry';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { JsonSyntaxError, parseLocatedJson, type JsonPath, type LocatedJson, type TextPosition } from '../../core/json/locatedJson';
import { compileJsonSchema, describeViolations, JsonSchemaError, type CompiledJsonSchema } from '../../core/jsonschema/schema';
import { describeProtoProblems } from '../../core/produce/protobufSerializer';
import { maskTemplates, renderRecordZero } from './typedTemplate';
import { checkProtoJson, jsonName } from '../../core/protobuf/json';
import { messageType, ProtoSchemaError, type ProtoSchema } from '../../core/protobuf/schema';
import { avroField, type AvroRole, type FormField, type ProduceFormValues } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ValueCheckResult } from './valueCheck';
import { loadJsonSchemaFile, loadProtoFile, loadProtoSubject, type JsonSchemaValueChoice, type ProtobufValueChoice, type SchemaFormatChoices } from './schemaFormatValue';

/** The form's schema fields of a role as the produce command's `protobuf` / `jsonSchema` choice. */
function choiceOf(v: ProduceFormValues, role: AvroRole): { schemaFile?: string; subject?: string; wire: boolean; strategy: ProduceFormValues['avroStrategy']; autoRegister: boolean; messageType?: string } {
  const wire = v[avroField(role, 'Encoding')] === 'confluent';
  const messageType = v[avroField(role, 'MessageType')]?.trim() || undefined;
  return v[avroField(role, 'Source')] === 'registry'
    ? { subject: v[avroField(role, 'Subject')].trim(), wire, strategy: v[avroField(role, 'Strategy')], autoRegister: false, messageType }
    : { schemaFile: v[avroField(role, 'SchemaFile')].trim(), wire, strategy: v[avroField(role, 'Strategy')], autoRegister: v[avroField(role, 'AutoRegister')], messageType };
}

function protobufChoice(v: ProduceFormValues, role: AvroRole): ProtobufValueChoice {
  const c = choiceOf(v, role);
  return { schemaFile: c.schemaFile, subject: c.subject, messageType: c.messageType, encoding: c.wire ? 'confluent' : 'raw', strategy: c.strategy, autoRegister: c.autoRegister };
}

function jsonSchemaChoice(v: ProduceFormValues, role: AvroRole): JsonSchemaValueChoice {
  const c = choiceOf(v, role);
  return { schemaFile: c.schemaFile, subject: c.subject, encoding: c.wire ? 'confluent' : 'plain', strategy: c.strategy, autoRegister: c.autoRegister };
}

/** The produce command's Protobuf / JSON Schema choices the form describes (only for the roles in those formats). */
export function schemaChoicesFromForm(v: ProduceFormValues): SchemaFormatChoices {
  // Only the roles that use them: a run's record of how it produced stays free of empty keys.
  return {
    ...(v.valueFormat === 'protobuf' ? { protobuf: protobufChoice(v, 'value') } : {}),
    ...(v.keyFormat === 'protobuf' ? { keyProtobuf: protobufChoice(v, 'key') } : {}),
    ...(v.valueFormat === 'jsonschema' ? { jsonSchema: jsonSchemaChoice(v, 'value') } : {}),
    ...(v.keyFormat === 'jsonschema' ? { keyJsonSchema: jsonSchemaChoice(v, 'key') } : {}),
  };
}

/** The form's schema fields for a Protobuf or JSON Schema choice (the inverse of {@link schemaChoicesFromForm}), e.g. for "Produce similar". */
export function setSchemaChoiceInForm(v: ProduceFormValues, role: AvroRole, choice: ProtobufValueChoice | JsonSchemaValueChoice): void {
  // A subject defaults to the wire format, a file to raw / plain (as the command does).
  setSchemaSourceInForm(v, role, { ...choice, encoding: (choice.encoding ?? (choice.subject !== undefined ? 'confluent' : 'raw')) === 'confluent' ? 'confluent' : 'raw' });
  if ('messageType' in choice && choice.messageType) v[avroField(role, 'MessageType')] = choice.messageType;
}

/**
 * The schema source fields every schema format shares (Avro, Protobuf, JSON Schema): a registry
 * subject or a file, the encoding, the subject strategy and register-if-missing.
 */
export function setSchemaSourceInForm(
  v: ProduceFormValues,
  role: AvroRole,
  choice: { subject?: string; schemaFile?: string; encoding: 'confluent' | 'raw'; strategy?: SubjectNameStrategy; autoRegister?: boolean },
): void {
  if (choice.subject !== undefined) {
    v[avroField(role, 'Source')] = 'registry';
    v[avroField(role, 'Subject')] = choice.subject;
  } else {
    v[avroField(role, 'Source')] = 'file';
    v[avroField(role, 'SchemaFile')] = choice.schemaFile ?? '';
  }
  v[avroField(role, 'Encoding')] = choice.encoding;
  if (choice.strategy) v[avroField(role, 'Strategy')] = choice.strategy;
  if (choice.autoRegister !== undefined) v[avroField(role, 'AutoRegister')] = choice.autoRegister;
}

/** What the form's check of a Protobuf or JSON Schema value says (the same shape as an Avro or JSON value's). */
export type SchemaFormatCheck = ValueCheckResult;

class ChoiceProblem extends Error {
  constructor(
    message: string,
    readonly field: FormField,
  ) {
    super(message);
  }
}

// A subject is asked for at most every few seconds while the user types (files are re-read: they are small and may be edited).
const subjects = new Map<string, { at: number; loaded: Promise<unknown> }>();
const SUBJECT_CACHE_MS = 10_000;
function cachedSubject<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = subjects.get(key);
  if (hit && Date.now() - hit.at < SUBJECT_CACHE_MS) return hit.loaded as Promise<T>;
  const loaded = load();
  subjects.set(key, { at: Date.now(), loaded });
  loaded.catch(() => subjects.delete(key));
  return loaded;
}

async function registryFor(manager: ConnectionManager, connection: string, role: AvroRole) {
  const registry = await manager.registry(connection);
  if (!registry) throw new ChoiceProblem(`"${connection}" has no Schema Registry: add its URL with "Kafka: Edit Connection", or use a workspace file.`, avroField(role, 'Source'));
  return registry;
}

/** Where a schema problem belongs: the file or subject field (or the message). */
function asChoiceProblem(e: unknown, field: FormField): never {
  if (e instanceof ProtoSchemaError || e instanceof JsonSchemaError || e instanceof SchemaRegistryError || e instanceof KafkaWorkbenchError) throw new ChoiceProblem(e.message, field);
  throw e;
}

async function loadProto(manager: ConnectionManager, v: ProduceFormValues, role: AvroRole): Promise<{ schema: ProtoSchema; label: string }> {
  const c = choiceOf(v, role);
  if (c.subject !== undefined) {
    if (!c.subject) throw new ChoiceProblem('Enter or pick the Schema Registry subject whose latest version is the schema.', avroField(role, 'Subject'));
    const registry = await registryFor(manager, v.connection, role);
    const loaded = await cachedSubject(`${v.connection}\u0000protobuf\u0000${c.subject}`, () => loadProtoSubject(registry, c.subject!)).catch((e: unknown) => asChoiceProblem(e, avroField(role, 'Subject')));
    return { schema: loaded.schema, label: `subject "${c.subject}" version ${loaded.version}` };
  }
  if (!c.schemaFile) throw new ChoiceProblem(`Choose the .proto file with the ${role}'s message.`, avroField(role, 'SchemaFile'));
  const schema = await loadProtoFile(c.schemaFile).catch((e: unknown) => asChoiceProblem(e, avroField(role, 'SchemaFile')));
  return { schema, label: c.schemaFile };
}

async function loadJsonSchema(manager: ConnectionManager, v: ProduceFormValues, role: AvroRole): Promise<{ schema: CompiledJsonSchema; label: string }> {
  const c = choiceOf(v, role);
  if (c.subject !== undefined) {
    if (!c.subject) throw new ChoiceProblem('Enter or pick the Schema Registry subject whose latest version is the schema.', avroField(role, 'Subject'));
    const registry = await registryFor(manager, v.connection, role);
    const subject = c.subject;
    const loaded = await cachedSubject(`${v.connection}\u0000json\u0000${subject}`, async () => {
      const version = await registry.getVersion(subject, 'latest');
      if (version.schemaType !== 'JSON') throw new KafkaWorkbenchError(`Subject "${subject}" holds a ${version.schemaType} schema, not a JSON Schema.`, 'invalid-input');
      const refs = await registry.referencedSchemas(version.references);
      return { schema: compileJsonSchema({ file: subject, files: { ...Object.fromEntries(refs), [subject]: version.schema } }), version: version.version };
    }).catch((e: unknown) => asChoiceProblem(e, avroField(role, 'Subject')));
    return { schema: loaded.schema, label: `subject "${subject}" version ${loaded.version}` };
  }
  if (!c.schemaFile) throw new ChoiceProblem(`Choose the JSON Schema file of the ${role}.`, avroField(role, 'SchemaFile'));
  const schema = await loadJsonSchemaFile(c.schemaFile).catch((e: unknown) => asChoiceProblem(e, avroField(role, 'SchemaFile')));
  return { schema, label: c.schemaFile };
}

/** Path segments of a Protobuf problem path (`lines[0].qty`, `attrs["a b"]`) or a JSON Pointer (`/lines/0/qty`). */
export function pathSegments(path: string): string[] {
  if (path.startsWith('/')) return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: string[] = [];
  for (const m of path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[\]]+)/g)) out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3]));
  return out;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Where the value at a problem's path starts in the typed text, or at its deepest typed ancestor
 * (a missing field is marked on its object). Protobuf names its fields in lowerCamelCase; the user
 * may have typed the .proto's snake_case name.
 */
export function positionOfPath(located: LocatedJson, path: string): TextPosition | undefined {
  let at: JsonPath = [];
  let found = located.positionOf(at);
  for (const seg of pathSegments(path)) {
    const candidates: (string | number)[] = /^\d+$/.test(seg) ? [Number(seg), seg] : [seg, snake(seg)];
    const next = candidates.map((c) => [...at, c]).find((p) => located.positionOf(p));
    if (!next) break;
    at = next;
    found = located.positionOf(at);
  }
  return found;
}

function protoFieldNames(type: protobuf.Type): string[] {
  const names = new Set<string>();
  const seen = new Set<protobuf.Type>();
  const walk = (t: protobuf.Type) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const f of t.fieldsArray) {
      names.add(jsonName(f));
      f.resolve();
      const sub = f.resolvedType;
      if (sub && 'fieldsArray' in sub && !sub.fullName.startsWith('.google.protobuf.')) walk(sub);
    }
  };
  walk(type);
  return [...names].sort();
}

function jsonSchemaPropertyNames(schema: CompiledJsonSchema): string[] {
  const names = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) Object.keys(v).forEach((n) => names.add(n));
      walk(v);
    }
  };
  for (const text of Object.values(schema.bundle.files)) {
    try {
      walk(JSON.parse(text));
    } catch {
      // A file that does not parse has no names to offer; its diagnostics say why.
    }
  }
  return [...names].sort();
}

/**
 * The form's check as the user types for a Protobuf or JSON Schema key or value: the schema
 * loaded from the form's choice, record 0 (templates rendered) checked against it, each problem
 * with its path and a mark where that path is in the typed text. Nothing is registered.
 */
export async function checkSchemaFormatValue(manager: ConnectionManager, v: ProduceFormValues, role: AvroRole): Promise<SchemaFormatCheck> {
  const format = role === 'key' ? v.keyFormat : v.valueFormat;
  const typed = role === 'key' ? v.key : v.value;
  let name: string;
  let label: string;
  let completions: string[];
  let messageTypes: string[] | undefined;
  let problemsOf: (value: unknown) => { path: string; message: string }[];
  let describe: (problems: { path: string; message: string }[]) => string;
  try {
    if (format === 'protobuf') {
      const loaded = await loadProto(manager, v, role);
      messageTypes = loaded.schema.messageTypes;
      const chosen = choiceOf(v, role).messageType ?? (messageTypes.length === 1 ? messageTypes[0] : undefined);
      if (!chosen) throw new ChoiceProblem(`Choose the message type: ${loaded.label} declares ${messageTypes.join(', ')}.`, avroField(role, 'MessageType'));
      let type: protobuf.Type;
      try {
        type = messageType(loaded.schema, chosen);
      } catch (e) {
        return asChoiceProblem(e, avroField(role, 'MessageType'));
      }
      name = chosen;
      label = loaded.label;
      completions = protoFieldNames(type);
      problemsOf = (value) => checkProtoJson(type, value);
      describe = describeProtoProblems;
    } else {
      const loaded = await loadJsonSchema(manager, v, role);
      name = 'the JSON Schema';
      label = loaded.label;
      completions = jsonSchemaPropertyNames(loaded.schema);
      problemsOf = (value) => loaded.schema.validate(value);
      describe = describeViolations;
    }
  } catch (e) {
    if (e instanceof ChoiceProblem) return { ok: false, text: e.message, field: e.field, marks: [], completions: [], messageTypes };
    throw e;
  }
  const base = { completions, messageTypes };
  if (role === 'value' && v.source === 'file') return { ok: true, text: `${name} from ${label}; each record in the file is checked when sent.`, marks: [], ...base };
  const record = renderRecordZero(typed, role);
  if ('error' in record) return { ok: false, text: record.error, marks: [], ...base };
  const { rendered, templated, of } = record;
  let value: unknown;
  try {
    value = parseLocatedJson(rendered).value;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    // Positions from the typed text (placeholders masked), so the squiggle sits where the user sees it.
    let pos = e.position;
    try {
      parseLocatedJson(maskTemplates(typed));
    } catch (m) {
      if (m instanceof JsonSyntaxError) pos = m.position;
    }
    return { ok: false, text: `Not valid JSON: ${e.reason} (line ${pos.line}, column ${pos.column}).`, marks: [{ line: pos.line, column: pos.column, message: e.reason }], ...base };
  }
  const problems = problemsOf(value);
  if (problems.length === 0) return { ok: true, text: `${of} matches ${name} (${label}).`, marks: [], ...base };
  let located: LocatedJson | undefined;
  try {
    located = parseLocatedJson(templated ? maskTemplates(typed) : rendered);
  } catch {
    located = undefined;
  }
  const marks = located
    ? problems.flatMap((p) => {
        const pos = positionOfPath(located, p.path);
        return pos ? [{ line: pos.line, column: pos.column, message: p.path ? `${p.path}: ${p.message}` : p.message }] : [];
      })
    : [];
  return { ok: false, text: `${of} does not match ${name} (${label}): ${describe(problems)}`, marks, ...base };
}
