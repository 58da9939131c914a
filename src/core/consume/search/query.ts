/**
 * The viewer's search language (documented for users in README.md, "Search syntax"):
 *
 *   word / "quoted text"   substring of the key, the value or any header value (case-sensitive)
 *   /regex/flags           a JavaScript regular expression, tested on the same texts
 *   key:TEXT   value:TEXT  substring (or key:/regex/) of the key / the value only
 *   header:NAME            a header named NAME is present
 *   header:NAME=TEXT       a header NAME whose value contains TEXT (or =/regex/)
 *   partition:3  partition:0,2
 *   offset>=100            offset with = != < <= > >=
 *   timestamp>=2024-05-01  epoch ms or ISO-8601 (date, or date and time; without a zone: UTC)
 *   $.customer.id == 42    JSON path into the value, compared with == != < <= > >= to a number,
 *                          "string", true, false or null; numbers compare exactly (big integers)
 *   $.customer             the path exists (and is not null)
 *   A AND B  (or just A B),  A OR B,  NOT A,  ( … )      AND binds tighter than OR
 */

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type TextMatch = { kind: 'substring'; text: string } | { kind: 'regex'; source: string; flags: string };

export type JsonLiteral = { kind: 'number'; text: string } | { kind: 'string'; value: string } | { kind: 'boolean'; value: boolean } | { kind: 'null' };

export type Query =
  | { type: 'and' | 'or'; items: Query[] }
  | { type: 'not'; item: Query }
  | { type: 'text'; match: TextMatch; field: 'any' | 'key' | 'value' }
  | { type: 'header'; name: string; match?: TextMatch }
  | { type: 'partition'; partitions: number[] }
  | { type: 'offset'; op: CompareOp; offset: string }
  | { type: 'timestamp'; op: CompareOp; timestamp: number }
  | { type: 'json'; path: (string | number)[]; op?: CompareOp; literal?: JsonLiteral }
  | { type: 'all' };

/** A search that does not parse: where (0-based character index) and what to write instead. */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'QuerySyntaxError';
  }
}

const OPS: CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];
const WORD_END = /[\s()]/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(message: string, at = this.i): never {
    throw new QuerySyntaxError(message, at);
  }

  private skip(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private keyword(word: string): boolean {
    this.skip();
    if (this.s.startsWith(word, this.i) && (this.i + word.length === this.s.length || WORD_END.test(this.s[this.i + word.length]))) {
      this.i += word.length;
      return true;
    }
    return false;
  }

  parse(): Query {
    this.skip();
    if (this.i === this.s.length) return { type: 'all' };
    const q = this.or();
    this.skip();
    if (this.i < this.s.length) this.fail(this.s[this.i] === ')' ? 'This ")" closes nothing: remove it or add "(" before' : `Unexpected "${this.s[this.i]}"`);
    return q;
  }

  private or(): Query {
    const items = [this.and()];
    while (this.keyword('OR')) items.push(this.and());
    return items.length === 1 ? items[0] : { type: 'or', items };
  }

  private and(): Query {
    const items = [this.unary()];
    for (;;) {
      this.skip();
      if (this.i >= this.s.length || this.s[this.i] === ')') break;
      const save = this.i;
      if (this.keyword('OR')) {
        this.i = save;
        break;
      }
      this.keyword('AND');
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  private unary(): Query {
    this.skip();
    if (this.i >= this.s.length) this.fail('The search ends where a term is expected: add a word, "quoted text", /regex/, key:…, header:…, $.path == value');
    if (this.keyword('NOT')) return { type: 'not', item: this.unary() };
    if (this.s[this.i] === '(') {
      const open = this.i++;
      const q = this.or();
      this.skip();
      if (this.s[this.i] !== ')') this.fail('This "(" is not closed: add ")"', open);
      this.i++;
      return q;
    }
    return this.term();
  }

  private term(): Query {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '$') return this.jsonTerm();
    if (s[this.i] === '/') return { type: 'text', field: 'any', match: this.regex() };
    if (s[this.i] === '"') return { type: 'text', field: 'any', match: { kind: 'substring', text: this.quoted() } };
    const field = /^(key|value|header|partition|offset|timestamp)(?=[:=<>!])/.exec(s.slice(this.i));
    if (field) {
      this.i += field[1].length;
      switch (field[1]) {
        case 'key':
        case 'value':
          this.expect(':', `${field[1]}:TEXT`);
          return { type: 'text', field: field[1], match: this.textMatch(`${field[1]}:`) };
        case 'header': {
          this.expect(':', 'header:NAME or header:NAME=TEXT');
          const name = s[this.i] === '"' ? this.quoted() : this.word(/[\s()=]/);
          if (!name) this.fail('header: needs a name: header:trace-id or header:trace-id=abc');
          if (s[this.i] === '=') {
            this.i++;
            return { type: 'header', name, match: this.textMatch(`header:${name}=`) };
          }
          return { type: 'header', name };
        }
        case 'partition': {
          this.expect(':', 'partition:3 or partition:0,2');
          const at = this.i;
          const text = this.word(WORD_END);
          if (!/^\d+(,\d+)*$/.test(text)) this.fail(`"${text}" is not a partition list: write partition:3 or partition:0,2`, at);
          return { type: 'partition', partitions: text.split(',').map(Number) };
        }
        case 'offset': {
          const op = this.op('offset>=100');
          const at = this.i;
          const text = this.word(WORD_END);
          if (!/^\d+$/.test(text)) this.fail(`"${text}" is not an offset: write a whole number, e.g. offset>=100`, at);
          return { type: 'offset', op, offset: BigInt(text).toString() };
        }
        case 'timestamp': {
          const op = this.op('timestamp>=2024-05-01');
          const at = this.i;
          const text = this.word(WORD_END);
          const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes('T') ? text : `${text}Z`) : NaN;
          if (!Number.isFinite(ms)) this.fail(`"${text}" is not a time: write epoch milliseconds or ISO-8601, e.g. timestamp>=2024-05-01T12:00:00Z`, at);
          return { type: 'timestamp', op, timestamp: ms };
        }
      }
    }
    const text = this.word(WORD_END);
    if (!text) this.fail(`Unexpected "${s[start]}"`, start);
    return { type: 'text', field: 'any', match: { kind: 'substring', text } };
  }

  private expect(c: string, example: string): void {
    if (this.s[this.i] !== c) this.fail(`Expected "${c}" here: write ${example}`);
    this.i++;
  }

  private op(example: string): CompareOp {
    this.skip();
    for (const op of [...OPS, '=' as const]) {
      if (this.s.startsWith(op, this.i)) {
        this.i += op.length;
        this.skip();
        return op === '=' ? '==' : op;
      }
    }
    this.fail(`Expected a comparison (= != < <= > >=): write ${example}`);
  }

  private word(end: RegExp): string {
    const start = this.i;
    while (this.i < this.s.length && !end.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  private quoted(): string {
    const open = this.i++;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i++];
    }
    if (this.i >= this.s.length) this.fail('This quote is not closed: add " at the end of the text', open);
    this.i++;
    return out;
  }

  private textMatch(prefix: string): TextMatch {
    if (this.s[this.i] === '/') return this.regex();
    if (this.s[this.i] === '"') return { kind: 'substring', text: this.quoted() };
    const at = this.i;
    const text = this.word(WORD_END);
    if (!text) this.fail(`${prefix} needs text after it: ${prefix}abc, ${prefix}"two words" or ${prefix}/regex/`, at);
    return { kind: 'substring', text };
  }

  private regex(): TextMatch {
    const open = this.i++;
    let source = '';
    let inClass = false;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length) {
        source += c + this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      source += c;
      this.i++;
    }
    if (this.i >= this.s.length) this.fail('This regular expression is not closed: end it with / (and flags, e.g. /abc/i); write \\/ for a slash inside', open);
    this.i++;
    const flags = this.word(/[^a-z]/);
    try {
      new RegExp(source, flags);
    } catch (e) {
      this.fail(`Invalid regular expression /${source}/${flags}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, open);
    }
    return { kind: 'regex', source, flags };
  }

  private jsonTerm(): Query {
    const s = this.s;
    const start = this.i++;
    const path: (string | number)[] = [];
    for (;;) {
      if (s[this.i] === '.') {
        this.i++;
        const at = this.i;
        const name = this.word(/[^A-Za-z0-9_$-]/);
        if (!name) this.fail('A JSON path step needs a name after ".": $.customer.id (or $["odd key"])', at);
        path.push(name);
      } else if (s[this.i] === '[') {
        const open = this.i++;
        if (s[this.i] === '"') path.push(this.quoted());
        else {
          const n = this.word(/[^0-9]/);
          if (!n) this.fail('Inside [ ] write an index or a quoted name: $.items[0] or $["odd key"]', this.i);
          path.push(Number(n));
        }
        if (s[this.i] !== ']') this.fail('This "[" is not closed: add "]"', open);
        this.i++;
      } else break;
    }
    if (path.length === 0 && this.i < s.length && !/[\s=!<>()]/.test(s[this.i])) {
      this.fail('A JSON path starts with $. or $[: write $.customer.id == 42', start);
    }
    const save = this.i;
    this.skip();
    if (!OPS.some((op) => s.startsWith(op, this.i))) {
      if (s[this.i] === '=') this.fail('Compare with "==" (or != < <= > >=): $.status == "paid"');
      this.i = save;
      return { type: 'json', path };
    }
    const op = this.op('$.id == 42');
    return { type: 'json', path, op, literal: this.literal() };
  }

  private literal(): JsonLiteral {
    const s = this.s;
    if (s[this.i] === '"') return { kind: 'string', value: this.quoted() };
    const at = this.i;
    const text = this.word(WORD_END);
    if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return { kind: 'number', text };
    if (text === 'true' || text === 'false') return { kind: 'boolean', value: text === 'true' };
    if (text === 'null') return { kind: 'null' };
    this.fail(
      text ? `"${text}" is not a JSON value: write a number, "quoted text", true, false or null` : 'A value is missing after the comparison: write a number, "quoted text", true, false or null',
      at,
    );
  }
}

/** Parses a search; throws {@link QuerySyntaxError} with the position and what to write instead. */
export function parseQuery(text: string): Query {
  return new Parser(text).parse();
}

/** True when the query has a regular expression (the only part whose run time can explode). */
export function hasRegex(q: Query): boolean {
  switch (q.type) {
    case 'and':
    case 'or':
      return q.items.some(hasRegex);
    case 'not':
      return hasRegex(q.item);
    case 'text':
      return q.match.kind === 'regex';
    case 'header':
      return q.match?.kind === 'regex';
    default:
      return false;
  }
}
