import { JsonSyntaxError, parseLocatedJson } from '../json/locatedJson';
import type { EncodedStringFormat, NumberFormat } from './numberSerializers';

/**
 * Turning what the user typed into record bytes. One {@link Serializer} per format; Avro registers
 * its factory for 'avro' from avroSerializer.ts (the form lists the formats it is given).
 */

// Protobuf and JSON Schema are built in; numberSerializers.ts registers the number and
// encoded-string formats (the `.kafka` file's); others register under their own names.
export type KeyFormat = 'none' | 'string' | 'json' | 'avro' | 'protobuf' | 'jsonschema' | NumberFormat | EncodedStringFormat | (string & {});
export type ValueFormat = KeyFormat;

export class SerializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerializationError';
  }
}

export interface Serializer {
  readonly format: string;
  /** Bytes for the text, or null for "no key"/"null value". Throws {@link SerializationError}. */
  serialize(text: string): Buffer | null;
}

/**
 * Options a format may need (Avro: the schema, and the registry's id of it for the Confluent wire
 * format; Protobuf: a JSON bundle of the .proto files and the message, see protobuf/serde.ts;
 * JSON Schema: the schema bundle, see jsonschema/schema.ts).
 */
export interface SerializerOptions {
  schema?: string;
  schemaId?: number;
}

type Factory = (options: SerializerOptions) => Serializer;

const none: Serializer = { format: 'none', serialize: () => null };
const utf8: Serializer = { format: 'string', serialize: (text) => Buffer.from(text, 'utf8') };

/** Where a JSON text fails, as "line L, column C: reason" so the form can point at it. */
export function jsonProblem(text: string): string | undefined {
  try {
    parseLocatedJson(text);
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return `line ${e.position.line}, column ${e.position.column}: ${e.reason}`;
    throw e;
  }
}

const json: Serializer = {
  format: 'json',
  serialize(text) {
    const problem = jsonProblem(text);
    if (problem) throw new SerializationError(`Not valid JSON (${problem}).`);
    return Buffer.from(text, 'utf8');
  },
};

const factories = new Map<string, Factory>([
  ['none', () => none],
  ['string', () => utf8],
  ['json', () => json],
]);

/** How the form offers a format: its name, and whether its text is JSON (highlighting, checks, completion). */
export interface FormatInfo {
  format: string;
  label: string;
  json: boolean;
}

const infos = new Map<string, Omit<FormatInfo, 'format'>>([
  ['string', { label: 'String', json: false }],
  ['json', { label: 'JSON', json: true }],
]);

// Formats serializerFor knows but the produce form does not offer (yet): the .kafka file's number
// and encoded-string formats, until the form has labels for them.
const unlisted = new Set<string>();

/**
 * Makes a format available to {@link serializerFor} and to the Produce form's format lists. Without
 * a label the form names it after the format and treats its text as JSON (as Avro, Protobuf and JSON
 * Schema values are typed); `listed: false` keeps it out of the form.
 */
export function registerSerializer(
  format: KeyFormat | ValueFormat,
  factory: Factory,
  info: Partial<Omit<FormatInfo, 'format'>> & { listed?: boolean } = {},
): void {
  factories.set(format, factory);
  if (info.label !== undefined) infos.set(format, { label: info.label, json: info.json ?? true });
  if (info.listed === false) unlisted.add(format);
}

/** Formats that can be produced in this build (the ones the form offers). */
export function availableFormats(): string[] {
  return [...factories.keys()].filter((f) => !unlisted.has(f));
}

/** Every format but 'none', as the form lists them. */
export function formatInfos(): FormatInfo[] {
  return availableFormats()
    .filter((f) => f !== 'none')
    .map((format) => ({ format, ...(infos.get(format) ?? { label: format === 'avro' ? 'Avro' : format.charAt(0).toUpperCase() + format.slice(1), json: true }) }));
}

export function serializerFor(format: KeyFormat | ValueFormat, options: SerializerOptions = {}): Serializer {
  const factory = factories.get(format);
  if (!factory) throw new SerializationError(`The ${format} format is not available yet in this build.`);
  return factory(options);
}
