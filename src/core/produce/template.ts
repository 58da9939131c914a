/**
 * Record templates for bulk sends: `{{i}}` (0-based index), `{{uuid}}`, `{{timestamp}}` (ms since
 * the epoch) and simple random values: `{{random.int(1,100)}}`, `{{random.float(0,1)}}`,
 * `{{random.pick(red,green,blue)}}`, `{{random.string(8)}}`, `{{random.bool}}`. A template is
 * compiled once into parts so rendering a million records costs string joins only.
 */
import { randomUUID } from 'node:crypto';

type Part = string | ((i: number) => string);

export interface CompiledTemplate {
  readonly source: string;
  /** True when the template has no placeholders (every record gets the same text). */
  readonly constant: boolean;
  render(i: number): string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function numberArg(text: string, what: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) throw new TemplateError(`${what}: "${text}" is not a number.`);
  return n;
}

function placeholder(expr: string): (i: number) => string {
  const e = expr.trim();
  if (e === 'i') return (i) => String(i);
  if (e === 'uuid') return () => randomUUID();
  if (e === 'timestamp') return () => String(Date.now());
  if (e === 'random.bool') return () => String(Math.random() < 0.5);
  const call = /^random\.(int|float|pick|string)\((.*)\)$/s.exec(e);
  if (call) {
    const [, fn, rawArgs] = call;
    const args = rawArgs.split(',');
    switch (fn) {
      case 'int': {
        if (args.length !== 2) throw new TemplateError(`{{${e}}}: random.int takes two numbers, e.g. random.int(1,100).`);
        const [min, max] = args.map((a) => numberArg(a, `{{${e}}}`));
        if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new TemplateError(`{{${e}}}: random.int needs whole numbers with min ≤ max.`);
        return () => String(min + Math.floor(Math.random() * (max - min + 1)));
      }
      case 'float': {
        if (args.length !== 2) throw new TemplateError(`{{${e}}}: random.float takes two numbers, e.g. random.float(0,1).`);
        const [min, max] = args.map((a) => numberArg(a, `{{${e}}}`));
        return () => String(min + Math.random() * (max - min));
      }
      case 'pick': {
        const choices = args.map((a) => a.trim()).filter((a) => a !== '');
        if (choices.length === 0) throw new TemplateError(`{{${e}}}: random.pick needs at least one choice, e.g. random.pick(red,green).`);
        return () => choices[Math.floor(Math.random() * choices.length)];
      }
      case 'string': {
        const n = numberArg(rawArgs, `{{${e}}}`);
        if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new TemplateError(`{{${e}}}: random.string takes a length from 0 to 10000.`);
        return () => {
          let s = '';
          for (let k = 0; k < n; k++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
          return s;
        };
      }
    }
  }
  throw new TemplateError(
    `Unknown placeholder {{${e}}}: use {{i}}, {{uuid}}, {{timestamp}}, {{random.int(min,max)}}, {{random.float(min,max)}}, {{random.pick(a,b,c)}}, {{random.string(n)}} or {{random.bool}}.`,
  );
}

/** Compiles a template; throws {@link TemplateError} naming the bad placeholder. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts: Part[] = [];
  const re = /\{\{(.*?)\}\}/gs;
  let last = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push(placeholder(m[1]));
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  const constant = parts.every((p) => typeof p === 'string');
  if (constant) {
    return { source, constant, render: () => source };
  }
  return {
    source,
    constant,
    render(i) {
      let out = '';
      for (const p of parts) out += typeof p === 'string' ? p : p(i);
      return out;
    },
  };
}
