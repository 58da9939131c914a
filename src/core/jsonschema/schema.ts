/**
 * JSON Schema (drafts 07 and 2020-12, chosen by the schema's `$schema`; draft-07 when it names
 * none) with ajv: compiling a schema with the files its `$ref`s name, validating values with every
 * violation at its path, and the Confluent wire format (magic byte 0, schema id, UTF-8 JSON).
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { JsonSyntaxError, parseLocatedJson, type TextPosition } from '../json/locatedJson';

/** A schema file and the files its `$ref`s name, by the name the `$ref` uses: JSON-safe, for the serializer seam. */
export interface JsonSchemaBundle {
  file: string;
  files: Record<string, string>;
}

export class JsonSchemaError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly position?: TextPosition,
    /** For a schema that is JSON but not a valid schema: the JSON path of the fault, e.g. "/properties/qty/type". */
    readonly schemaPath?: string,
  ) {
    super(message);
    this.name = 'JsonSchemaError';
  }
}

export interface JsonSchemaViolation {
  /** "/lines/2/qty" (JSON Pointer, as ajv gives it); "" for the root. */
  path: string;
  message: string;
}

export interface CompiledJsonSchema {
  validate(value: unknown): JsonSchemaViolation[];
  draft: '07' | '2020-12';
  /** The main schema text, as registered. */
  text: string;
  /** The `$ref`s to other files, in the order first met (for registry references). */
  refs: string[];
  bundle: JsonSchemaBundle;
}

/** Parses schema text, with line and column on a syntax error. */
export function parseSchemaJson(file: string, text: string): unknown {
  try {
    return parseLocatedJson(text).value;
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new JsonSchemaError(`${file}: not JSON: ${e.reason} (line ${e.position.line}, column ${e.position.column})`, file, e.position);
    throw e;
  }
}

function draftOf(schema: unknown): '07' | '2020-12' {
  const s = schema && typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  return typeof s === 'string' && /2020-12|2019-09/.test(s) ? '2020-12' : '07';
}

/** External `$ref`s of a schema: the part before "#", when there is one. */
export function externalRefs(schema: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && !x.startsWith('#')) out.add(x.split('#')[0]);
        else walk(x);
      }
    }
  };
  walk(schema);
  return [...out];
}

function makeAjv(draft: '07' | '2020-12'): Ajv {
  // strict off: real-world schemas carry keywords ajv does not know (titles in odd places, x-...),
  // and refusing them would refuse the schema; allErrors: the form shows every violation at once.
  const ajv = draft === '2020-12' ? new Ajv2020({ allErrors: true, strict: false }) : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

function violation(e: ErrorObject): JsonSchemaViolation {
  let message = e.message ?? e.keyword;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') message = `has a property "${String(p.additionalProperty)}" the schema does not allow`;
  else if (e.keyword === 'required') message = `is missing the required property "${String(p.missingProperty)}"`;
  else if (e.keyword === 'enum') message = `must be one of ${JSON.stringify(p.allowedValues)}`;
  return { path: e.instancePath, message };
}

/**
 * Compiles a schema bundle. Throws {@link JsonSchemaError}: a file that is not JSON (line, column),
 * a schema the meta-schema rejects (its path), a `$ref` to a file the bundle lacks.
 */
export function compileJsonSchema(bundle: JsonSchemaBundle): CompiledJsonSchema {
  const text = bundle.files[bundle.file];
  if (text === undefined) throw new JsonSchemaError(`The schema bundle lacks its main file ${bundle.file}.`, bundle.file);
  const main = parseSchemaJson(bundle.file, text);
  const draft = draftOf(main);
  const ajv = makeAjv(draft);
  const refs: string[] = [];
  const added = new Set<string>();
  const addRefs = (schema: unknown, from: string, depth: number) => {
    for (const ref of externalRefs(schema)) {
      if (added.has(ref)) continue;
      if (depth > 32) throw new JsonSchemaError(`${from}: $refs nest deeper than 32 files (a cycle?)`, from);
      const refText = bundle.files[ref];
      if (refText === undefined) throw new JsonSchemaError(`${from}: "$ref": "${ref}" names a file that was not found. Put it beside the schema (the $ref is relative to it), or register it in the Schema Registry as a reference.`, from);
      const refSchema = parseSchemaJson(ref, refText);
      added.add(ref);
      refs.push(ref);
      const copy = refSchema && typeof refSchema === 'object' ? { ...(refSchema as object) } : refSchema;
      // Found by the name the $ref uses, whatever $id the file declares.
      if (copy && typeof copy === 'object') delete (copy as { $id?: unknown }).$id;
      try {
        ajv.addSchema(copy as AnySchema, ref);
      } catch (e) {
        throw new JsonSchemaError(`${ref}: ${(e as Error).message}`, ref);
      }
      addRefs(refSchema, ref, depth + 1);
    }
  };
  addRefs(main, bundle.file, 0);
  if (!ajv.validateSchema(main as AnySchema)) {
    const e = ajv.errors?.[0];
    const at = e?.instancePath || '/';
    throw new JsonSchemaError(`${bundle.file}: not a valid JSON Schema (draft ${draft}): ${at} ${e?.message ?? ''}`.trim(), bundle.file, undefined, at);
  }
  let validateFn: ValidateFunction;
  try {
    validateFn = ajv.compile(main as AnySchema);
  } catch (e) {
    throw new JsonSchemaError(`${bundle.file}: ${(e as Error).message}`, bundle.file);
  }
  return {
    draft,
    text,
    refs,
    bundle,
    validate(value) {
      return validateFn(value) ? [] : (validateFn.errors ?? []).map(violation);
    },
  };
}

/** "/lines/2/qty: must be integer"; a few of many, then "…". */
export function describeViolations(v: JsonSchemaViolation[]): string {
  const one = (x: JsonSchemaViolation) => `${x.path || '(root)'}: ${x.message}`;
  return v.length === 1 ? one(v[0]) : `${v.length} violations: ${v.slice(0, 5).map(one).join('; ')}${v.length > 5 ? '; …' : ''}`;
}
