import type { TailHeader, TailRecord } from './tailRecord';

/**
 * The viewer's record buffer: a ring of the newest `capacity` records, each numbered by arrival
 * (`seq`, from 0). Pushing past the capacity drops the oldest, so memory follows the cap, not the
 * topic. Stored by column (typed arrays for numbers, arrays for the decoded key and value text)
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
  private start = 0;
  private size = 0;
  private nextSeq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
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
  ): number {
    let slot: number;
    if (this.size < this.capacity) {
      slot = (this.start + this.size) % this.capacity;
      this.size++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
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
    return this.nextSeq++;
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
    this.start = 0;
    this.size = 0;
  }
}
