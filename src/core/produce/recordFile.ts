/**
 * Records loaded from a file: a JSON array, or JSON Lines (one JSON value per line). Each entry is
 * - a record line as export writes it (see ../consume/jsonLines.ts): exact bytes, ordered headers
 *   with repeats, nulls and binary, and a timestamp that becomes the record's CreateTime; or
 * - the older forms: an object `{ "key"?, "value", "headers"?: {name: value}, "partition"? }` whose
 *   key or value may be any JSON (sent as its JSON text, numbers exactly as written), or a plain value.
 */
import { parseExactJson, type ExactJson, ExactNumber } from '../consume/exactJson';
import { RecordLineError, isRecordLine, lineRecordOf, parseTimestamp, type LineHeader } from '../consume/jsonLines';

export interface RecordInput {
  key?: string | null;
  value: string | null;
  /** Older form: one value per header name. */
  headers?: Record<string, string>;
  /** Record-line form: the headers in order, with repeats, null and binary values. */
  headerList?: LineHeader[];
  partition?: number;
  /** CreateTime to give the record, epoch milliseconds. */
  timestamp?: number;
  /** Exact bytes of a record line's key/value: sent as they are, the serializer is skipped. */
  keyBytes?: Buffer | null;
  valueBytes?: Buffer | null;
}

export interface RecordFileOptions {
  /** Send record lines to the partition they name (by default that is information only). */
  keepPartitions?: boolean;
}

export class RecordFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFileError';
  }
}

/** Compact JSON text of an exactly parsed value: numbers as written. */
function stringifyExact(v: ExactJson): string {
  if (v instanceof ExactNumber) return v.text;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stringifyExact).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${stringifyExact(x)}`)
    .join(',')}}`;
}

/** Text of a JSON value of the older form; `exact` is the same value parsed without rounding numbers. */
function asText(v: unknown, exact: ExactJson | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return exact !== undefined ? stringifyExact(exact) : JSON.stringify(v);
}

function hasNumbers(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (v && typeof v === 'object') return Object.values(v).some(hasNumbers);
  return false;
}

function toRecord(entry: unknown, where: string, exactOf: () => ExactJson, options: RecordFileOptions): RecordInput {
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && isRecordLine(entry as Record<string, unknown>)) {
    let line;
    try {
      line = lineRecordOf(entry as Record<string, unknown>, where);
    } catch (e) {
      if (e instanceof RecordLineError) throw new RecordFileError(e.message);
      throw e;
    }
    const out: RecordInput = {
      key: line.key === null ? null : line.key.toString('utf8'),
      value: line.value === null ? null : line.value.toString('utf8'),
      keyBytes: line.key,
      valueBytes: line.value,
      headerList: line.headers,
    };
    if (line.timestamp !== undefined) out.timestamp = line.timestamp;
    if (options.keepPartitions && line.partition !== undefined) out.partition = line.partition;
    return out;
  }
  // Numbers in the older form's JSON key/value are re-read exactly (big ids must not be rounded).
  const exact = hasNumbers(entry) ? exactOf() : undefined;
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry) {
    const e = entry as { key?: unknown; value?: unknown; headers?: unknown; partition?: unknown; timestamp?: unknown };
    const x = exact as { key?: ExactJson; value?: ExactJson } | undefined;
    const out: RecordInput = { value: asText(e.value, x?.value) };
    if (e.key !== undefined) out.key = asText(e.key, x?.key);
    if (e.headers !== undefined) {
      if (!e.headers || typeof e.headers !== 'object' || Array.isArray(e.headers)) {
        throw new RecordFileError(`${where}: "headers" must be an object of names to values, or a list of {"key": …, "value": …}.`);
      }
      out.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, asText(v, undefined) ?? '']));
    }
    if (e.partition !== undefined) {
      if (typeof e.partition !== 'number' || !Number.isInteger(e.partition) || e.partition < 0) throw new RecordFileError(`${where}: "partition" must be a whole number ≥ 0.`);
      out.partition = e.partition;
    }
    if (e.timestamp !== undefined && e.timestamp !== null) {
      try {
        out.timestamp = parseTimestamp(e.timestamp, where);
      } catch (err) {
        throw new RecordFileError((err as Error).message);
      }
    }
    return out;
  }
  return { value: asText(entry, exact) };
}

/** Parses a record file's text; throws {@link RecordFileError} naming the line that is not JSON. */
export function parseRecordFile(text: string, options: RecordFileOptions = {}): RecordInput[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new RecordFileError('The file is empty: put a JSON array of records, or one JSON record per line.');
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new RecordFileError(`The file starts with "[" but is not a valid JSON array: ${(e as Error).message}.`);
    }
    if (!Array.isArray(parsed)) throw new RecordFileError('Expected a JSON array of records.');
    let exact: ExactJson[] | undefined;
    return parsed.map((entry, n) => toRecord(entry, `record ${n + 1}`, () => (exact ??= parseExactJson(trimmed) as ExactJson[])[n], options));
  }
  const out: RecordInput[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new RecordFileError(`Line ${n + 1} is not valid JSON (${(e as Error).message}). JSON Lines needs one complete JSON value per line.`);
    }
    out.push(toRecord(parsed, `line ${n + 1}`, () => parseExactJson(line), options));
  });
  return out;
}
