import type { Decoded, DeserializerName } from './deserializers';

export interface TailHeader {
  key: string;
  /** UTF-8 text, or hex when `error` says it is not UTF-8. */
  value: string | null;
  error?: string;
}

/**
 * A consumed record as the viewer keeps it: decoded once, raw bytes not kept. Kept flat (strings,
 * no wrapper objects) because up to the cap of them live in the extension host at once.
 */
export interface TailRecord {
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
  /** Milliseconds since the epoch (the record's timestamp). */
  timestamp: number;
  /** Decoded text, or hex when `keyError` says why it could not be decoded. */
  key: string | null;
  value: string | null;
  keyError?: string;
  valueError?: string;
  headers: TailHeader[];
  /** Size of the value in bytes (0 for null). */
  valueBytes: number;
  /** Size of the key in bytes (0 for null). */
  keyBytes?: number;
  /**
   * The key / value text is only the start of it: the record is larger than the viewer keeps
   * (the session's `previewBytes`). Read it whole with fetchRecord (src/core/kafka/recordFetch.ts).
   */
  keyTruncated?: boolean;
  valueTruncated?: boolean;
}

/** The record's key or value with the format it is shown in ('raw' = hex after a failed decode). */
export function decodedOf(text: string | null, error: string | undefined, format: DeserializerName): Decoded | null {
  if (text === null) return null;
  return error ? { text, format: 'raw', error } : { text, format };
}

/** One row of the viewer's table: what a webview needs to draw a row, nothing more. */
export interface TailRow {
  seq: number;
  partition: number;
  offset: string;
  timestamp: number;
  keyPreview: string | null;
  valuePreview: string | null;
  /** Set when the key or value could not be decoded with the chosen deserializer. */
  decodeError?: string;
  headerCount: number;
  valueBytes: number;
  /** The buffer keeps only a preview of the key or value (see {@link TailRecord.valueTruncated}). */
  truncated?: boolean;
}

const PREVIEW_CHARS = 160;

const SPACE = /\s+/g;

function preview(text: string | null): string | null {
  if (text === null) return null;
  const head = text.length > PREVIEW_CHARS * 2 ? text.slice(0, PREVIEW_CHARS * 2) : text;
  const flat = head.replace(SPACE, ' ');
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

export function rowOf(seq: number, r: TailRecord): TailRow {
  const decodeError = r.valueError ?? r.keyError;
  return {
    seq,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    keyPreview: preview(r.key),
    valuePreview: preview(r.value),
    ...(decodeError ? { decodeError } : {}),
    headerCount: r.headers.length,
    valueBytes: r.valueBytes,
    ...(r.keyTruncated || r.valueTruncated ? { truncated: true } : {}),
  };
}
