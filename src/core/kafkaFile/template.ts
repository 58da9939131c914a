/**
 * Record templates of `.kafka` files: `{{person.firstName}}`, `{{string.uuid}}`, `{{number.int(5)}}`
 * call @faker-js/faker; `{{$timestamp}}`, `{{$date.now}}`, `{{$uuid}}`, `{{$i}}` are helpers; the
 * produce form's placeholders (`{{i}}`, `{{uuid}}`, `{{timestamp}}`, `{{random.int(1,9)}}`...) keep
 * their meaning; and the faker.js names Tools for Apache Kafka documented (`{{random.number}}`,
 * `{{name.lastName}}`, `{{address.country}}`...) map to today's faker. Each record has one seed: the
 * key, every header and the value are each rendered from that seed, so the same call in the key and
 * first in the value gives the same text (the behaviour the original documents).
 */
import type { Faker } from '@faker-js/faker';
import { randomInt } from 'node:crypto';
import { compileTemplate, TemplateError } from '../produce/template';

export interface TemplateProblem {
  /** Offset of the `{{` in the template text, and the placeholder's length. */
  offset: number;
  length: number;
  message: string;
}

interface Context {
  index: number;
  faker: Faker;
}

type Part = string | ((ctx: Context) => string);

export interface RecordTemplate {
  readonly source: string;
  readonly constant: boolean;
  render(ctx: Context): string;
}

let loaded: Faker | undefined;
let locale = 'en';

function fakerModule(): typeof import('@faker-js/faker') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@faker-js/faker') as typeof import('@faker-js/faker');
}

/** faker and its data are megabytes: loaded when a template first needs them, not at activation. */
function defaultFaker(): Faker {
  loaded ??= locale === 'en' ? fakerModule().faker : (fakerModule().allFakers as Record<string, Faker>)[locale];
  return loaded;
}

/**
 * The locale of faker's data (`de`, `fr`, `pt_BR`...; `en` by default), as Tools for Apache Kafka's
 * `kafka.producers.fakerjs.locale` sets it. Returns a message when faker has no such locale (then
 * the locale is unchanged).
 */
export function setFakerLocale(name: string): string | undefined {
  const wanted = (name.trim() || 'en').replace('-', '_');
  if (wanted === locale) return undefined;
  const all = fakerModule().allFakers as Record<string, Faker>;
  if (!all[wanted]) return `faker has no locale "${name}": use one of ${Object.keys(all).filter((k) => k !== 'base').join(', ')}.`;
  locale = wanted;
  loaded = undefined;
  return undefined;
}

/** faker.js 4/5 names (what Tools for Apache Kafka documented) → today's @faker-js/faker. */
const LEGACY_METHODS: Record<string, string> = {
  'random.number': 'number.int',
  'random.uuid': 'string.uuid',
  'random.word': 'lorem.word',
  'random.words': 'lorem.words',
  'random.alphaNumeric': 'string.alphanumeric',
  'random.boolean': 'datatype.boolean',
  'datatype.number': 'number.int',
  'datatype.uuid': 'string.uuid',
  'datatype.float': 'number.float',
  'name.findName': 'person.fullName',
  'name.title': 'person.jobTitle',
  'internet.userName': 'internet.username',
  'address.zipCode': 'location.zipCode',
};
const LEGACY_MODULES: Record<string, string> = { name: 'person', address: 'location' };

/** Names offered by completion: `module.method` for every faker function. */
export function fakerMethodNames(): string[] {
  const out: string[] = [];
  for (const [module, value] of Object.entries(defaultFaker())) {
    if (module.startsWith('_') || module === 'fakerCore' || !value || typeof value !== 'object') continue;
    for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(value)).concat(Object.keys(value))) {
      if (key === 'constructor' || key.startsWith('_')) continue;
      if (typeof (value as Record<string, unknown>)[key] === 'function') out.push(`${module}.${key}`);
    }
  }
  return [...new Set(out)].sort();
}

export const HELPERS: { name: string; description: string }[] = [
  { name: '$timestamp', description: 'milliseconds since 1970, when the record is rendered' },
  { name: '$date.now', description: 'the current date and time, ISO 8601' },
  { name: '$uuid', description: 'a random UUID (seeded per record)' },
  { name: '$i', description: 'the record index in this run, from 0' },
  { name: '$text("…")', description: 'the JSON string literally: `{{$text("{{")}}`, a leading space, a `###` line or a trailing newline that the file could not hold as plain text (Save as .kafka writes these)' },
];

/** `$text("<JSON string>")`: literal text that plain file text cannot hold. */
function literalHelper(e: string): ((ctx: Context) => string) | undefined {
  const m = /^\$text\s*\((.*)\)$/s.exec(e);
  if (!m) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(m[1]);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string') throw new TemplateError(`{{${e}}}: $text takes one JSON string, e.g. {{$text("{{")}}.`);
  const text = value;
  return () => text;
}

function text(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result instanceof Date) return result.toISOString();
  if (typeof result === 'number' || typeof result === 'boolean' || typeof result === 'bigint') return String(result);
  if (result === undefined || result === null) return '';
  return JSON.stringify(result);
}

/** `(5)`, `(1, 10)`, `({"min": 1, "max": 9})`, `(red, green)` → arguments. */
function parseArgs(raw: string): unknown[] {
  const t = raw.trim();
  if (t === '') return [];
  try {
    return JSON.parse(`[${t}]`) as unknown[];
  } catch {
    return t.split(',').map((a) => {
      const s = a.trim();
      if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
      if (s === 'true' || s === 'false') return s === 'true';
      return s.replace(/^(['"])(.*)\1$/, '$2');
    });
  }
}

/** The form's placeholders, seeded through faker so they share the record's seed too. */
function formPlaceholder(e: string): ((ctx: Context) => string) | undefined {
  if (!/^(i|uuid|timestamp)$|^random\.(int|float|pick|string|bool)\b/.test(e)) return undefined;
  // The form's own compiler checks the arguments and gives its messages.
  compileTemplate(`{{${e}}}`);
  if (e === 'i') return (c) => String(c.index);
  if (e === 'uuid') return (c) => c.faker.string.uuid();
  if (e === 'timestamp') return () => String(Date.now());
  if (e === 'random.bool') return (c) => String(c.faker.datatype.boolean());
  const m = /^random\.(int|float|pick|string)\((.*)\)$/s.exec(e);
  if (!m) throw new TemplateError(`Unknown placeholder {{${e}}}.`);
  const args = m[2].split(',').map((a) => a.trim());
  switch (m[1]) {
    case 'int':
      return (c) => String(c.faker.number.int({ min: Number(args[0]), max: Number(args[1]) }));
    case 'float':
      return (c) => String(Number(args[0]) + c.faker.number.float() * (Number(args[1]) - Number(args[0])));
    case 'pick': {
      const choices = args.filter((a) => a !== '');
      return (c) => c.faker.helpers.arrayElement(choices);
    }
    default:
      return (c) => c.faker.string.alphanumeric(Number(m[2]));
  }
}

function helper(e: string): ((ctx: Context) => string) | undefined {
  switch (e) {
    case '$timestamp':
      return () => String(Date.now());
    case '$date.now':
    case '$isoTimestamp':
      return () => new Date().toISOString();
    case '$uuid':
      return (c) => c.faker.string.uuid();
    case '$i':
    case '$index':
      return (c) => String(c.index);
  }
  const literal = literalHelper(e);
  if (literal) return literal;
  if (e.startsWith('$')) throw new TemplateError(`Unknown helper {{${e}}}: use ${HELPERS.map((h) => `{{${h.name}}}`).join(', ')}.`);
  return undefined;
}

function fakerCall(e: string): (ctx: Context) => string {
  const m = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*(?:\((.*)\))?$/s.exec(e);
  if (!m) {
    throw new TemplateError(`{{${e}}} is not a faker call: write module.method or module.method(arguments), e.g. {{person.firstName}}, {{number.int(5)}}, {{string.uuid}}.`);
  }
  let path = `${m[1]}.${m[2]}`;
  path = LEGACY_METHODS[path] ?? (LEGACY_MODULES[m[1]] ? `${LEGACY_MODULES[m[1]]}.${m[2]}` : path);
  const [module, method] = path.split('.');
  const mod = (defaultFaker() as unknown as Record<string, unknown>)[module];
  if (!mod || typeof mod !== 'object' || module.startsWith('_')) {
    throw new TemplateError(`{{${e}}}: faker has no module "${m[1]}" (e.g. person, string, number, internet, location, date, lorem, commerce).`);
  }
  if (typeof (mod as Record<string, unknown>)[method] !== 'function') {
    throw new TemplateError(`{{${e}}}: faker's ${module} module has no method "${m[2]}".`);
  }
  const args = m[3] === undefined ? [] : parseArgs(m[3]);
  const call = (f: Faker): string => {
    const target = (f as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[module];
    return text(target[method].call(target, ...args));
  };
  // A trial call finds bad arguments now, where the editor can point at them.
  try {
    call(defaultFaker());
  } catch (err) {
    throw new TemplateError(`{{${e}}}: ${(err as Error).message}`);
  }
  return (c) => {
    try {
      return call(c.faker);
    } catch (err) {
      throw new TemplateError(`{{${e}}}: ${(err as Error).message}`);
    }
  };
}

function placeholder(expr: string): (ctx: Context) => string {
  const e = expr.trim();
  return helper(e) ?? formPlaceholder(e) ?? fakerCall(e);
}

/** Compiles a template; every bad placeholder is a problem (the template is undefined then). */
export function compileRecordTemplate(source: string): { template?: RecordTemplate; problems: TemplateProblem[] } {
  const parts: Part[] = [];
  const problems: TemplateProblem[] = [];
  const re = /\{\{(.*?)\}\}/gs;
  let last = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m.index > last) parts.push(source.slice(last, m.index));
    try {
      parts.push(placeholder(m[1]));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.push({ offset: m.index, length: m[0].length, message: err.message });
    }
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  if (problems.length > 0) return { problems };
  const constant = parts.every((p) => typeof p === 'string');
  return {
    problems,
    template: {
      source,
      constant,
      render: constant ? () => source : (ctx) => parts.map((p) => (typeof p === 'string' ? p : p(ctx))).join(''),
    },
  };
}

export interface RenderedRecord {
  key?: string;
  value: string;
  headers?: Record<string, string>;
}

export interface RecordTemplates {
  key?: RecordTemplate;
  value: RecordTemplate;
  headers: [string, RecordTemplate][];
}

/**
 * Renders records `first`..`first+count-1`. Each record draws one seed (or `seed + index` when a
 * seed is given, for repeatable output), and the key, each header and the value restart from it.
 */
export function renderRecords(t: RecordTemplates, count: number, options: { first?: number; seed?: number } = {}): RenderedRecord[] {
  const out: RenderedRecord[] = [];
  const first = options.first ?? 0;
  for (let n = 0; n < count; n++) {
    const index = first + n;
    const seed = options.seed !== undefined ? options.seed + index : randomInt(2 ** 31 - 1);
    const f = defaultFaker();
    const ctx: Context = { index, faker: f };
    const render = (tpl: RecordTemplate): string => {
      if (tpl.constant) return tpl.source;
      f.seed(seed);
      return tpl.render(ctx);
    };
    const record: RenderedRecord = { value: render(t.value) };
    if (t.key) record.key = render(t.key);
    if (t.headers.length > 0) record.headers = Object.fromEntries(t.headers.map(([k, v]) => [k, render(v)]));
    out.push(record);
  }
  return out;
}
