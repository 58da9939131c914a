import type { TailHeader, TailRecord } from './tailRecord';

/**
 * Default byte budget of a viewer's buffer: the estimated memory of the text it keeps. With the
 * engine's own arrays and V8's overhead this keeps the extension host well under ~300 MB, whatever
 * the size of the records (each record's key and value are also cut to a preview, see tailSession).
 */
export const DEFAULT_BUFFER_BYTES = 128 * 1024 * 1024;

/** Bytes the buffer counts for one record beside its text (slots, string headers, the row). */
const RECORD_OVERHEAD = 96;

/** Estimated heap bytes of a string: 2 per UTF-16 unit (V8 may store Latin-1 in 1; counting 2 keeps the bound). */
function textBytes(s: string | null | undefined): number {
  return s ? 16 + s.length * 2 : 0;
}

function headerBytes(headers: TailHeader[] | undefined): number {
  if (!headers) return 0;
  let n = 16;
  for (const h of headers) n += 32 + textBytes(h.key) + textBytes(h.value) + textBytes(h.error);
  return n;
}

export interface RecordFlags {
  /** Bytes of the key in Kafka (0 for null). */
  keyBytes?: number;
  /** The key / value text is a preview: the record is larger than what the buffer keeps. */
  keyTruncated?: boolean;
  valueTruncated?: boolean;
}

/**
 * The viewer's record buffer: a ring of the newest `capacity` records, and at most `maxBytes`
 * (estimated) of their text: whichever limit is reached first drops the oldest, each numbered by arrival
 * (`seq`, from 0), so memory follows the caps, not the topic. Stored by column (typed arrays for numbers, arrays for the decoded key and value text)
 * rather than one object per record: a record then costs the engine its two strings, which keeps
 * garbage collection out of the way of a fast tail. {@link get} builds a {@link TailRecord} on demand.
 * (Keeping the fetched bytes and decoding on read was tried: no faster within this machine's noise,
 * and each kept byte slice pins its whole fetch response, about twice the memory.)
 */
export class TailBuffer {
  private readonly partitions: Int32Array;
  private readonly offsets: Float64Array;
  /** Offsets past 2^53 (never seen in practice) keep their exact text here, by slot. */
  private readonly bigOffsets = new Map<number, string>();
  private readonly timestamps: Float64Array;
  private readonly valueBytes: Int32Array;
  private readonly keys: (string | null)[];
  private readonly values: (string | null)[];
  private readonly keyErrors: (string | undefined)[];
  private readonly valueErrors: (string | undefined)[];
  private readonly headers: (TailHeader[] | undefined)[];
  private readonly sizes: Int32Array;
  private readonly keyBytes: Int32Array;
  /** Bit 1: key truncated, bit 2: value truncated. */
  private readonly flags: Uint8Array;
  private start = 0;
  private size = 0;
  private nextSeq = 0;
  private bytes = 0;
  readonly maxBytes: number;

  constructor(
    readonly capacity: number,
    maxBytes: number = DEFAULT_BUFFER_BYTES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
    if (!(maxBytes > 0)) throw new Error(`maxBytes must be positive, got ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.sizes = new Int32Array(capacity);
    this.keyBytes = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.partitions = new Int32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.valueBytes = new Int32Array(capacity);
    this.keys = new Array<string | null>(capacity).fill(null);
    this.values = new Array<string | null>(capacity).fill(null);
    this.keyErrors = new Array<string | undefined>(capacity).fill(undefined);
    this.valueErrors = new Array<string | undefined>(capacity).fill(undefined);
    this.headers = new Array<TailHeader[] | undefined>(capacity).fill(undefined);
  }

  /** Appends a decoded record and returns its seq; `headers` only when there are some. */
  push(
    partition: number,
    offset: string,
    timestamp: number,
    key: string | null,
    value: string | null,
    valueBytes: number,
    headers: TailHeader[] | undefined,
    keyError: string | undefined,
    valueError: string | undefined,
    extra?: RecordFlags,
  ): number {
    if (this.size === this.capacity) this.dropOldest();
    const slot = (this.start + this.size) % this.capacity;
    this.size++;
    const cost = RECORD_OVERHEAD + textBytes(key) + textBytes(value) + headerBytes(headers) + textBytes(keyError) + textBytes(valueError);
    this.sizes[slot] = cost;
    this.bytes += cost;
    this.keyBytes[slot] = extra?.keyBytes ?? (key === null ? 0 : key.length);
    this.flags[slot] = (extra?.keyTruncated ? 1 : 0) | (extra?.valueTruncated ? 2 : 0);
    this.partitions[slot] = partition;
    const n = Number(offset);
    this.offsets[slot] = n;
    if (!Number.isSafeInteger(n)) this.bigOffsets.set(slot, offset);
    else if (this.bigOffsets.size > 0) this.bigOffsets.delete(slot);
    this.timestamps[slot] = timestamp;
    this.valueBytes[slot] = valueBytes;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.headers[slot] = headers;
    this.keyErrors[slot] = keyError;
    this.valueErrors[slot] = valueError;
    // The newest record always stays, even alone above the budget (its text is a bounded preview).
    while (this.bytes > this.maxBytes && this.size > 1) this.dropOldest();
    return this.nextSeq++;
  }

  /** Frees the oldest slot (its strings become garbage) and moves the front on. */
  private dropOldest(): void {
    const slot = this.start;
    this.bytes -= this.sizes[slot];
    this.sizes[slot] = 0;
    this.keys[slot] = null;
    this.values[slot] = null;
    this.headers[slot] = undefined;
    this.keyErrors[slot] = undefined;
    this.valueErrors[slot] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.size--;
  }

  /** Estimated bytes of the records held (what {@link maxBytes} bounds). */
  get byteSize(): number {
    return this.bytes;
  }

  get length(): number {
    return this.size;
  }

  /** Seq of the oldest record still held (equals {@link endSeq} when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.size;
  }

  /** Seq the next pushed record will get. */
  get endSeq(): number {
    return this.nextSeq;
  }

  /** How many records were pushed and then dropped for room (or cleared). */
  get dropped(): number {
    return this.firstSeq;
  }

  private slotOf(seq: number): number {
    return (this.start + (seq - this.firstSeq)) % this.capacity;
  }

  has(seq: number): boolean {
    return seq >= this.firstSeq && seq < this.nextSeq;
  }

  partitionOf(seq: number): number {
    return this.partitions[this.slotOf(seq)];
  }

  offsetOf(seq: number): string {
    const slot = this.slotOf(seq);
    return this.bigOffsets.get(slot) ?? String(this.offsets[slot]);
  }

  get(seq: number): TailRecord | undefined {
    if (!this.has(seq)) return undefined;
    const slot = this.slotOf(seq);
    const record: TailRecord = {
      partition: this.partitions[slot],
      offset: this.bigOffsets.get(slot) ?? String(this.offsets[slot]),
      timestamp: this.timestamps[slot],
      key: this.keys[slot],
      value: this.values[slot],
      headers: this.headers[slot] ?? [],
      valueBytes: this.valueBytes[slot],
    };
    record.keyBytes = this.keyBytes[slot];
    const flags = this.flags[slot];
    if (flags & 1) record.keyTruncated = true;
    if (flags & 2) record.valueTruncated = true;
    const keyError = this.keyErrors[slot];
    const valueError = this.valueErrors[slot];
    if (keyError) record.keyError = keyError;
    if (valueError) record.valueError = valueError;
    return record;
  }

  /** Records with seq in [from, to), oldest first, with their seq. */
  *range(from = this.firstSeq, to = this.nextSeq): Generator<[number, TailRecord]> {
    const lo = Math.max(from, this.firstSeq);
    const hi = Math.min(to, this.nextSeq);
    for (let seq = lo; seq < hi; seq++) yield [seq, this.get(seq)!];
  }

  /** Drops every record; seqs keep counting, so old seqs never come back. */
  clear(): void {
    this.keys.fill(null);
    this.values.fill(null);
    this.headers.fill(undefined);
    this.keyErrors.fill(undefined);
    this.valueErrors.fill(undefined);
    this.bigOffsets.clear();
    this.sizes.fill(0);
    this.bytes = 0;
    this.start = 0;
    this.size = 0;
  }
}
