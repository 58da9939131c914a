/**
 * The canonical proto3 JSON mapping (what protoc's JsonFormat and Python's json_format write), both
 * ways, over protobufjs reflection: lowerCamelCase names (the proto name is accepted too), 64-bit
 * integers as strings, bytes as base64, enums by name, and the well-known types in their JSON forms
 * (Timestamp as RFC 3339, Duration as "1.5s", wrappers unwrapped, Struct/Value/ListValue as JSON,
 * FieldMask as "a,b.c", Empty as {}). Reading collects every problem with its field path instead of
 * stopping at the first, so the form can show them all.
 */
import * as protobuf from 'protobufjs';

export interface ProtoValueProblem {
  /** "customer.lines[2].sku", "" for the root. */
  path: string;
  message: string;
}

export class ProtoValueError extends Error {
  constructor(readonly problems: ProtoValueProblem[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
    this.name = 'ProtoValueError';
  }
}

// protobufjs computes a fullName by walking the parents on every read, and names are asked for
// per field per record: both are cached per reflection object.
const jsonNames = new WeakMap<protobuf.Field, string>();
const fullNames = new WeakMap<protobuf.ReflectionObject, string>();
const fieldsByName = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** protoc's json_name: underscores dropped, the next letter upper-cased. */
export function jsonName(field: protobuf.Field): string {
  let name = jsonNames.get(field);
  if (name === undefined) {
    const explicit = (field.options as Record<string, unknown> | undefined)?.json_name;
    name = typeof explicit === 'string' ? explicit : field.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    jsonNames.set(field, name);
  }
  return name;
}

/** A message's fields by JSON name and by .proto name. */
function fieldsOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let byName = fieldsByName.get(type);
  if (!byName) {
    byName = new Map();
    for (const f of type.fieldsArray) {
      byName.set(jsonName(f), f);
      byName.set(f.name, f);
    }
    fieldsByName.set(type, byName);
  }
  return byName;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);
const UINT64 = new Set(['uint64', 'fixed64']);
const FLOAT = new Set(['float', 'double']);

const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

function fullName(t: protobuf.ReflectionObject): string {
  let name = fullNames.get(t);
  if (name === undefined) {
    name = t.fullName.replace(/^\./, '');
    fullNames.set(t, name);
  }
  return name;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function join(path: string, part: string | number): string {
  return typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${part}` : part;
}

// ---- JSON → protobufjs plain object (what Type.fromObject takes) ----

class Reader {
  readonly problems: ProtoValueProblem[] = [];
  fail(path: string, message: string): undefined {
    if (this.problems.length < 50) this.problems.push({ path, message });
    return undefined;
  }

  message(type: protobuf.Type, json: unknown, path: string): Record<string, unknown> | undefined {
    const wkt = this.wellKnown(type, json, path);
    if (wkt !== NOT_WKT) return wkt as Record<string, unknown> | undefined;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return this.fail(path, `expected an object for ${fullName(type)}, found ${describe(json)}`);
    const out: Record<string, unknown> = {};
    const byName = fieldsOf(type);
    const oneofSet = new Map<string, string>();
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      const field = byName.get(key);
      const at = join(path, key);
      if (!field) {
        const names = type.fieldsArray.map(jsonName);
        this.fail(at, `${fullName(type)} has no field "${key}"${names.length ? ` (fields: ${names.slice(0, 12).join(', ')})` : ''}`);
        continue;
      }
      if (value === null && !(field.resolvedType && fullName(field.resolvedType) === 'google.protobuf.Value')) continue;
      const oneof = field.partOf;
      if (oneof && !(field.options as Record<string, unknown> | undefined)?.proto3_optional) {
        const other = oneofSet.get(oneof.name);
        if (other) this.fail(at, `only one field of oneof "${oneof.name}" may be set, and "${other}" is set too`);
        oneofSet.set(oneof.name, key);
      }
      const v = this.field(field, value, at);
      if (v !== undefined) out[field.name] = v;
    }
    return out;
  }

  field(field: protobuf.Field, value: unknown, path: string): unknown {
    if (field.map) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(path, `expected an object (a map), found ${describe(value)}`);
      const out: Record<string, unknown> = {};
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const kp = `${path}["${k}"]`;
        if (keyType === 'bool' && k !== 'true' && k !== 'false') this.fail(kp, 'a bool map key must be "true" or "false"');
        else if (keyType !== 'string' && keyType !== 'bool' && !/^-?\d+$/.test(k)) this.fail(kp, `a ${keyType} map key must be an integer, found "${k}"`);
        const converted = this.single(field, v, kp);
        if (converted !== undefined) out[k] = converted;
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) return this.fail(path, `expected an array, found ${describe(value)}`);
      return value.map((v, i) => this.single(field, v, join(path, i)));
    }
    return this.single(field, value, path);
  }

  single(field: protobuf.Field, value: unknown, path: string): unknown {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) return this.message(rt, value, path);
    if (rt instanceof protobuf.Enum) return this.enumValue(rt, value, path);
    return this.scalar(field.type, value, path);
  }

  enumValue(e: protobuf.Enum, value: unknown, path: string): unknown {
    if (typeof value === 'string') {
      if (value in e.values) return value;
      return this.fail(path, `expected one of ${Object.keys(e.values).slice(0, 12).join(', ')} (${fullName(e)}), found "${value}"`);
    }
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (value === null && fullName(e) === 'google.protobuf.NullValue') return 0;
    return this.fail(path, `expected an enum name of ${fullName(e)}, found ${describe(value)}`);
  }

  scalar(type: string, value: unknown, path: string): unknown {
    if (type === 'string') return typeof value === 'string' ? value : this.fail(path, `expected string, found ${describe(value)}`);
    if (type === 'bool') return typeof value === 'boolean' ? value : this.fail(path, `expected bool (true or false), found ${describe(value)}`);
    if (type === 'bytes') {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/\-_]*={0,2}$/.test(value)) return this.fail(path, `expected bytes as base64 text, found ${describe(value)}`);
      return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    }
    if (FLOAT.has(type)) {
      if (typeof value === 'number') return value;
      if (value === 'NaN') return NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return this.fail(path, `expected ${type}, found ${describe(value)}`);
    }
    const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : undefined) : typeof value === 'string' ? value.trim() : undefined;
    if (text === undefined || !/^-?\d+$/.test(text)) return this.fail(path, `expected ${type} (an integer${INT64.has(type) || UINT64.has(type) ? ', as a number or a string' : ''}), found ${describe(value)}`);
    const n = BigInt(text);
    const [min, max] = INT32.has(type) ? [-(2n ** 31n), 2n ** 31n - 1n] : UINT32.has(type) ? [0n, 2n ** 32n - 1n] : INT64.has(type) ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    if (n < min || n > max) return this.fail(path, `${text} is out of range for ${type} (${min} to ${max})`);
    return INT32.has(type) || UINT32.has(type) ? Number(n) : text;
  }

  wellKnown(type: protobuf.Type, json: unknown, path: string): unknown {
    const name = fullName(type);
    const wrapped = WRAPPERS[name];
    if (wrapped) {
      const v = this.scalar(wrapped, json, path);
      return v === undefined ? undefined : { value: v };
    }
    switch (name) {
      case 'google.protobuf.Timestamp': {
        if (typeof json !== 'string') return this.fail(path, `expected a Timestamp as RFC 3339 text (e.g. "2024-05-01T12:00:00Z"), found ${describe(json)}`);
        const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(json);
        const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
        if (!m || !Number.isFinite(ms)) return this.fail(path, `expected a Timestamp as RFC 3339 text (e.g. "2024-05-01T12:00:00Z"), found ${describe(json)}`);
        return { seconds: String(Math.floor(ms / 1000)), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
      }
      case 'google.protobuf.Duration': {
        const m = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
        if (!m) return this.fail(path, `expected a Duration as text like "1.5s", found ${describe(json)}`);
        const sign = m[1] ? -1 : 1;
        const nanos = Number((m[3] ?? '').padEnd(9, '0'));
        return { seconds: `${m[1] ?? ''}${m[2]}`, nanos: sign * nanos };
      }
      case 'google.protobuf.FieldMask':
        if (typeof json !== 'string') return this.fail(path, `expected a FieldMask as text like "a,b.c", found ${describe(json)}`);
        return { paths: json === '' ? [] : json.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) };
      case 'google.protobuf.Struct':
        if (json === null || typeof json !== 'object' || Array.isArray(json)) return this.fail(path, `expected an object (Struct), found ${describe(json)}`);
        return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toValue(v)])) };
      case 'google.protobuf.Value':
        return toValue(json);
      case 'google.protobuf.ListValue':
        if (!Array.isArray(json)) return this.fail(path, `expected an array (ListValue), found ${describe(json)}`);
        return { values: json.map(toValue) };
      case 'google.protobuf.Any':
        return this.any(type, json, path);
      default:
        return NOT_WKT;
    }
  }

  any(type: protobuf.Type, json: unknown, path: string): unknown {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return this.fail(path, `expected an object with "@type" (Any), found ${describe(json)}`);
    const { '@type': typeUrl, ...rest } = json as Record<string, unknown>;
    if (typeof typeUrl !== 'string') return this.fail(join(path, '@type'), 'an Any needs "@type", e.g. "type.googleapis.com/acme.Order"');
    const inner = type.root.lookup(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
    if (!(inner instanceof protobuf.Type)) return this.fail(join(path, '@type'), `type ${typeUrl} is not known to this schema`);
    const innerJson = WRAPPERS[fullName(inner)] || ['google.protobuf.Timestamp', 'google.protobuf.Duration', 'google.protobuf.FieldMask', 'google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue'].includes(fullName(inner)) ? rest.value : rest;
    const obj = this.message(inner, innerJson, path);
    if (!obj) return undefined;
    return { type_url: typeUrl, value: inner.encode(inner.fromObject(obj)).finish() };
  }
}

const NOT_WKT = Symbol('not a well-known type');

function toValue(v: unknown): Record<string, unknown> {
  if (v === null) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x)])) } };
}

/**
 * The message for canonical JSON, checked field by field.
 * @throws ProtoValueError listing every problem with its field path.
 */
export function protoMessageFromJson(type: protobuf.Type, json: unknown): protobuf.Message {
  const r = new Reader();
  const obj = r.message(type, json, '');
  if (r.problems.length > 0 || !obj) throw new ProtoValueError(r.problems.length ? r.problems : [{ path: '', message: 'not a message' }]);
  return type.fromObject(obj);
}

/** The problems of a JSON value for a message type (empty when it fits). */
export function checkProtoJson(type: protobuf.Type, json: unknown): ProtoValueProblem[] {
  const r = new Reader();
  r.message(type, json, '');
  return r.problems;
}

export function encodeProtoJson(type: protobuf.Type, json: unknown): Uint8Array {
  return type.encode(protoMessageFromJson(type, json)).finish();
}

// ---- message → canonical JSON ----

function longText(v: unknown): string {
  return typeof v === 'object' && v !== null ? String(v) : String(v);
}

function nanosText(nanos: number): string {
  if (nanos === 0) return '';
  const s = String(Math.abs(nanos)).padStart(9, '0');
  return `.${s.endsWith('000000') ? s.slice(0, 3) : s.endsWith('000') ? s.slice(0, 6) : s}`;
}

function scalarToJson(type: string, v: unknown): unknown {
  if (INT64.has(type) || UINT64.has(type)) return longText(v);
  if (type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (FLOAT.has(type)) {
    const n = v as number;
    if (Number.isNaN(n)) return 'NaN';
    if (n === Infinity) return 'Infinity';
    if (n === -Infinity) return '-Infinity';
    // float fields carry float32 values: shortest text that reads back the same float32.
    return type === 'float' ? Number(Math.fround(n).toPrecision(9)) === n ? shortestFloat32(n) : n : n;
  }
  return v;
}

function shortestFloat32(n: number): number {
  for (let p = 1; p <= 9; p++) {
    const c = Number(n.toPrecision(p));
    if (Math.fround(c) === n) return c;
  }
  return n;
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (field.resolvedType instanceof protobuf.Type) return false;
  if (typeof v === 'number') return v === 0 && !Object.is(v, -0);
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v === '' || (field.resolvedType instanceof protobuf.Enum && field.resolvedType.values[v] === 0);
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && 'low' in (v as object)) return String(v) === '0';
  return false;
}

function valueToJson(v: Record<string, unknown>): unknown {
  if ('nullValue' in v && v.nullValue !== undefined) return null;
  if (v.numberValue !== undefined) return v.numberValue;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.structValue) return structToJson(v.structValue as Record<string, unknown>);
  if (v.listValue) return ((v.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(valueToJson);
  return null;
}

function structToJson(s: Record<string, unknown>): unknown {
  return Object.fromEntries(Object.entries((s.fields as Record<string, Record<string, unknown>>) ?? {}).map(([k, v]) => [k, valueToJson(v)]));
}

function messageToJson(type: protobuf.Type, m: protobuf.Message): unknown {
  const name = fullName(type);
  const obj = m as unknown as Record<string, unknown>;
  const wrapped = WRAPPERS[name];
  if (wrapped) return scalarToJson(wrapped, obj.value ?? (wrapped === 'bytes' ? new Uint8Array() : wrapped === 'string' ? '' : wrapped === 'bool' ? false : 0));
  switch (name) {
    case 'google.protobuf.Timestamp': {
      const seconds = Number(longText(obj.seconds ?? 0));
      const iso = new Date(seconds * 1000).toISOString().replace('.000Z', '');
      return `${iso.replace(/Z$/, '')}${nanosText(Number(obj.nanos ?? 0))}Z`;
    }
    case 'google.protobuf.Duration': {
      const seconds = longText(obj.seconds ?? 0);
      const nanos = Number(obj.nanos ?? 0);
      const negative = seconds.startsWith('-') || nanos < 0;
      return `${negative && !seconds.startsWith('-') ? '-' : ''}${seconds}${nanosText(nanos)}s`;
    }
    case 'google.protobuf.FieldMask':
      return ((obj.paths as string[]) ?? []).map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join(',');
    case 'google.protobuf.Struct':
      return structToJson(type.toObject(m, { oneofs: false }) as Record<string, unknown>);
    case 'google.protobuf.Value':
      return valueToJson(type.toObject(m) as Record<string, unknown>);
    case 'google.protobuf.ListValue':
      return ((type.toObject(m) as { values?: Record<string, unknown>[] }).values ?? []).map(valueToJson);
    case 'google.protobuf.Any': {
      const typeUrl = String(obj.type_url ?? '');
      const inner = type.root.lookup(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
      if (!(inner instanceof protobuf.Type)) return { '@type': typeUrl, value: Buffer.from((obj.value as Uint8Array) ?? []).toString('base64') };
      const innerJson = messageToJson(inner, inner.decode((obj.value as Uint8Array) ?? new Uint8Array()));
      return innerJson !== null && typeof innerJson === 'object' && !Array.isArray(innerJson) && !WRAPPERS[fullName(inner)] ? { '@type': typeUrl, ...innerJson } : { '@type': typeUrl, value: innerJson };
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(obj, field.name)) continue;
    const v = obj[field.name];
    const one = (x: unknown): unknown => (field.resolvedType instanceof protobuf.Type ? messageToJson(field.resolvedType, x as protobuf.Message) : field.resolvedType instanceof protobuf.Enum ? (field.resolvedType.valuesById[x as number] ?? x) : scalarToJson(field.type, x));
    if (field.map) {
      const entries = Object.entries((v as Record<string, unknown>) ?? {});
      if (entries.length) out[jsonName(field)] = Object.fromEntries(entries.map(([k, x]) => [k, one(x)]));
    } else if (field.repeated) {
      if ((v as unknown[]).length) out[jsonName(field)] = (v as unknown[]).map(one);
    } else {
      const explicitPresence = field.partOf !== null || (field.options as Record<string, unknown> | undefined)?.proto3_optional || (type.root as { syntax?: string }).syntax === 'proto2';
      if (!explicitPresence && isDefault(field, v)) continue;
      if (field.resolvedType instanceof protobuf.Enum && fullName(field.resolvedType) === 'google.protobuf.NullValue') out[jsonName(field)] = null;
      else out[jsonName(field)] = one(v);
    }
  }
  return out;
}

/** The canonical JSON of decoded bytes. Throws (protobufjs' reason) when the bytes are not this message. */
export function decodeProtoToJson(type: protobuf.Type, bytes: Uint8Array): unknown {
  return messageToJson(type, type.decode(bytes));
}
