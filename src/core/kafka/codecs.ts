/**
 * Compression codecs for kafkajs, which ships only gzip (its snappy, lz4 and zstd entries throw
 * "not implemented"). All three here need no native build: snappyjs and lz4js are plain
 * JavaScript, zstd is zstd's own C code compiled to WebAssembly (@bokuweb/zstd-wasm).
 */
import { init as zstdInit, compress as zstdCompress, decompress as zstdDecompress } from '@bokuweb/zstd-wasm';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressBlock as lz4CompressBlock, compressBound as lz4CompressBound, decompress as lz4Decompress } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32';
import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappyjs';

type Codec = () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };

/**
 * Snappy: writes raw snappy, which the Java client, librdkafka and the broker read; reads both raw
 * and the Java client's xerial framing.
 */
const XERIAL_MAGIC = Buffer.from([130, 83, 78, 65, 80, 80, 89, 0]);
const snappy: Codec = () => ({
  compress: async (encoder) => snappyCompress(encoder.buffer),
  decompress: async (buffer) => {
    if (!buffer.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyUncompress(buffer);
    const chunks: Buffer[] = [];
    for (let offset = 16; offset < buffer.length; ) {
      const size = buffer.readInt32BE(offset);
      offset += 4;
      chunks.push(snappyUncompress(buffer.subarray(offset, offset + size)));
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

const lz4: Codec = () => ({
  compress: async (encoder) => lz4Frame(encoder.buffer),
  decompress: async (buffer) => Buffer.from(lz4Decompress(buffer)),
});

const ZSTD_LEVEL = 3;

/**
 * One init of the WebAssembly module per process, shared through globalThis: the test and script
 * bundles each inline a copy of this file, and a second copy's init re-instantiating the module
 * made the first copy's next compress return a frame of the wrong bytes (seen in the kafkajs
 * differential test).
 */
const ZSTD_READY = Symbol.for('kafka-workbench.zstd-ready');
const zstdReady = (): Promise<void> => ((globalThis as { [ZSTD_READY]?: Promise<void> })[ZSTD_READY] ??= zstdInit());

/** Zstandard: the WebAssembly module is loaded on first use, not at activation. */
const zstd: Codec = () => ({
  compress: async (encoder) => {
    await zstdReady();
    return Buffer.from(zstdCompress(encoder.buffer, ZSTD_LEVEL));
  },
  decompress: async (buffer) => {
    await zstdReady();
    return Buffer.from(zstdDecompress(buffer));
  },
});

const codecs = CompressionCodecs as Record<number, unknown>;
codecs[CompressionTypes.Snappy] = snappy;
codecs[CompressionTypes.LZ4] = lz4;
codecs[CompressionTypes.ZSTD] = zstd;
