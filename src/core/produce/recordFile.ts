/**
 * Records loaded from a file: a JSON array, or JSON Lines (one JSON value per line). Each entry is
 * either a plain value or an object `{ "key"?, "value", "headers"?, "partition"? }`; a value that is
 * not a string is sent as its JSON text.
 */

export interface RecordInput {
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
  partition?: number;
}

export class RecordFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFileError';
  }
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function toRecord(entry: unknown, where: string): RecordInput {
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry) {
    const e = entry as { key?: unknown; value?: unknown; headers?: unknown; partition?: unknown };
    const out: RecordInput = { value: asText(e.value) };
    if (e.key !== undefined) out.key = asText(e.key);
    if (e.headers !== undefined) {
      if (!e.headers || typeof e.headers !== 'object' || Array.isArray(e.headers)) throw new RecordFileError(`${where}: "headers" must be an object of names to values.`);
      out.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, asText(v) ?? '']));
    }
    if (e.partition !== undefined) {
      if (typeof e.partition !== 'number' || !Number.isInteger(e.partition) || e.partition < 0) throw new RecordFileError(`${where}: "partition" must be a whole number ≥ 0.`);
      out.partition = e.partition;
    }
    return out;
  }
  return { value: asText(entry) };
}

/** Parses a record file's text; throws {@link RecordFileError} naming the line that is not JSON. */
export function parseRecordFile(text: string): RecordInput[] {
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
    return parsed.map((entry, n) => toRecord(entry, `record ${n + 1}`));
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
    out.push(toRecord(parsed, `line ${n + 1}`));
  });
  return out;
}
