// Avro logical types avsc does not ship: avsc only offers the LogicalType base class. Each type here
// also knows how a user types its value in JSON (see json.ts), so the produce form and the consume
// viewer agree on one representation:
//   decimal           a string such as "-12.30" (never a JS number, which would lose digits)
//   timestamp-millis  a JS Date in memory; typed as an ISO-8601 string or epoch milliseconds
//   date              a "YYYY-MM-DD" string in memory (no time zone to get wrong)
//   uuid              a string in 8-4-4-4-12 hex form
import { types, type Schema, type Type } from 'avsc';

/** What json.ts needs from a logical type: how the user writes it and how it is shown. */
export interface JsonLogicalType {
  /** How to write a value, for error messages, e.g. `decimal(10,2) as a string such as "12.34"`. */
  readonly expected: string;
  /** A value the user typed, as avsc holds it in memory; a reason when it is not acceptable. */
  fromJson(json: unknown): { value: unknown } | { problem: string };
  /** An in-memory value as JSON for display. */
  toJson(value: unknown): unknown;
}

export function isJsonLogicalType(type: Type): type is Type & JsonLogicalType {
  return typeof (type as Partial<JsonLogicalType>).fromJson === 'function';
}

interface DecimalSchema {
  type: 'bytes' | 'fixed';
  precision?: unknown;
  scale?: unknown;
  size?: number;
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * `decimal` over bytes or fixed: the unscaled value as a big-endian two's-complement integer. In
 * memory and in JSON it is a plain decimal string with exactly `scale` fraction digits, so values
 * round-trip without going through floating point.
 */
export class DecimalType extends types.LogicalType implements JsonLogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    const s = schema as unknown as DecimalSchema;
    const precision = s.precision;
    const scale = s.scale ?? 0;
    // An invalid decimal falls back to its underlying type, as the Avro specification says: avsc
    // does that when the constructor throws.
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new Error('decimal precision must be a positive integer');
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error('decimal scale must be an integer between 0 and the precision');
    }
    this.precision = precision;
    this.scale = scale;
    if (this.underlyingType.typeName === 'fixed') {
      this.fixedSize = (this.underlyingType as types.FixedType).size;
      const maxDigits = Math.floor(Math.log10(2) * (8 * this.fixedSize - 1));
      if (precision > maxDigits) throw new Error(`decimal precision ${precision} does not fit in fixed(${this.fixedSize})`);
    } else if (this.underlyingType.typeName !== 'bytes') {
      throw new Error('decimal must be over bytes or fixed');
    }
  }

  get expected(): string {
    const example = this.scale > 0 ? `12.${'3'.repeat(this.scale)}` : '123';
    return `decimal(${this.precision},${this.scale}) as a string such as "${example}"`;
  }

  fromJson(json: unknown): { value: unknown } | { problem: string } {
    const problem = this.problemWith(json);
    return problem ? { problem } : { value: this.normalize(json as string | number) };
  }

  toJson(value: unknown): unknown {
    return value;
  }

  protected override _fromValue(buf: Buffer): string {
    return formatUnscaled(twosComplementToBigInt(buf), this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (this.problemWith(value)) return undefined;
    const unscaled = this.unscaled(value as string | number);
    return bigIntToTwosComplement(unscaled, this.fixedSize);
  }

  protected override _resolve(type: Type): ((v: Buffer) => string) | undefined {
    // The specification: two decimals match when their scale and precision match.
    if (type instanceof DecimalType && type.scale === this.scale && type.precision === this.precision) {
      return (v) => this._fromValue(v);
    }
    return undefined;
  }

  protected override _export(attrs: Schema): void {
    const a = attrs as unknown as Record<string, unknown>;
    a.precision = this.precision;
    a.scale = this.scale;
  }

  private problemWith(value: unknown): string | undefined {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string') return 'a decimal is written as a string';
    const m = DECIMAL_TEXT.exec(text.trim());
    if (!m) return 'not a decimal number';
    const fraction = m[3] ?? '';
    if (fraction.length > this.scale) return `more than ${this.scale} digit${this.scale === 1 ? '' : 's'} after the point`;
    const digits = (m[2] + fraction.padEnd(this.scale, '0')).replace(/^0+/, '');
    if (digits.length > this.precision) return `more than ${this.precision} significant digits`;
    return undefined;
  }

  private unscaled(value: string | number): bigint {
    const m = DECIMAL_TEXT.exec(String(value).trim()) as RegExpExecArray;
    const digits = m[2] + (m[3] ?? '').padEnd(this.scale, '0');
    const n = BigInt(digits);
    return m[1] === '-' ? -n : n;
  }

  private normalize(value: string | number): string {
    return formatUnscaled(this.unscaled(value), this.scale);
  }
}

function twosComplementToBigInt(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  let n = BigInt('0x' + buf.toString('hex'));
  if (buf[0] & 0x80) n -= 1n << BigInt(buf.length * 8);
  return n;
}

/** Minimal two's-complement bytes (as Java's BigInteger.toByteArray), or sign-extended to `size`. */
function bigIntToTwosComplement(n: bigint, size: number | undefined): Buffer | undefined {
  let bytes = 1;
  while (n < -(1n << BigInt(bytes * 8 - 1)) || n >= 1n << BigInt(bytes * 8 - 1)) bytes++;
  if (size !== undefined) {
    if (bytes > size) return undefined;
    bytes = size;
  }
  const unsigned = n < 0n ? (1n << BigInt(bytes * 8)) + n : n;
  return Buffer.from(unsigned.toString(16).padStart(bytes * 2, '0'), 'hex');
}

function formatUnscaled(n: bigint, scale: number): string {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const whole = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${whole}` : whole;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `timestamp-millis` over long: a Date in memory; typed as ISO-8601 with a zone, or epoch ms. */
export class TimestampMillisType extends types.LogicalType implements JsonLogicalType {
  readonly expected = 'timestamp-millis as an ISO-8601 string with a time zone such as "2024-05-01T12:30:00.000Z", or epoch milliseconds';

  fromJson(json: unknown): { value: unknown } | { problem: string } {
    if (typeof json === 'number') {
      return Number.isSafeInteger(json) ? { value: new Date(json) } : { problem: 'epoch milliseconds must be a whole number' };
    }
    if (typeof json !== 'string') return { problem: 'a timestamp is written as an ISO-8601 string or a number' };
    if (!ISO_DATE_TIME.test(json)) return { problem: 'not an ISO-8601 date and time with a zone (Z or ±hh:mm)' };
    const ms = Date.parse(json);
    return Number.isNaN(ms) ? { problem: 'not a valid date and time' } : { value: new Date(ms) };
  }

  toJson(value: unknown): unknown {
    return value instanceof Date ? value.toISOString() : value;
  }

  protected override _fromValue(ms: number): Date {
    return new Date(ms);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    return undefined;
  }

  protected override _resolve(type: Type): ((v: number) => Date) | undefined {
    if (type instanceof TimestampMillisType || type.typeName === 'long' || type.typeName === 'int') return (v) => new Date(v);
    return undefined;
  }
}

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `date` over int (days since 1970-01-01): a "YYYY-MM-DD" string in memory. */
export class DateType extends types.LogicalType implements JsonLogicalType {
  readonly expected = 'date as a string such as "2024-05-01"';

  fromJson(json: unknown): { value: unknown } | { problem: string } {
    if (typeof json === 'number' && Number.isInteger(json)) return { value: daysToIso(json) };
    if (typeof json !== 'string' || isoToDays(json) === undefined) return { problem: 'not a date in the form YYYY-MM-DD' };
    return { value: json };
  }

  toJson(value: unknown): unknown {
    return value;
  }

  protected override _fromValue(days: number): string {
    return daysToIso(days);
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value === 'string') return isoToDays(value);
    if (value instanceof Date) return Math.floor(value.getTime() / MS_PER_DAY);
    return undefined;
  }

  protected override _resolve(type: Type): ((v: number) => string) | undefined {
    if (type instanceof DateType || type.typeName === 'int') return (v) => daysToIso(v);
    return undefined;
  }
}

function daysToIso(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

function isoToDays(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-30 over to March; a round trip catches it.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
  return ms / MS_PER_DAY;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `uuid` over string. */
export class UuidType extends types.LogicalType implements JsonLogicalType {
  readonly expected = 'uuid as a string such as "123e4567-e89b-12d3-a456-426614174000"';

  fromJson(json: unknown): { value: unknown } | { problem: string } {
    return typeof json === 'string' && UUID.test(json) ? { value: json } : { problem: 'not a UUID (8-4-4-4-12 hex digits)' };
  }

  toJson(value: unknown): unknown {
    return value;
  }

  protected override _fromValue(value: string): string {
    return value;
  }

  protected override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UUID.test(value) ? value : undefined;
  }

  protected override _resolve(type: Type): ((v: string) => string) | undefined {
    if (type instanceof UuidType || type.typeName === 'string') return (v) => v;
    return undefined;
  }
}

/** The `logicalTypes` option for avsc's Type.forSchema. */
export const AVRO_LOGICAL_TYPES = {
  decimal: DecimalType,
  'timestamp-millis': TimestampMillisType,
  date: DateType,
  uuid: UuidType,
};
