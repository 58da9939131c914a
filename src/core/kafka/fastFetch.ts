/**
 * A lean decoder for Fetch v11 responses (the version kafkajs 2.2.4 negotiates with Kafka ≥ 2.3),
 * used by the range reader instead of kafkajs' own: kafkajs builds several Long objects and strings
 * per record, which makes decoding (and its garbage) most of a topic scan's time. This one reads the
 * record batch v2 format straight from the buffer with plain numbers, and hands out key, value and
 * header values as views of the response (no copies). Decompression goes through kafkajs' codec
 * registry (so snappy, lz4 and zstd from codecs.ts work too). Anything else (other Fetch versions,
 * old message formats) returns undefined and the caller uses kafkajs' decoder.
 */
import type { RawMessage } from './consumer';

/** What the range reader needs of a decoded partition (the shape kafkajs' decoder returns too). */
export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset?: string;
  abortedTransactions?: { producerId: string; firstOffset: string }[];
  messages: (RawMessage & { isControlRecord?: boolean; batchContext?: { producerId?: string; inTransaction?: boolean } })[];
  /** Offset after the last batch read (skipped ones included): where the next fetch starts. */
  nextOffset?: string;
  /** Batches left undecoded by the prefilter: their first offsets and record counts. */
  skipped?: { baseOffset: number; lastOffset: number }[];
}

export interface FetchedResponse {
  clientSideThrottleTime: number;
  errorCode: number;
  responses: { topicName: string; partitions: FetchedPartition[] }[];
}

interface Codec {
  decompress(buffer: Buffer): Promise<Buffer>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compression = require('kafkajs/src/protocol/message/compression') as { lookupCodecByAttributes(attributes: number): Codec | null };

class Partial extends Error {}

class Reader {
  constructor(
    readonly b: Buffer,
    public o = 0,
  ) {}

  int8(): number {
    return this.b.readInt8(this.o++);
  }
  int16(): number {
    const v = this.b.readInt16BE(this.o);
    this.o += 2;
    return v;
  }
  int32(): number {
    const v = this.b.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  /** An int64 as a decimal string (exact). */
  int64s(): string {
    const v = this.b.readBigInt64BE(this.o);
    this.o += 8;
    return v.toString();
  }
  /** An int64 as a number (exact below 2^53: offsets and timestamps). */
  int64n(): number {
    const hi = this.b.readInt32BE(this.o);
    const lo = this.b.readUInt32BE(this.o + 4);
    this.o += 8;
    return hi * 4294967296 + lo;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) return '';
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
  /** Zigzag varint (Kafka's varint / varlong up to 2^53). */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (this.o >= this.b.length) throw new Partial();
      const byte = this.b[this.o++];
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) break;
      shift *= 128;
    }
    // zigzag: (n >>> 1) ^ -(n & 1), for values beyond 32 bits too
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }
  bytes(n: number): Buffer | null {
    if (n < 0) return null;
    if (this.o + n > this.b.length) throw new Partial();
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
}

type Message = FetchedPartition['messages'][number];

/** Decodes the records of one batch (already decompressed) into messages. */
function decodeRecords(r: Reader, count: number, baseOffset: number, baseOffsetText: string, firstTimestamp: number, control: boolean, context: Message['batchContext'], out: Message[]): void {
  const safe = Number.isSafeInteger(baseOffset + 2 ** 31);
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    const end = r.o + length;
    if (end > r.b.length) throw new Partial();
    r.o++; // attributes (unused)
    const timestampDelta = r.varint();
    const offsetDelta = r.varint();
    const key = r.bytes(r.varint());
    const value = r.bytes(r.varint());
    const headerCount = r.varint();
    let headers: Record<string, Buffer | Buffer[]> | undefined;
    for (let h = 0; h < headerCount; h++) {
      const name = r.bytes(r.varint())!.toString('utf8');
      const hv = r.bytes(r.varint()) ?? (null as unknown as Buffer);
      headers ??= {};
      const prev = headers[name];
      if (prev === undefined) headers[name] = hv;
      else if (Array.isArray(prev)) prev.push(hv);
      else headers[name] = [prev, hv];
    }
    r.o = end;
    const m: Message = {
      offset: safe ? String(baseOffset + offsetDelta) : (BigInt(baseOffsetText) + BigInt(offsetDelta)).toString(),
      timestamp: String(firstTimestamp + timestampDelta),
      key,
      value,
      headers: headers ?? {},
    };
    if (control) m.isControlRecord = true;
    if (context) m.batchContext = context;
    out.push(m);
  }
}

interface RecordSet {
  messages: Message[];
  nextOffset?: string;
  skipped?: { baseOffset: number; lastOffset: number }[];
}

/**
 * Decodes the record set of one partition; a batch cut short at the end (fetch size) is left for
 * the next fetch. With a `prefilter`, a batch whose bytes do not contain it is not decoded at all
 * (no record of it can match a search that requires those bytes); control batches always are.
 */
async function decodeRecordSet(set: Buffer, prefilter?: Buffer): Promise<RecordSet | undefined> {
  const out: Message[] = [];
  const result: RecordSet = { messages: out };
  const r = new Reader(set);
  while (set.length - r.o >= 61) {
    const start = r.o;
    const baseOffsetText = r.int64s();
    const baseOffset = Number(baseOffsetText);
    const batchLength = r.int32();
    const end = r.o + batchLength;
    if (end > set.length) break; // partial batch at the end
    r.o += 4; // partition leader epoch
    const magic = r.int8();
    if (magic !== 2) {
      if (start === 0) return undefined; // old message format: kafkajs decodes it
      break;
    }
    r.o += 4; // crc (the broker checked it)
    const attributes = r.int16();
    const lastOffsetDelta = r.int32();
    const firstTimestamp = r.int64n();
    r.o += 8; // max timestamp
    const producerId = r.int64s();
    r.o += 2 + 4; // producer epoch, base sequence
    const count = r.int32();
    const inTransaction = (attributes & 0x10) !== 0;
    const control = (attributes & 0x20) !== 0;
    const context = inTransaction || control ? { producerId, inTransaction } : undefined;
    const codecBits = attributes & 0x07;
    try {
      let records: Reader;
      if (codecBits === 0) {
        records = new Reader(set.subarray(0, end), r.o);
      } else {
        const codec = compression.lookupCodecByAttributes(attributes);
        if (!codec) throw new Error(`unsupported compression codec ${codecBits}`);
        records = new Reader(await codec.decompress(set.subarray(r.o, end)));
      }
      if (prefilter && !control && records.b.indexOf(prefilter, records.o) < 0) {
        (result.skipped ??= []).push({ baseOffset, lastOffset: baseOffset + lastOffsetDelta });
      } else {
        decodeRecords(records, count, baseOffset, baseOffsetText, firstTimestamp, control, context, out);
      }
    } catch (e) {
      if (e instanceof Partial) break;
      throw e;
    }
    result.nextOffset = (BigInt(baseOffsetText) + BigInt(lastOffsetDelta) + 1n).toString();
    r.o = end;
  }
  return result;
}

/**
 * Decodes a Fetch v11 response body; undefined when it holds something this decoder leaves to
 * kafkajs (an old message format).
 */
export async function decodeFetchV11(raw: Buffer, prefilter?: Buffer): Promise<FetchedResponse | undefined> {
  const r = new Reader(raw);
  const clientSideThrottleTime = r.int32();
  const errorCode = r.int16();
  r.int32(); // session id
  const topics = r.int32();
  const responses: FetchedResponse['responses'] = [];
  for (let t = 0; t < topics; t++) {
    const topicName = r.string();
    const count = r.int32();
    const partitions: FetchedPartition[] = [];
    for (let p = 0; p < count; p++) {
      const partition = r.int32();
      const partitionError = r.int16();
      const highWatermark = r.int64s();
      const lastStableOffset = r.int64s();
      r.o += 8; // log start offset
      const abortedCount = r.int32();
      const abortedTransactions: { producerId: string; firstOffset: string }[] = [];
      for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: r.int64s(), firstOffset: r.int64s() });
      r.o += 4; // preferred read replica
      const size = r.int32();
      const data: FetchedPartition = { partition, errorCode: partitionError, highWatermark, lastStableOffset, abortedTransactions, messages: [] };
      if (size > 0) {
        const set = raw.subarray(r.o, Math.min(raw.length, r.o + size));
        r.o += size;
        const decoded = await decodeRecordSet(set, prefilter);
        if (!decoded) return undefined;
        data.messages = decoded.messages;
        if (decoded.nextOffset !== undefined) data.nextOffset = decoded.nextOffset;
        if (decoded.skipped) data.skipped = decoded.skipped;
      }
      partitions.push(data);
    }
    responses.push({ topicName, partitions });
  }
  return { clientSideThrottleTime, errorCode, responses };
}
