/**
 * A fixed-capacity buffer of the newest items, each numbered by arrival (`seq`, from 0). Pushing
 * past the capacity drops the oldest, so memory is bounded by the capacity, not by the topic.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;
  private nextSeq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  /** Appends and returns the item's seq. */
  push(item: T): number {
    if (this.size < this.capacity) {
      this.items[(this.start + this.size) % this.capacity] = item;
      this.size++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
    return this.nextSeq++;
  }

  get length(): number {
    return this.size;
  }

  /** Seq of the oldest item still held (equals {@link endSeq} when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.size;
  }

  /** Seq the next pushed item will get. */
  get endSeq(): number {
    return this.nextSeq;
  }

  /** How many items were pushed and then dropped for room (or cleared). */
  get dropped(): number {
    return this.firstSeq;
  }

  get(seq: number): T | undefined {
    if (seq < this.firstSeq || seq >= this.nextSeq) return undefined;
    return this.items[(this.start + (seq - this.firstSeq)) % this.capacity];
  }

  /** Items with seq in [from, to), oldest first, with their seq. */
  *range(from = this.firstSeq, to = this.nextSeq): Generator<[number, T]> {
    const lo = Math.max(from, this.firstSeq);
    const hi = Math.min(to, this.nextSeq);
    for (let seq = lo; seq < hi; seq++) yield [seq, this.items[(this.start + (seq - this.firstSeq)) % this.capacity] as T];
  }

  /** Drops every item; seqs keep counting, so old seqs never come back. */
  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.size = 0;
  }
}
