// A broker (or a record batch someone else produced) is untrusted: a compressed batch may not
// inflate past the limit, whatever it claims, and a truncated frame fails instead of hanging.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { CompressionTypes } from 'kafkajs';
import { codecFor as codec, setMaxDecompressedBytes } from '../../src/core/kafka/codecs';

describe('Decompression bounds', function () {
  this.timeout(30_000);
  const limit = 1024 * 1024;
  const zeros = Buffer.alloc(4 * limit); // 4 MB of zeros: a few KB compressed
  const small = Buffer.from('a small value that fits', 'utf8');

  before(() => setMaxDecompressedBytes(limit));
  after(() => setMaxDecompressedBytes(128 * 1024 * 1024));

  for (const [name, type] of [
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const) {
    it(`${name}: refuses a batch that inflates past the limit and still inflates one within it`, async () => {
      const bomb = await codec(type).compress({ buffer: zeros });
      assert.ok(bomb.length < limit / 4, `${name} compresses 4 MB of zeros to ${bomb.length} bytes`);
      await assert.rejects(codec(type).decompress(bomb), (err: Error) => {
        assert.equal(err.name, 'DecompressionLimitError', `${name}: ${err.message}`);
        assert.match(err.message, new RegExp(`^A ${name} batch would inflate to \\d+ bytes, more than the ${limit} bytes allowed`));
        return true;
      });
      const ok = await codec(type).decompress(await codec(type).compress({ buffer: small }));
      assert.deepEqual(ok, small);
    });
  }

  it('zstd: a frame whose header claims 4 GB is refused before anything is allocated', async () => {
    // Made by the zstd CLI's library through the wasm build: compress, then rewrite the declared size.
    const frame = Buffer.from(await codec(CompressionTypes.ZSTD).compress({ buffer: small }));
    // A single-segment frame with a 1-byte size: switch to an 8-byte size claiming 4 GiB.
    const descriptor = frame[4];
    assert.equal(descriptor & 0xc0, 0, 'the test frame declares its size in one byte');
    const claimed = Buffer.concat([frame.subarray(0, 4), Buffer.from([(descriptor & 0x3f) | 0xc0]), Buffer.alloc(8), frame.subarray(6)]);
    claimed.writeBigUInt64LE(4n * 1024n ** 3n, 5);
    await assert.rejects(codec(CompressionTypes.ZSTD).decompress(claimed), /would inflate to 4294967296 bytes/);
  });

  it('lz4: a truncated frame fails at once instead of looping', async () => {
    const frame = await codec(CompressionTypes.LZ4).compress({ buffer: Buffer.alloc(200_000, 7) });
    await assert.rejects(codec(CompressionTypes.LZ4).decompress(frame.subarray(0, frame.length - 40)), /Invalid LZ4 data: the frame is truncated/);
  });

  it('gzip from another implementation (the gzip CLI) within the limit still inflates', async () => {
    const text = Buffer.from('x'.repeat(10_000));
    const theirs = execFileSync('gzip', ['-c'], { input: text });
    assert.deepEqual(await codec(CompressionTypes.GZIP).decompress(theirs), text);
    assert.deepEqual(await codec(CompressionTypes.GZIP).decompress(gzipSync(text)), text);
  });
});
