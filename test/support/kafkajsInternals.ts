/**
 * The protocol internals of two kafkajs 2.2.4 copies, side by side: `kafkajs` (patched at install
 * by patches/*.patch) and `kafkajs-upstream` (the same version, unpatched, a devDependency alias).
 * The differential tests and benchmarks run the same inputs through both.
 */
import { createRequire } from 'node:module';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
// The project's snappy, lz4 and zstd codecs, registered with the patched copy on import.
import '../../src/core/kafka/codecs';

/** One message as kafkajs' producer hands it to the Produce request. */
export interface WireMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | null | (Buffer | string | null)[]>;
  timestamp?: string;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: WireMessage[] }[] }[];
}

interface Encoder {
  buffer: Buffer;
  size(): number;
}

interface Decoder {
  offset: number;
}

/** A record as kafkajs' fetch decoder returns it (offsets and timestamps as decimal strings). */
export interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
  isControlRecord: boolean;
  batchContext: Record<string, unknown>;
}

export interface KafkajsInternals {
  name: string;
  /** protocol/requests/produce/v3 (v4-v7 wrap it): the request whose `encode()` gives its bytes. */
  produceRequest(args: ProduceRequestArgs): { encode(): Promise<Encoder> };
  /** protocol/request: the size-prefixed frame with the request header, as written to the socket. */
  frame(args: { correlationId: number; clientId: string; request: { apiKey: number; apiVersion: number; encode(): Promise<Encoder> } }): Promise<Encoder>;
  /** The Fetch response's record set decoder: an int32 size, then record batches. */
  decodeMessages(decoder: Decoder): Promise<DecodedRecord[]>;
  newDecoder(buffer: Buffer): Decoder;
  /** consumer/batch: drops records below the fetched offset, aborted and control records. */
  batch(topic: string, fetchedOffset: string, partitionData: { partition: number; highWatermark: string; messages: DecodedRecord[]; abortedTransactions?: unknown[] }): { messages: DecodedRecord[] };
  /** utils/long */
  long(value: string | number): unknown;
  groupMessagesPerPartition(args: { topic: string; partitionMetadata: unknown[]; messages: { partition: number }[]; partitioner: (a: { message: { partition: number } }) => number }): Record<string, unknown[]>;
  crc32C(buffer: Buffer): number;
}

function load(pkg: 'kafkajs' | 'kafkajs-upstream'): KafkajsInternals {
  const req = createRequire(__filename);
  const internal = <T>(p: string): T => req(`${pkg}/src/${p}`) as T;
  const Decoder = internal<new (b: Buffer) => Decoder>('protocol/decoder');
  const Batch = internal<new (...a: unknown[]) => { messages: DecodedRecord[] }>('consumer/batch');
  const Long = internal<{ fromValue(v: unknown): unknown }>('utils/long');
  return {
    name: pkg,
    produceRequest: internal('protocol/requests/produce/v3/request'),
    frame: internal('protocol/request'),
    decodeMessages: internal('protocol/requests/fetch/v4/decodeMessages'),
    newDecoder: (b) => new Decoder(b),
    batch: (topic, fetchedOffset, data) => new Batch(topic, fetchedOffset, data),
    long: (v) => Long.fromValue(v),
    groupMessagesPerPartition: internal('producer/groupMessagesPerPartition'),
    crc32C: internal('protocol/recordBatch/crc32C'),
  };
}

export const patched = load('kafkajs');
export const upstream = load('kafkajs-upstream');

const upstreamCodecs = (createRequire(__filename)('kafkajs-upstream') as { CompressionCodecs: Record<number, unknown> }).CompressionCodecs;
const patchedCodecs = CompressionCodecs as Record<number, unknown>;

/**
 * Runs `f` with Date.now fixed (both copies stamp records without a timestamp with it) and the
 * upstream copy using the very codec objects the patched one has now (other test files register
 * their own bundled copies of the codecs), so compressed bytes can be compared.
 */
export async function atFixedTime<T>(now: number, f: () => Promise<T>): Promise<T> {
  for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) upstreamCodecs[type] = patchedCodecs[type];
  const real = Date.now;
  Date.now = () => now;
  try {
    return await f();
  } finally {
    Date.now = real;
  }
}

/** The record batches inside an encoded Produce request, one per partition, as the broker stores them. */
export function recordBatchesOf(request: Buffer): Buffer[] {
  let at = 0;
  const int16 = () => ((at += 2), request.readInt16BE(at - 2));
  const int32 = () => ((at += 4), request.readInt32BE(at - 4));
  const string = () => {
    const n = int16();
    at += Math.max(0, n);
  };
  string(); // transactional id
  int16(); // acks
  int32(); // timeout
  const batches: Buffer[] = [];
  for (let topics = int32(); topics > 0; topics--) {
    string();
    for (let partitions = int32(); partitions > 0; partitions--) {
      int32();
      const size = int32();
      batches.push(request.subarray(at, at + size));
      at += size;
    }
  }
  return batches;
}

/** Record batches framed as a Fetch response's record set (int32 size, then the batches). */
export function recordSet(batches: Buffer[]): Buffer {
  const body = Buffer.concat(batches);
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}
