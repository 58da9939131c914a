// The JSON a user types for an Avro value, and how a decoded value is shown. One representation both
// ways, so a consumed record's JSON can be pasted into the produce form:
//   - records: objects; a missing field takes its schema default, an unknown field is an error;
//   - unions: Avro's JSON encoding: null, or an object with one key naming the branch,
//     e.g. {"string": "a@b.c"}, {"com.acme.Address": {...}} (full name for named types);
//   - bytes and fixed: strings whose characters are the byte values 0-255 ("\u00ff"), as in Avro's
//     JSON encoding;
//   - long: a JSON number within ±2^53 (avsc's default long);
//   - logical types: see logicalTypes.ts (decimal as "12.34", timestamp-millis as ISO-8601 or ms,
//     date as "YYYY-MM-DD", uuid as text).
import type { Type, types } from 'avsc';
import { formatPath, JsonSyntaxError, parseLocatedJson, type JsonPath, type TextPosition } from '../json/locatedJson';
import { isJsonLogicalType } from './logicalTypes';
import type { AvroSchema } from './schema';

export interface AvroValueProblem {
  /** Field path such as `customer.address.zip`; '' for the whole value. */
  path: string;
  /** What the schema wants there, e.g. `int`, `union ["null","string"] as null or {"string": ...}`. */
  expected: string;
  /** The value found, as short JSON text; `(missing)` for a missing field. */
  found: string;
  /** One line: `customer.address.zip: expected int, found "12a"`. */
  message: string;
  /** Where in the JSON text, when the value came from text. */
  position?: TextPosition;
}

export type AvroJsonResult = { ok: true; value: unknown } | { ok: false; problems: AvroValueProblem[] };

export class AvroValueError extends Error {
  constructor(readonly problems: AvroValueProblem[]) {
    super(problems.length === 1 ? problems[0].message : `${problems.length} problems: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'AvroValueError';
  }
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const MAX_PROBLEMS = 50;

/**
 * Converts a JSON value (already parsed) to the value avsc encodes, checking it against the schema.
 * Every problem is reported with its field path, not only the first.
 */
export function avroValueFromJson(schema: AvroSchema | Type, json: unknown): AvroJsonResult {
  const problems: AvroValueProblem[] = [];
  const value = convert(typeOf(schema), json, [], problems);
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/**
 * The produce form's check as the user types: JSON syntax errors and schema mismatches, each with
 * the line and column in `text`.
 */
export function checkAvroJsonText(schema: AvroSchema | Type, text: string): AvroJsonResult {
  let located;
  try {
    located = parseLocatedJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const message = `not valid JSON: ${err.message}`;
    return { ok: false, problems: [{ path: '', expected: 'JSON', found: '', message, position: err.position }] };
  }
  const problems: AvroValueProblem[] = [];
  const value = convert(typeOf(schema), located.value, [], problems, located.positionOf);
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/** A decoded (or converted) value as JSON in the same representation the user types. */
export function avroValueToJson(schema: AvroSchema | Type, value: unknown): unknown {
  return show(typeOf(schema), value);
}

function typeOf(schema: AvroSchema | Type): Type {
  return 'text' in schema && 'type' in schema && typeof (schema as AvroSchema).text === 'string' ? (schema as AvroSchema).type : (schema as Type);
}

/** `int`, `record com.acme.Customer`, `array of string`, ... */
export function describeType(type: Type): string {
  if (isJsonLogicalType(type)) return type.expected;
  const name = type.typeName;
  switch (name) {
    case 'record':
    case 'error':
      return `record ${type.name}`;
    case 'enum':
      return `enum ${type.name} (one of ${(type as types.EnumType).symbols.map((s) => JSON.stringify(s)).join(', ')})`;
    case 'fixed':
      return `fixed ${type.name} (a string of ${(type as types.FixedType).size} characters \\u0000-\\u00ff)`;
    case 'bytes':
      return 'bytes (a string of characters \\u0000-\\u00ff)';
    case 'array':
      return `array of ${shortName((type as types.ArrayType).itemsType)}`;
    case 'map':
      return `map of ${shortName((type as types.MapType).valuesType as Type)}`;
    case 'union:wrapped':
    case 'union:unwrapped': {
      const branches = (type as types.WrappedUnionType).types;
      const nonNull = branches.filter((t) => t.typeName !== 'null');
      const forms = branches.map((t) => (t.typeName === 'null' ? 'null' : `{${JSON.stringify(t.branchName)}: ...}`));
      const example = nonNull.length ? forms.join(' or ') : 'null';
      return `union [${branches.map((t) => JSON.stringify(t.branchName)).join(', ')}] written as ${example}`;
    }
    default:
      if (name.startsWith('logical:')) return shortName(type);
      return name;
  }
}

function shortName(type: Type): string {
  if (type.name) return type.name;
  if (type.typeName.startsWith('union')) return `union [${(type as types.WrappedUnionType).types.map((t) => t.branchName).join(', ')}]`;
  if (type.typeName === 'array') return `array of ${shortName((type as types.ArrayType).itemsType)}`;
  if (type.typeName === 'map') return `map of ${shortName((type as types.MapType).valuesType as Type)}`;
  return type.branchName ?? type.typeName;
}

const MISSING = Symbol('missing');

function foundText(value: unknown): string {
  if (value === undefined || value === MISSING) return '(missing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type PositionOf = (path: JsonPath) => TextPosition | undefined;

function convert(type: Type, json: unknown, path: JsonPath, problems: AvroValueProblem[], positionOf?: PositionOf): unknown {
  const problem = (expected: string, detail?: string, at: JsonPath = path, found: unknown = json) => {
    if (problems.length >= MAX_PROBLEMS) return undefined;
    const where = formatPath(at);
    const foundStr = foundText(found);
    const message = `${where || 'value'}: expected ${expected}, found ${foundStr}${detail ? ` (${detail})` : ''}`;
    const position = positionOf?.(at);
    problems.push({ path: where, expected, found: foundStr, message, ...(position ? { position } : {}) });
    return undefined;
  };

  if (isJsonLogicalType(type)) {
    const r = type.fromJson(json);
    return 'problem' in r ? problem(type.expected, r.problem) : r.value;
  }

  switch (type.typeName) {
    case 'null':
      return json === null ? null : problem('null');
    case 'boolean':
      return typeof json === 'boolean' ? json : problem('boolean');
    case 'int':
      if (typeof json === 'number' && Number.isInteger(json)) {
        return json >= INT_MIN && json <= INT_MAX ? json : problem('int', 'outside the 32-bit range');
      }
      return problem('int');
    case 'long':
      if (typeof json === 'number' && Number.isInteger(json)) {
        return Number.isSafeInteger(json) ? json : problem('long', 'beyond ±2^53, which JSON numbers cannot hold exactly');
      }
      return problem('long');
    case 'float':
    case 'double':
      return typeof json === 'number' ? json : problem(type.typeName);
    case 'string':
      return typeof json === 'string' ? json : problem('string');
    case 'bytes':
    case 'fixed': {
      if (typeof json !== 'string') return problem(describeType(type));
      if (hasNonByteChar(json)) return problem(describeType(type), 'a character above \\u00ff is not a byte');
      const bytes = Buffer.from(json, 'latin1');
      if (type.typeName === 'fixed' && bytes.length !== (type as types.FixedType).size) {
        return problem(describeType(type), `${bytes.length} bytes`);
      }
      return bytes;
    }
    case 'enum':
      return typeof json === 'string' && (type as types.EnumType).symbols.includes(json) ? json : problem(describeType(type));
    case 'array': {
      if (!Array.isArray(json)) return problem(describeType(type));
      const items = (type as types.ArrayType).itemsType;
      return json.map((item, i) => convert(items, item, [...path, i], problems, positionOf));
    }
    case 'map': {
      if (!isPlainObject(json)) return problem(describeType(type));
      const values = (type as types.MapType).valuesType as Type;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(json)) out[k] = convert(values, v, [...path, k], problems, positionOf);
      return out;
    }
    case 'record':
    case 'error': {
      if (!isPlainObject(json)) return problem(describeType(type));
      const record = type as types.RecordType;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(json)) {
        if (!record.fields.some((f) => f.name === key)) {
          problem(`one of the fields of ${type.name}: ${record.fields.map((f) => f.name).join(', ')}`, 'unknown field', [...path, key], key);
        }
      }
      for (const field of record.fields) {
        const fieldPath = [...path, field.name];
        if (json[field.name] === undefined) {
          const fallback = field.defaultValue();
          if (fallback === undefined) problem(describeType(field.type), 'a required field: it has no default', fieldPath, MISSING);
          else out[field.name] = fallback;
          continue;
        }
        out[field.name] = convert(field.type, json[field.name], fieldPath, problems, positionOf);
      }
      return out;
    }
    case 'union:wrapped':
    case 'union:unwrapped': {
      const branches = (type as types.WrappedUnionType).types;
      if (json === null) {
        return branches.some((t) => t.typeName === 'null') ? null : problem(describeType(type), 'null is not one of the branches');
      }
      if (isPlainObject(json)) {
        const keys = Object.keys(json);
        const branch = keys.length === 1 ? branches.find((t) => t.branchName === keys[0]) : undefined;
        if (branch) {
          const inner = convert(branch, json[keys[0]], path, problems, positionOf);
          return type.typeName === 'union:wrapped' ? { [keys[0]]: inner } : inner;
        }
      }
      // A bare value is a common slip: say which branch it would fit, written the right way.
      const fits = branches.find((t) => t.typeName !== 'null' && avroValueFromJson(t, json).ok);
      const hint = fits ? `write it as {${JSON.stringify(fits.branchName)}: ${foundText(json)}}` : undefined;
      return problem(describeType(type), hint);
    }
    default:
      // A logical type we do not implement falls back to its underlying type (avsc did that already).
      return type.isValid(json) ? json : problem(type.typeName);
  }
}

function show(type: Type, value: unknown): unknown {
  if (isJsonLogicalType(type)) return type.toJson(value);
  switch (type.typeName) {
    case 'bytes':
    case 'fixed':
      return Buffer.isBuffer(value) ? value.toString('latin1') : value;
    case 'array':
      return Array.isArray(value) ? value.map((v) => show((type as types.ArrayType).itemsType, v)) : value;
    case 'map': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = show((type as types.MapType).valuesType as Type, v);
      return out;
    }
    case 'record':
    case 'error': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const field of (type as types.RecordType).fields) out[field.name] = show(field.type, value[field.name]);
      return out;
    }
    case 'union:wrapped': {
      if (value === null || !isPlainObject(value)) return value;
      const key = Object.keys(value)[0];
      const branch = (type as types.WrappedUnionType).types.find((t) => t.branchName === key);
      return branch ? { [key]: show(branch, value[key]) } : value;
    }
    default:
      return value;
  }
}

function hasNonByteChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return true;
  return false;
}
