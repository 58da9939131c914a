import { isUtf8 } from 'node:buffer';
import type { KafkaClient } from '../kafka/client';
import { headersOf, type Tail, type PartitionProgress, type RawMessage, type SkippedRecords, type TailOptions, type TailState } from '../kafka/consumer';
import { startTail } from '../kafka/tail';
import type { KafkaWorkbenchError } from '../kafka/errors';
import { decodePreview, decodeText, deserializer, type Deserializer, type DeserializerName } from './deserializers';
import { compileFilter, isEmptyFilter, type RecordFilter, type RecordPredicate } from './filter';
import { DEFAULT_BUFFER_BYTES, TailBuffer } from './tailBuffer';
import { rowOf, type TailHeader, type TailRecord, type TailRow } from './tailRecord';

export interface TailSessionOptions extends TailOptions {
  keyFormat: DeserializerName;
  valueFormat: DeserializerName;
  /** Most records kept; older ones leave the buffer (and the view). */
  capacity: number;
  /** Most (estimated) bytes of record text kept; default {@link DEFAULT_BUFFER_BYTES}. Older records leave first. */
  maxBytes?: number;
  /** Bytes of each key and value decoded and kept (default {@link DEFAULT_PREVIEW_BYTES}); larger ones are flagged truncated. */
  previewBytes?: number;
  /** Configured instances (e.g. Avro with this viewer's registry and schemas) used instead of the names. */
  keyDeserializer?: Deserializer;
  valueDeserializer?: Deserializer;
}

/**
 * What the view gets on each flush: how many records match, and the page of rows it is looking at
 * (the newest page while it follows the tail). Never all the rows: the view is virtualized.
 */
export interface ViewUpdate {
  /** True when everything the view shows must be replaced (filter changed, cleared, reloaded). */
  reset: boolean;
  /** Records in the buffer that match the filter. */
  count: number;
  /** Matching records that left the front of the list since the last update (the cap evicted them). */
  dropped: number;
  /** Index (in the matching list) of rows[0]. */
  from: number;
  rows: TailRow[];
  /** Seq of the newest record received when this update was made (-1: none yet). */
  upToSeq: number;
}

/** Where the session sends its view: the viewer (postMessage) or a benchmark. Called on a timer only. */
export interface RowSink {
  /** False while the view is hidden: nothing is sent; it gets a reset when it shows again. */
  readonly visible: boolean;
  view(update: ViewUpdate): void;
  state?(state: TailState): void;
  skipped?(skip: SkippedRecords): void;
  partitionsAdded?(partitions: number[]): void;
}

export interface TailStats {
  state: TailState;
  /** Records received since the start (including those that left the buffer). */
  received: number;
  buffered: number;
  /** Records that left the buffer to stay under the cap. */
  evicted: number;
  /** Received per second over the last measurement window. */
  recordsPerSecond: number;
}

/** True when the object has an own key; no allocation (kafkajs gives every record a headers object). */
function hasKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

/**
 * Default bytes of a key or value the viewer keeps (decoded): enough to read a typical record
 * whole; a larger one keeps its start, is flagged truncated, and is read back whole on demand.
 */
export const DEFAULT_PREVIEW_BYTES = 64 * 1024;

/** The builtin String deserializer (compared by identity for the copy-the-bytes path). */
const STRING = deserializer('string');

/** Most rows the view may ask for at once (a screenful plus overscan is far less). */
export const MAX_PAGE_ROWS = 1_000;

/**
 * The consume pipeline without VS Code: fetch (DirectTail without a group, TopicTail with one) → deserialize → capped ring buffer →
 * a view update (count + the visible page of filtered rows) to a sink on a timer, never one call
 * per record. With a filter, the seqs of matching records are kept in order beside the buffer.
 */
export class TailSession {
  private tail: Tail | undefined;
  readonly buffer: TailBuffer;
  private predicate: RecordPredicate | undefined;
  private filterValue: RecordFilter = {};
  /** With a filter: seqs of matching records, oldest first, from index `matchHead`. */
  private matches: number[] = [];
  private matchHead = 0;
  /** Matching records evicted since the last update. */
  private droppedSinceUpdate = 0;
  private lastCount = -1;
  private lastEnd = -1;
  private windowFrom = 0;
  private windowSize = 200;
  private follow = true;
  private dirty = true;
  private needsReset = true;
  private timer: NodeJS.Timeout | undefined;
  private received = 0;
  private windowStart = Date.now();
  private windowCount = 0;
  private rate = 0;
  private readonly keyDecoder: Deserializer;
  private readonly valueDecoder: Deserializer;
  private readonly headerDecoder = deserializer('string');
  private readonly previewBytes: number;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  private constructor(
    readonly options: TailSessionOptions,
    private readonly sink: RowSink,
  ) {
    this.buffer = new TailBuffer(options.capacity, options.maxBytes ?? DEFAULT_BUFFER_BYTES);
    this.previewBytes = options.previewBytes ?? DEFAULT_PREVIEW_BYTES;
    this.keyDecoder = options.keyDeserializer ?? deserializer(options.keyFormat);
    this.valueDecoder = options.valueDeserializer ?? deserializer(options.valueFormat);
  }

  static async start(client: KafkaClient, options: TailSessionOptions, sink: RowSink, flushIntervalMs = 100): Promise<TailSession> {
    const session = new TailSession(options, sink);
    session.tail = await startTail(client, options, {
      records: (partition, messages) => session.add(partition, messages),
      state: (state) => {
        if (state.state === 'stopped') session.stopTimer();
        sink.state?.(state);
      },
      skipped: (skip) => sink.skipped?.(skip),
      partitionsAdded: (added) => sink.partitionsAdded?.(added),
    });
    session.timer = setInterval(() => session.flush(), flushIntervalMs);
    return session;
  }

  get topicTail(): Tail {
    return this.tail!;
  }

  get groupId(): string {
    return this.tail!.groupId;
  }

  /** Batches waiting for a deserializer's asynchronous step, so they are added in arrival order. */
  private preparing: Promise<void> | undefined;

  private add(partition: number, messages: RawMessage[]): void | Promise<void> {
    const { keyDecoder, valueDecoder } = this;
    const steps: Promise<void>[] = [];
    const headers = keyDecoder.forHeaders || valueDecoder.forHeaders ? messages.map((m) => m.headers) : undefined;
    const keyStep = keyDecoder.prepare?.(messages.map((m) => m.key ?? null), headers, 'key');
    if (keyStep) steps.push(keyStep);
    const valueStep = valueDecoder.prepare?.(messages.map((m) => m.value), headers, 'value');
    if (valueStep) steps.push(valueStep);
    if (steps.length === 0 && !this.preparing) return this.addDecoded(partition, messages);
    // A failed step must not drop the batch: its records are then decoded with the reason shown.
    const ready = Promise.all([this.preparing, ...steps]).then(
      () => undefined,
      () => undefined,
    );
    const done = ready.then(() => {
      this.addDecoded(partition, messages);
      if (this.preparing === done) this.preparing = undefined;
    });
    this.preparing = done;
    return done;
  }

  private addDecoded(partition: number, messages: RawMessage[]): void {
    const { keyDecoder, valueDecoder } = this;
    const limit = this.previewBytes;
    for (const m of messages) {
      if ((m.key && m.key.length > limit) || (m.value && m.value.length > limit)) {
        this.addLarge(partition, m);
      } else {
        this.addOne(partition, m, keyDecoder, valueDecoder);
      }
    }
    this.received += messages.length;
    this.windowCount += messages.length;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.received >= this.waiters[i].count) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  /** A record above the preview size: only the start of its key / value is decoded and kept. */
  private addLarge(partition: number, m: RawMessage): void {
    const key = decodePreview(m.key ?? null, (m.headers && this.keyDecoder.forHeaders?.(m.headers, 'key')) || this.keyDecoder, this.previewBytes);
    const value = decodePreview(m.value, (m.headers && this.valueDecoder.forHeaders?.(m.headers, 'value')) || this.valueDecoder, this.previewBytes);
    const seq = this.buffer.push(
      partition,
      m.offset,
      Number(m.timestamp),
      key?.text ?? null,
      value?.text ?? null,
      m.value?.length ?? 0,
      m.headers && hasKeys(m.headers) ? this.headers(m.headers) : undefined,
      key?.error,
      value?.error,
      { keyBytes: m.key?.length ?? 0, keyTruncated: key?.truncated, valueTruncated: value?.truncated },
    );
    if (this.predicate && this.predicate(this.buffer.get(seq)!)) this.matches.push(seq);
  }

  private addOne(partition: number, m: RawMessage, keyDecoder: Deserializer, valueDecoder: Deserializer): void {
    const { buffer, predicate } = this;
    {
      // The String format's text of valid UTF-8 is the bytes themselves: the buffer copies them
      // (no string made and encoded back; measured: a third of the pipeline's own time on 100 B records).
      // Otherwise a schema id in the headers (Apicurio) picks the deserializer for this record only.
      const key = keyDecoder === STRING && m.key && isUtf8(m.key) ? m.key : decodeText(m.key ?? null, (m.headers && keyDecoder.forHeaders?.(m.headers, 'key')) || keyDecoder);
      const value = valueDecoder === STRING && m.value && isUtf8(m.value) ? m.value : decodeText(m.value, (m.headers && valueDecoder.forHeaders?.(m.headers, 'value')) || valueDecoder);
      const seq = buffer.push(
        partition,
        m.offset,
        Number(m.timestamp),
        key === null || typeof key === 'string' || Buffer.isBuffer(key) ? key : key.hex,
        value === null || typeof value === 'string' || Buffer.isBuffer(value) ? value : value.hex,
        m.value?.length ?? 0,
        m.headers && hasKeys(m.headers) ? this.headers(m.headers) : undefined,
        key !== null && typeof key !== 'string' && !Buffer.isBuffer(key) ? key.error : undefined,
        value !== null && typeof value !== 'string' && !Buffer.isBuffer(value) ? value.error : undefined,
        // Bytes given as the key are counted as they are; a decoded key says its size in bytes.
        m.key && !Buffer.isBuffer(key) ? { keyBytes: m.key.length } : undefined,
      );
      if (predicate && predicate(buffer.get(seq)!)) this.matches.push(seq);
    }
  }

  private headers(raw: NonNullable<RawMessage['headers']>): TailHeader[] {
    return headersOf(raw).map(({ key, value }) => {
      const d = decodeText(value, this.headerDecoder);
      return d === null || typeof d === 'string' ? { key, value: d } : { key, value: d.hex, error: d.error };
    });
  }

  /** Drops matches that left the buffer; returns how many matching records were evicted. */
  private trimMatches(): number {
    const first = this.buffer.firstSeq;
    const before = this.matchHead;
    while (this.matchHead < this.matches.length && this.matches[this.matchHead] < first) this.matchHead++;
    if (this.matchHead > 50_000 && this.matchHead * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.matchHead);
      this.matchHead = 0;
    }
    return this.matchHead - before;
  }

  /** Records in the buffer that match the filter. */
  count(): number {
    if (!this.predicate) return this.buffer.length;
    this.trimMatches();
    return this.matches.length - this.matchHead;
  }

  /** Seq of the matching record at `index` (0 = oldest still buffered). */
  private seqAt(index: number): number {
    return this.predicate ? this.matches[this.matchHead + index] : this.buffer.firstSeq + index;
  }

  /** Rows [from, from + size) of the matching list. */
  page(from: number, size: number): TailRow[] {
    const count = this.count();
    const rows: TailRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(count, from + Math.min(size, MAX_PAGE_ROWS)); i++) {
      const seq = this.seqAt(i);
      rows.push(rowOf(seq, this.buffer.get(seq)!));
    }
    return rows;
  }

  /** The view shows rows from `from` (ignored while it follows the tail), `size` of them. */
  setWindow(from: number, size: number, follow: boolean): void {
    this.windowFrom = Math.max(0, Math.floor(from));
    this.windowSize = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor(size)));
    this.follow = follow;
    this.dirty = true;
  }

  /** Sends the view an update if anything changed: the count, evictions, or the window. */
  flush(): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.rate = Math.round((this.windowCount * 1000) / (now - this.windowStart));
      this.windowStart = now;
      this.windowCount = 0;
    }
    // Evictions are counted even while hidden, so a scrolled view can keep its place.
    const evicted = this.predicate ? this.trimMatches() : 0;
    const count = this.count();
    if (!this.predicate && this.lastEnd >= 0) {
      // Unfiltered: every eviction drops one row from the front.
      const droppedNow = Math.max(0, this.lastCount + (this.buffer.endSeq - this.lastEnd) - count);
      this.droppedSinceUpdate += droppedNow;
    } else {
      this.droppedSinceUpdate += evicted;
    }
    this.lastEnd = this.buffer.endSeq;
    const changed = count !== this.lastCount || this.droppedSinceUpdate > 0;
    this.lastCount = count;
    if (!this.sink.visible) return;
    if (!changed && !this.dirty && !this.needsReset) return;
    const reset = this.needsReset;
    const dropped = reset ? 0 : this.droppedSinceUpdate;
    this.windowFrom = Math.max(0, this.windowFrom - dropped);
    const from = this.follow ? Math.max(0, count - this.windowSize) : Math.min(this.windowFrom, Math.max(0, count - 1));
    this.needsReset = false;
    this.dirty = false;
    this.droppedSinceUpdate = 0;
    this.sink.view({ reset, count, dropped, from, rows: this.page(from, this.windowSize), upToSeq: this.buffer.endSeq - 1 });
  }

  /** Changes the filter; the next flush replaces the view with the matching buffered records. */
  setFilter(filter: RecordFilter): void {
    const predicate = compileFilter(filter);
    this.filterValue = filter;
    this.predicate = isEmptyFilter(filter) ? undefined : predicate;
    this.matches = [];
    this.matchHead = 0;
    if (this.predicate) for (const [seq, r] of this.buffer.range()) if (this.predicate(r)) this.matches.push(seq);
    this.lastCount = -1;
    this.lastEnd = -1;
    this.droppedSinceUpdate = 0;
    this.windowFrom = 0;
    this.follow = true;
    this.needsReset = true;
  }

  /**
   * Shows only these buffered records: the seqs a worker search found (BufferSearcher over
   * `buffer.range()`, ascending). Records arriving later are shown when `live` accepts them; give
   * it for searches without a regex (`compileQuery(parseQuery(q))`, linear time). For a regex
   * search leave it out and search the new records in the worker (`buffer.range(fromSeq)`), then
   * {@link addMatches}.
   */
  setSearchResult(seqs: readonly number[], live?: RecordPredicate): void {
    this.filterValue = {};
    this.predicate = live ?? (() => false);
    this.matches = seqs.filter((seq) => this.buffer.has(seq));
    this.matchHead = 0;
    this.lastCount = -1;
    this.lastEnd = -1;
    this.droppedSinceUpdate = 0;
    this.windowFrom = 0;
    this.follow = true;
    this.needsReset = true;
  }

  /** Adds matches found later by a worker search (seqs above every current match, ascending). */
  addMatches(seqs: readonly number[]): void {
    const last = this.matches.length > this.matchHead ? this.matches[this.matches.length - 1] : -1;
    for (const seq of seqs) if (seq > last && this.buffer.has(seq)) this.matches.push(seq);
  }

  get filter(): RecordFilter {
    return this.filterValue;
  }

  /** The view was hidden and shows again, or was reloaded: send it a fresh update. */
  resend(): void {
    this.needsReset = true;
  }

  /** Empties the buffer and the view; the tail goes on. */
  clear(): void {
    this.buffer.clear();
    this.matches = [];
    this.matchHead = 0;
    this.lastCount = -1;
    this.lastEnd = -1;
    this.droppedSinceUpdate = 0;
    this.needsReset = true;
  }

  record(seq: number): TailRecord | undefined {
    return this.buffer.get(seq);
  }

  /** Buffered records that match the current filter, oldest first. */
  *matching(): Generator<[number, TailRecord]> {
    if (!this.predicate) {
      yield* this.buffer.range();
      return;
    }
    this.trimMatches();
    for (let i = this.matchHead; i < this.matches.length; i++) {
      const seq = this.matches[i];
      const r = this.buffer.get(seq);
      if (r) yield [seq, r];
    }
  }

  stats(): TailStats {
    return {
      state: this.tail?.state ?? { state: 'starting' },
      received: this.received,
      buffered: this.buffer.length,
      evicted: this.buffer.dropped,
      recordsPerSecond: this.rate,
    };
  }

  /** Resolves once `count` records in total have been received (for tests and the benchmark). */
  waitForReceived(count: number, timeoutMs: number): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { count, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`only ${this.received} of ${count} records arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  pause(): void {
    this.tail?.pause();
  }

  resume(): void {
    this.tail?.resume();
  }

  commit(upTo?: { partition: number; offset: string }[]): Promise<Map<number, string>> {
    return this.tail!.commit(upTo);
  }

  progress(): Promise<PartitionProgress[]> {
    return this.tail!.progress();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async stop(error?: KafkaWorkbenchError): Promise<void> {
    await this.tail?.stop(error);
    this.flush();
    this.stopTimer();
  }
}
