import type { DeserializerName } from './deserializers';
import type { TailRecord } from './tailRecord';

export interface ExportFormats {
  keyFormat: DeserializerName;
  valueFormat: DeserializerName;
}

function field(text: string | null, error: string | undefined, format: DeserializerName): unknown {
  if (text === null) return null;
  if (format === 'json' && !error) return JSON.parse(text) as unknown;
  return text;
}

/** One JSON object per record: a value decoded as JSON is embedded as JSON, a raw one as hex with why. */
export function toJsonLine(topic: string, r: TailRecord, formats: ExportFormats): string {
  const line: Record<string, unknown> = {
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestamp).toISOString(),
    key: field(r.key, r.keyError, formats.keyFormat),
    value: field(r.value, r.valueError, formats.valueFormat),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value })),
  };
  if (r.keyError) line.keyError = r.keyError;
  if (r.valueError) line.valueError = r.valueError;
  return JSON.stringify(line);
}

export function toJsonLines(topic: string, records: Iterable<TailRecord>, formats: ExportFormats): string {
  let out = '';
  for (const r of records) out += `${toJsonLine(topic, r, formats)}\n`;
  return out;
}
