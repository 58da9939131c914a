// Avro schemas (.avsc, or a Schema Registry's schema string) parsed with avsc, with errors that say
// what is wrong and where, so the host can show them as diagnostics on the .avsc file.
import { Type, type Schema } from 'avsc';
import { formatPath, JsonSyntaxError, parseLocatedJson, type JsonPath, type LocatedJson, type TextPosition } from '../json/locatedJson';
import { AVRO_LOGICAL_TYPES } from './logicalTypes';

export interface AvroSchema {
  /** avsc's type: unions are always wrapped (`{"string": "x"}`), logical types from logicalTypes.ts. */
  readonly type: Type;
  /** The schema text as given (what is registered with a Schema Registry). */
  readonly text: string;
  /** Full name of the top-level type when it is named (record, enum, fixed), for record-name subjects. */
  readonly name: string | undefined;
}

export class AvroSchemaError extends Error {
  constructor(
    /** What is wrong, without the location. */
    readonly reason: string,
    /** Where in the text, when known (1-based line and column). */
    readonly position: TextPosition | undefined,
    /** JSON path of the schema node at fault, e.g. `fields[1].type`; '' for the whole schema. */
    readonly path: string | undefined,
    readonly source: string | undefined,
  ) {
    const where = [source, position ? `line ${position.line}, column ${position.column}` : undefined].filter(Boolean).join(' ');
    const at = path ? ` (at ${path})` : '';
    super(`Invalid Avro schema${where ? ` in ${where}` : ''}: ${reason}${at}`);
    this.name = 'AvroSchemaError';
  }
}

/** The avsc options every schema in the extension is parsed with, so writer and reader agree. */
function avscOptions(typeHook?: (schema: unknown) => undefined) {
  return {
    wrapUnions: true,
    // The specification requires names on records, enums and fixed; avsc only does so when asked.
    noAnonymousTypes: true,
    logicalTypes: AVRO_LOGICAL_TYPES,
    ...(typeHook ? { typeHook: typeHook as never } : {}),
  };
}

/**
 * Parses an Avro schema from JSON text (an .avsc file or a registry's schema string).
 * @param source a name for messages, e.g. the file name.
 * @throws AvroSchemaError naming the problem and its line, column and JSON path.
 */
export function parseAvroSchema(text: string, source?: string): AvroSchema {
  let located: LocatedJson;
  try {
    located = parseLocatedJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new AvroSchemaError(`not valid JSON: ${err.reason}`, err.position, undefined, source);
    throw err;
  }
  let lastNode: object | undefined;
  let type: Type;
  try {
    type = Type.forSchema(located.value as Schema, avscOptions((schema) => {
      // avsc also passes objects it made itself (e.g. {type: 'string'} for a reference); skip those.
      if (schema !== null && typeof schema === 'object' && located.pathOf(schema)) lastNode = schema;
      return undefined;
    }));
  } catch (err) {
    const reason = (err as Error).message;
    const path = locateProblem(located, lastNode, reason);
    throw new AvroSchemaError(reason, path ? located.positionOf(path) : undefined, path ? formatPath(path) : undefined, source);
  }
  const name = (type as { name?: string }).name;
  return { type, text, name: typeof name === 'string' ? name : undefined };
}

/** A schema built from an object, e.g. one assembled in code or read from a registry response. */
export function avroSchemaFromObject(schema: unknown): AvroSchema {
  return parseAvroSchema(JSON.stringify(schema));
}

/**
 * Where the error is: avsc's message does not say, so we use the last schema node it was parsing
 * and, for an unknown type name, the place that names it.
 */
function locateProblem(located: LocatedJson, lastNode: object | undefined, reason: string): JsonPath | undefined {
  const base = lastNode ? located.pathOf(lastNode) : [];
  const named = /(?:undefined type name|unknown type): "?([^"\s]+)"?/.exec(reason);
  if (named && base) {
    const found = findString(located.value, base, named[1]);
    if (found) return found;
  }
  // A bad default names the value, not the field: find the field of the record with that default.
  const badDefault = /^incompatible field default (.*?) \(/.exec(reason);
  const fields = lastNode ? (lastNode as { fields?: unknown }).fields : undefined;
  if (badDefault && base && Array.isArray(fields)) {
    const index = fields.findIndex((f) => f && typeof f === 'object' && JSON.stringify((f as { default?: unknown }).default) === badDefault[1]);
    if (index >= 0) return [...base, 'fields', index];
  }
  return base;
}

function findString(root: unknown, base: JsonPath, wanted: string): JsonPath | undefined {
  let node: unknown = root;
  for (const part of base) node = (node as Record<string | number, unknown>)[part];
  const visit = (value: unknown, path: JsonPath): JsonPath | undefined => {
    if (value === wanted) return path;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const hit = visit(value[i], [...path, i]);
        if (hit) return hit;
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'name' || k === 'namespace' || k === 'doc' || k === 'default') continue;
        const hit = visit(v, [...path, k]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return visit(node, base);
}
