/**
 * JSON without going through JavaScript numbers: Kafka records carry 64-bit ids, and
 * `JSON.parse` turns 9007199254740993 into …992. Everything here keeps number tokens as written.
 *
 * - {@link prettyJson}: re-indents a JSON text (validated by the native parser first, which is
 *   fast), copying every token verbatim; only whitespace changes.
 * - {@link parseExactJson}: a parse whose numbers are {@link ExactNumber}s (the token's text), for
 *   comparisons that must be exact (the search's JSON-path predicates).
 */

/** A JSON number kept as its text; `value` is the nearest double, for ordinary comparisons. */
export class ExactNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

export type ExactJson = null | boolean | string | ExactNumber | ExactJson[] | { [key: string]: ExactJson };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Pretty-prints a JSON text with `indent` spaces, keeping strings and numbers exactly as written.
 * Throws a SyntaxError (the native parser's message) when the text is not JSON.
 */
export function prettyJson(text: string, indent = 2): string {
  JSON.parse(text);
  const pad = ' '.repeat(indent);
  const parts: string[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const newline = () => parts.push('\n', pad.repeat(depth));
  while (i < n) {
    const c = text.charCodeAt(i);
    if (WS.has(c)) {
      i++;
      continue;
    }
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      parts.push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      // An empty container stays on one line: {} and [].
      let j = i + 1;
      while (j < n && WS.has(text.charCodeAt(j))) j++;
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(j) === close) {
        parts.push(c === 0x7b ? '{}' : '[]');
        i = j + 1;
        continue;
      }
      parts.push(text[i]);
      depth++;
      newline();
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      newline();
      parts.push(text[i]);
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      parts.push(',');
      newline();
      i++;
      continue;
    }
    if (c === 0x3a /* : */) {
      parts.push(': ');
      i++;
      continue;
    }
    // A number, true, false or null: copied up to the next structural character or space.
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (WS.has(d) || d === 0x2c || d === 0x7d || d === 0x5d || d === 0x3a) break;
      j++;
    }
    parts.push(text.slice(i, j));
    i = j;
  }
  return parts.join('');
}

/** Parses JSON keeping numbers exact. Throws a SyntaxError for text that is not JSON. */
export function parseExactJson(text: string): ExactJson {
  // The native parser validates (and gives the usual message); the walk below can then trust the text.
  JSON.parse(text);
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const value = (): ExactJson => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: { [key: string]: ExactJson } = {};
      skip();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        skip();
        const key = value() as string;
        skip();
        i++; // :
        out[key] = value();
        skip();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out: ExactJson[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        skip();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      return s;
    }
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    let j = i;
    while (j < text.length && /[-+0-9.eE]/.test(text[j])) j++;
    const num = new ExactNumber(text.slice(i, j));
    i = j;
    return num;
  };
  return value();
}

/**
 * Compares two JSON numbers given as text exactly: -1, 0 or 1. Integers of any size compare as
 * BigInt; anything with a fraction or exponent as doubles (exact enough for those).
 */
export function compareNumberText(a: string, b: string): number {
  const int = /^-?\d+$/;
  if (int.test(a) && int.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
