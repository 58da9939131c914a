/**
 * The form's check of a key or value as the user types: JSON syntax for JSON-typed formats, the
 * Avro schema for Avro. Each finding carries the 1-based line and column the located parser
 * computed, so the editor draws a squiggle exactly there; Avro also returns the schema's field
 * names for completion.
 */
import type { Type, types } from 'avsc';
import { checkAvroJsonText } from '../../core/avro/json';
import { JsonSyntaxError, parseLocatedJson } from '../../core/json/locatedJson';
import { describeAvroProblems } from '../../core/produce/avroSerializer';
import { formatInfos } from '../../core/produce/serializers';
import { maskTemplates, renderRecordZero } from './typedTemplate';
import type { AvroRole, FormField, ProduceFormValues, TextMark } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import { avroChoiceFromForm, AvroChoiceError, loadAvroSchema } from './avroValue';
import { checkSchemaFormatValue } from './schemaFormatForm';

export interface ValueCheckResult {
  ok: boolean;
  text: string;
  field?: FormField;
  marks: TextMark[];
  completions: string[];
  /** Protobuf: the message types the chosen schema declares, for the message chooser. */
  messageTypes?: string[];
}

/** Every field name in a schema (records nested anywhere), for completion inside the JSON. */
export function schemaFieldNames(type: Type): string[] {
  const names = new Set<string>();
  const seen = new Set<Type>();
  const walk = (t: Type) => {
    if (seen.has(t)) return;
    seen.add(t);
    const name = t.typeName;
    if (name === 'record' || name === 'error') for (const f of (t as types.RecordType).fields) {
      names.add(f.name);
      walk(f.type);
    }
    else if (name.startsWith('union')) for (const b of (t as types.WrappedUnionType).types) walk(b);
    else if (name === 'array') walk((t as types.ArrayType).itemsType);
    else if (name === 'map') walk((t as types.MapType).valuesType);
  };
  walk(type);
  return [...names].sort();
}

export async function checkFormValue(manager: ConnectionManager, values: ProduceFormValues, role: AvroRole): Promise<ValueCheckResult> {
  const format = role === 'key' ? values.keyFormat : values.valueFormat;
  const typed = role === 'key' ? values.key : values.value;
  const none: ValueCheckResult = { ok: true, text: '', marks: [], completions: [] };
  if (format === 'avro') return checkAvro(manager, values, role, typed);
  if (format === 'protobuf' || format === 'jsonschema') return checkSchemaFormatValue(manager, values, role);
  const json = formatInfos().find((f) => f.format === format)?.json ?? false;
  if (!json || (role === 'value' && values.source === 'file')) return none;
  if (format !== 'json') return none; // other JSON-typed formats check themselves when sent
  try {
    parseLocatedJson(maskTemplates(typed));
    return { ...none, text: 'Valid JSON.' };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, column } = e.position;
    return { ok: false, text: `Not valid JSON: ${e.reason} (line ${line}, column ${column}).`, marks: [{ line, column, message: e.reason }], completions: [] };
  }
}

async function checkAvro(manager: ConnectionManager, values: ProduceFormValues, role: AvroRole, typed: string): Promise<ValueCheckResult> {
  let loaded;
  try {
    loaded = await loadAvroSchema(manager, values.connection, avroChoiceFromForm(values, role), role);
  } catch (e) {
    if (e instanceof AvroChoiceError) return { ok: false, text: e.message, field: e.field, marks: [], completions: [] };
    throw e;
  }
  const completions = schemaFieldNames(loaded.schema.type);
  const name = loaded.schema.name ?? 'the schema';
  if (values.source === 'file' && role === 'value') return { ok: true, text: `Schema ${name} from ${loaded.label}; each record in the file is checked when sent.`, marks: [], completions };
  const record = renderRecordZero(typed, role);
  if ('error' in record) return { ok: false, text: record.error, marks: [], completions };
  const { rendered, templated, of } = record;
  // A template's placeholders are masked to keep positions; the check itself runs on record 0.
  const checked = checkAvroJsonText(loaded.schema, rendered);
  if (checked.ok) return { ok: true, text: `${of} matches ${name} (${loaded.label}).`, marks: [], completions };
  const positioned = templated ? checkAvroJsonText(loaded.schema, maskTemplates(typed)) : checked;
  const marks = (positioned.ok ? [] : positioned.problems)
    .filter((p) => p.position)
    .map((p) => ({ line: p.position!.line, column: p.position!.column, message: p.message }));
  return { ok: false, text: `${of} does not match ${name} (${loaded.label}): ${describeAvroProblems(checked.problems)}`, marks, completions };
}
