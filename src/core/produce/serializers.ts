/**
 * Turning what the user typed into record bytes. One {@link Serializer} per format; Avro joins
 * later by registering a factory for 'avro' (the form already lists the format it is given), so
 * nothing else changes when it arrives.
 */

export type KeyFormat = 'none' | 'string' | 'json';
export type ValueFormat = 'none' | 'string' | 'json' | 'avro';

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

/** Options a format may need (Avro: the schema). */
export interface SerializerOptions {
  schema?: string;
}

type Factory = (options: SerializerOptions) => Serializer;

const none: Serializer = { format: 'none', serialize: () => null };
const utf8: Serializer = { format: 'string', serialize: (text) => Buffer.from(text, 'utf8') };

/**
 * Where a JSON text fails, as "line L, column C: reason" so the form can point at it. Node's own
 * messages do not always carry a position, so a small scanner finds it (JSON.parse still decides).
 */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const at = jsonErrorOffset(text);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const found = at >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[at])}`;
    return `line ${line}, column ${column}: ${found}${(e as Error).message.startsWith('Unexpected') ? '' : ` (${(e as Error).message})`}`;
  }
}

/** Offset of the first character a JSON parser would reject (text.length when it ends early). */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return Math.min(typeof at === 'number' ? at : 0, text.length);
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

/** For the Avro issue: makes a format available to {@link serializerFor}. */
export function registerSerializer(format: ValueFormat, factory: Factory): void {
  factories.set(format, factory);
}

/** Formats that can be produced in this build. */
export function availableFormats(): string[] {
  return [...factories.keys()];
}

export function serializerFor(format: KeyFormat | ValueFormat, options: SerializerOptions = {}): Serializer {
  const factory = factories.get(format);
  if (!factory) throw new SerializationError(`The ${format} format is not available yet in this build.`);
  return factory(options);
}
