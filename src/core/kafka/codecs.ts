/**
 * Compression codecs for kafkajs, which ships only gzip (its snappy, lz4 and zstd entries throw
 * "not implemented"). All three here need no native build: snappyjs and lz4js are plain
 * JavaScript, zstd is zstd's own C code compiled to WebAssembly (@bokuweb/zstd-wasm).
 */
import { init as zstdInit, compress as zstdCompress, decompress as zstdDecompress } from '@bokuweb/zstd-wasm';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressBlock as lz4CompressBlock, compressBound as lz4CompressBound, decompress as lz4Decompress } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappyjs';

/**
 * The most bytes one compressed batch may inflate to. Brokers and records are untrusted: a few KB
 * of zeros compress to almost nothing, and each codec would otherwise allocate whatever the data
 * claims. The consumer fetches at most 10 MB at once (kafkajs' maxBytes, which it keeps), so a
 * batch that inflates past 12.8 times that is refused rather than allowed to take the extension
 * host's memory. Whoever raises the fetch size raises this with it.
 */
let maxDecompressedBytes = 128 * 1024 * 1024;

export function setMaxDecompressedBytes(bytes: number): void {
  maxDecompressedBytes = bytes;
}

export class DecompressionLimitError extends Error {
  constructor(codec: string, claimed: number | bigint) {
    super(
      `A ${codec} batch would inflate to ${claimed} bytes, more than the ${maxDecompressedBytes} bytes allowed; ` +
        'it was not decompressed (a corrupt or hostile record batch)',
    );
    this.name = 'DecompressionLimitError';
  }
}

function checkLimit(codec: string, size: number | bigint): void {
  if (size > maxDecompressedBytes) throw new DecompressionLimitError(codec, size);
}

type Codec = () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };

/** The length a raw snappy block declares (its varint preamble), refused past `limit`. */
function checkedSnappyLength(block: Buffer, limit: number): number {
  let length = 0;
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    if (i >= block.length || i >= 5) throw new Error('Invalid snappy data: truncated length');
    length += (block[i] & 0x7f) * 2 ** shift;
    if ((block[i] & 0x80) === 0) break;
  }
  if (length > limit) throw new DecompressionLimitError('snappy', length);
  return limit;
}

/**
 * Snappy: writes raw snappy, which the Java client, librdkafka and the broker read; reads both raw
 * and the Java client's xerial framing.
 */
const XERIAL_MAGIC = Buffer.from([130, 83, 78, 65, 80, 80, 89, 0]);
const snappy: Codec = () => ({
  compress: async (encoder) => snappyCompress(encoder.buffer),
  decompress: async (buffer) => {
    if (!buffer.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyUncompress(buffer, checkedSnappyLength(buffer, maxDecompressedBytes));
    const chunks: Buffer[] = [];
    let left = maxDecompressedBytes;
    for (let offset = 16; offset < buffer.length; ) {
      const size = buffer.readInt32BE(offset);
      offset += 4;
      const chunk = buffer.subarray(offset, offset + size);
      const inflated = snappyUncompress(chunk, checkedSnappyLength(chunk, left));
      left -= inflated.length;
      chunks.push(inflated);
      offset += size;
    }
    return Buffer.concat(chunks);
  },
});

/**
 * LZ4: the standard LZ4 frame format, which Kafka has used since message format v1. Kafka reads
 * only frames of independent blocks, and lz4js' own frame writer does not mark (or guarantee) that,
 * so the frame is written here: 64 KB blocks, each compressed with a fresh hash table.
 */
const LZ4_MAGIC = 0x184d2204;
const LZ4_FLG = 0x60; // version 01, blocks independent, no checksums, no content size
const LZ4_BD = 4 << 4; // 64 KB maximum block size
const LZ4_BLOCK = 64 * 1024;

function lz4Frame(src: Buffer): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt32LE(LZ4_MAGIC, 0);
  header[4] = LZ4_FLG;
  header[5] = LZ4_BD;
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  const scratch = new Uint8Array(lz4CompressBound(LZ4_BLOCK));
  for (let start = 0; start < src.length; start += LZ4_BLOCK) {
    const block = src.subarray(start, Math.min(start + LZ4_BLOCK, src.length));
    const size = lz4CompressBlock(block, scratch, 0, block.length, new Uint32Array(1 << 16));
    const length = Buffer.alloc(4);
    if (size === 0 || size >= block.length) {
      length.writeUInt32LE((0x80000000 | block.length) >>> 0, 0); // stored uncompressed
      parts.push(length, Buffer.from(block));
    } else {
      length.writeUInt32LE(size, 0);
      parts.push(length, Buffer.from(scratch.subarray(0, size)));
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

const LZ4_BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

/**
 * The most an LZ4 frame can inflate to, from its block headers, with every read bounds-checked
 * (lz4js' own decompressBound loops forever on a truncated frame and trusts a declared content size).
 */
function lz4Bound(src: Buffer): number {
  const truncated = (): Error => new Error('Invalid LZ4 data: the frame is truncated');
  if (src.length < 7 || src.readUInt32LE(0) !== LZ4_MAGIC) throw new Error('Invalid LZ4 data: not an LZ4 frame');
  const flg = src[4];
  const blockMax = LZ4_BLOCK_SIZES[(src[5] >> 4) & 7];
  if (blockMax === undefined) throw new Error('Invalid LZ4 data: unknown block size');
  const blockChecksum = (flg & 0x10) !== 0;
  let offset = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
  let bound = 0;
  for (;;) {
    if (offset + 4 > src.length) throw truncated();
    const word = src.readUInt32LE(offset);
    offset += 4;
    if (word === 0) return bound;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    bound += stored ? size : blockMax;
    checkLimit('lz4', bound);
    offset += size + (blockChecksum ? 4 : 0);
    if (offset > src.length) throw truncated();
  }
}

const lz4: Codec = () => ({
  compress: async (encoder) => lz4Frame(encoder.buffer),
  decompress: async (buffer) => Buffer.from(lz4Decompress(buffer, lz4Bound(buffer))),
});

/** The content size a zstd frame declares, or undefined when it declares none (the library then caps at 1 MB). */
function zstdDeclaredSize(src: Buffer): bigint | undefined {
  if (src.length < 5 || src.readUInt32LE(0) !== 0xfd2fb528) return undefined; // the library reports the error
  const descriptor = src[4];
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictBytes = [0, 1, 2, 4][descriptor & 3];
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictBytes;
  if (at + fcsBytes > src.length) throw new Error('Invalid zstd data: the frame header is truncated');
  switch (fcsBytes) {
    case 1:
      return BigInt(src[at]);
    case 2:
      return BigInt(src.readUInt16LE(at) + 256);
    case 4:
      return BigInt(src.readUInt32LE(at));
    default:
      return src.readBigUInt64LE(at);
  }
}

/**
 * The WebAssembly module is one per process wherever @bokuweb/zstd-wasm is shared (the test and
 * script bundles leave node_modules external), and initialising it a second time swaps its memory
 * under codecs already using it (compress then returns zeros): so one initialisation per process.
 */
const ZSTD_READY = Symbol.for('kafka-workbench.zstd-wasm-ready');
function zstdReady(): Promise<void> {
  const shared = globalThis as { [ZSTD_READY]?: Promise<void> };
  return (shared[ZSTD_READY] ??= zstdInit());
}
const ZSTD_LEVEL = 3;

/** Zstandard: the WebAssembly module is loaded on first use, not at activation. */
const zstd: Codec = () => ({
  compress: async (encoder) => {
    await zstdReady();
    return Buffer.from(zstdCompress(encoder.buffer, ZSTD_LEVEL));
  },
  decompress: async (buffer) => {
    const declared = zstdDeclaredSize(buffer);
    if (declared !== undefined) checkLimit('zstd', declared);
    await zstdReady();
    return Buffer.from(zstdDecompress(buffer));
  },
});

const gunzipBounded = promisify(gunzip);

/** Gzip: kafkajs' own compressor, with a decompressor that stops at the limit. */
function boundedGzip(base: Codec): Codec {
  return () => ({
    compress: (encoder) => base().compress(encoder),
    decompress: async (buffer) => {
      try {
        return await gunzipBounded(buffer, { maxOutputLength: maxDecompressedBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressionLimitError('gzip', maxDecompressedBytes + 1);
        throw err;
      }
    },
  });
}

const codecs = CompressionCodecs as Record<number, unknown>;
const ours: Record<number, Codec> = {
  [CompressionTypes.GZIP]: boundedGzip(codecs[CompressionTypes.GZIP] as Codec),
  [CompressionTypes.Snappy]: snappy,
  [CompressionTypes.LZ4]: lz4,
  [CompressionTypes.ZSTD]: zstd,
};
Object.assign(codecs, ours);

/** This module's codec for a compression type (what kafkajs is given). */
export function codecFor(type: CompressionTypes): ReturnType<Codec> {
  return ours[type]();
}
