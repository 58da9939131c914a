// A small JSON parser that remembers where each value starts, because JSON.parse reports neither
// the line of a syntax error nor where a value it produced came from; diagnostics need both.

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like VS Code's. */
  column: number;
  offset: number;
}

export type JsonPath = (string | number)[];

export interface LocatedJson {
  value: unknown;
  /** Where the value at a path starts (the path's own key for object members is not included). */
  positionOf(path: JsonPath): TextPosition | undefined;
  /** Path of an object or array produced by this parse. */
  pathOf(node: object): JsonPath | undefined;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: TextPosition,
  ) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
    this.name = 'JsonSyntaxError';
  }
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/** Parses JSON text like JSON.parse (same values), keeping each value's start offset. */
export function parseLocatedJson(text: string): LocatedJson {
  const offsets = new Map<string, number>();
  const paths = new Map<object, JsonPath>();
  let i = 0;

  const fail = (reason: string, at = i): never => {
    throw new JsonSyntaxError(reason, positionAt(text, at));
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = () => (i >= text.length ? 'unexpected end of text' : `unexpected ${JSON.stringify(text[i])}`);

  const parseString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('control character in a string (escape it)');
      i++;
    }
    if (i >= text.length) fail('unterminated string', start);
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('invalid escape in a string', start);
    }
  };

  const parseValue = (path: JsonPath): unknown => {
    ws();
    const start = i;
    offsets.set(pathKey(path), start);
    const c = text[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      paths.set(obj, path);
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`${describe()}, expected a property name in double quotes`);
        const key = parseString();
        ws();
        if (text[i] !== ':') fail(`${describe()}, expected ":" after the property name`);
        i++;
        obj[key] = parseValue([...path, key]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`${describe()}, expected "," or "}"`);
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      paths.set(arr, path);
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue([...path, arr.length]));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`${describe()}, expected "," or "]"`);
      }
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) return fail(`${describe()}, expected a JSON value`);
    i += literal[0].length;
    return JSON.parse(literal[0]);
  };

  const value = parseValue([]);
  ws();
  if (i < text.length) fail(`${describe()} after the end of the JSON value`);
  return {
    value,
    positionOf: (path) => {
      const offset = offsets.get(pathKey(path));
      return offset === undefined ? undefined : positionAt(text, offset);
    },
    pathOf: (node) => paths.get(node),
  };
}

/** `customer.address.zip`, `items[2].sku`; keys that are not identifiers are quoted. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
