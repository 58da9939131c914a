import type { TailHeader, TailRecord } from './tailRecord';

/**
 * Default byte budget of a viewer's buffer: the bytes of text it keeps (UTF-8, in one arena, see
 * {@link TailBuffer}) plus an estimate of the rest. Measured (scripts/bench/tailMemory.ts and the
 * extension-host test test/extension/viewerMemory.test.ts): 200,000 records of 5 KB read through
 * the viewer leave the extension host well under ~300 MB; each key and value is also cut to a
 * preview (see tailSession), so this holds whatever the record size.
 */
export const DEFAULT_BUFFER_BYTES = 32 * 1024 * 1024;

/** Bytes the buffer counts for one record beside its text (its slots in the column arrays). */
const RECORD_OVERHEAD = 64;

/** Estimated heap bytes of a string: 2 per UTF-16 unit (V8 may store Latin-1 in 1; counting 2 keeps the bound). */
function textBytes(s: string | null | undefined): number {
  return s ? 16 + s.length * 2 : 0;
}

/**
 * A key or value as the buffer takes it: decoded text, or bytes already known to be valid UTF-8
 * (the String format's text is then the bytes themselves: copied, never decoded twice).
 */
export type Text = string | Buffer | null;

function asString(t: Text): string | null {
  return t === null || typeof t === 'string' ? t : t.toString('utf8');
}

function writeText(arena: Buffer, t: string | Buffer, at: number, len: number): void {
  if (typeof t === 'string') arena.write(t, at, len, 'utf8');
  else arena.set(t, at);
}

/**
 * UTF-8 length of a text (-1 for null), or -2 when UTF-8 would not give it back exactly (a lone
 * surrogate, which no decoder here makes, but a string is kept as it is then).
 */
function utf8Length(s: Text): number {
  if (s === null) return -1;
  if (typeof s !== 'string') return s.length;
  const n = Buffer.byteLength(s, 'utf8');
  return n === s.length || (s as unknown as { isWellFormed(): boolean }).isWellFormed() ? n : -2;
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
 * rather than one object per record. The key and value text is kept as UTF-8 in one arena (a ring
 * of bytes as large as the budget, allocated once and only paged in as it fills), not as strings:
 * kept strings are promoted to V8's old space and left there as garbage when evicted, so a fast
 * tail of large records made the old space (and the process's RSS) grow to several times the
 * budget before a full GC; the arena's size is the memory, and the strings decoding makes die
 * young. {@link get} builds a {@link TailRecord} (and its strings) on demand: a page of rows, a
 * search. Text that cannot round-trip through UTF-8 (lone surrogates) or is larger than the arena
 * stays a string. (Keeping the fetched bytes themselves was tried: each kept byte slice pins its
 * whole fetch response, about twice the memory.)
 */
export class TailBuffer {
  private readonly partitions: Int32Array;
  private readonly offsets: Float64Array;
  /** Offsets past 2^53 (never seen in practice) keep their exact text here, by slot. */
  private readonly bigOffsets = new Map<number, string>();
  private readonly timestamps: Float64Array;
  private readonly valueBytes: Int32Array;
  /** Key and value text, UTF-8, one region per record: key bytes then value bytes. */
  private readonly arena: Buffer;
  /** Start of the record's region in the arena; -1 when its text is kept as strings instead. */
  private readonly textStarts: Int32Array;
  /** UTF-8 length of the key / value text in the arena; -1 for null. */
  private readonly keyLens: Int32Array;
  private readonly valueLens: Int32Array;
  /** Where the next region is written. */
  private writePos = 0;
  /** Text kept as strings (see textStarts), by slot. */
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
    this.arena = Buffer.allocUnsafeSlow(Math.min(Math.floor(maxBytes), 2 ** 31 - 1));
    this.textStarts = new Int32Array(capacity);
    this.keyLens = new Int32Array(capacity);
    this.valueLens = new Int32Array(capacity);
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
    key: Text,
    value: Text,
    valueBytes: number,
    headers: TailHeader[] | undefined,
    keyError: string | undefined,
    valueError: string | undefined,
    extra?: RecordFlags,
  ): number {
    if (this.size === this.capacity) this.dropOldest();
    const keyLen = utf8Length(key);
    const valueLen = utf8Length(value);
    const n = Math.max(0, keyLen) + Math.max(0, valueLen);
    const inArena = keyLen >= -1 && valueLen >= -1 && n <= this.arena.length;
    let at = -1;
    if (inArena) {
      at = this.writePos + n > this.arena.length ? 0 : this.writePos;
      // Free the region: regions are written in arrival order, so the ones in the way are the
      // oldest. An oldest record without a region (strings, or no text) goes too: an empty one
      // can sit at the very end of the arena, where it would stop this check at the next lap.
      while (this.size > 0) {
        const slot = this.start;
        const oldest = this.textStarts[slot];
        const empty = Math.max(0, this.keyLens[slot]) + Math.max(0, this.valueLens[slot]) === 0;
        if (oldest >= 0 && !empty && (oldest < at || oldest >= at + n)) break;
        this.dropOldest();
      }
      if (keyLen > 0) writeText(this.arena, key!, at, keyLen);
      if (valueLen > 0) writeText(this.arena, value!, at + Math.max(0, keyLen), valueLen);
      this.writePos = at + n;
    }
    const slot = (this.start + this.size) % this.capacity;
    this.size++;
    this.textStarts[slot] = at;
    this.keyLens[slot] = inArena ? keyLen : -1;
    this.valueLens[slot] = inArena ? valueLen : -1;
    if (!inArena) {
      key = asString(key);
      value = asString(value);
    }
    const text = inArena ? n : textBytes(key as string | null) + textBytes(value as string | null);
    const cost = RECORD_OVERHEAD + text + headerBytes(headers) + textBytes(keyError) + textBytes(valueError);
    this.sizes[slot] = cost;
    this.bytes += cost;
    this.keyBytes[slot] = extra?.keyBytes ?? (key === null ? 0 : key.length);
    this.flags[slot] = (extra?.keyTruncated ? 1 : 0) | (extra?.valueTruncated ? 2 : 0);
    this.partitions[slot] = partition;
    const offsetNumber = Number(offset);
    this.offsets[slot] = offsetNumber;
    if (!Number.isSafeInteger(offsetNumber)) this.bigOffsets.set(slot, offset);
    else if (this.bigOffsets.size > 0) this.bigOffsets.delete(slot);
    this.timestamps[slot] = timestamp;
    this.valueBytes[slot] = valueBytes;
    this.keys[slot] = inArena ? null : (key as string | null);
    this.values[slot] = inArena ? null : (value as string | null);
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

  private keyOf(slot: number): string | null {
    const at = this.textStarts[slot];
    const len = this.keyLens[slot];
    if (at < 0) return this.keys[slot];
    return len < 0 ? null : this.arena.toString('utf8', at, at + len);
  }

  private valueOf(slot: number): string | null {
    const at = this.textStarts[slot];
    const len = this.valueLens[slot];
    if (at < 0) return this.values[slot];
    if (len < 0) return null;
    const from = at + Math.max(0, this.keyLens[slot]);
    return this.arena.toString('utf8', from, from + len);
  }

  get(seq: number): TailRecord | undefined {
    if (!this.has(seq)) return undefined;
    const slot = this.slotOf(seq);
    const record: TailRecord = {
      partition: this.partitions[slot],
      offset: this.bigOffsets.get(slot) ?? String(this.offsets[slot]),
      timestamp: this.timestamps[slot],
      key: this.keyOf(slot),
      value: this.valueOf(slot),
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
    this.writePos = 0;
  }
}
