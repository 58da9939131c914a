/**
 * The Java client's default partitioner for keyed records (also Spring's, and kafkajs'
 * DefaultPartitioner): murmur2 of the serialized key, made positive, modulo the partition count.
 * Computed here rather than left to the client so the form can show where a key lands before
 * sending, and so every record's partition is known even when acks=0 returns nothing.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) with Java's 32-bit int arithmetic. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition a Java producer picks for this serialized key among `partitionCount` partitions. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partition count must be a positive integer, got ${partitionCount}`);
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/** Round-robin over all partitions, for records sent to "any" partition. */
export class RoundRobin {
  private next: number;
  constructor(start = Math.floor(Math.random() * 1_000_000)) {
    this.next = start;
  }
  pick(partitionCount: number): number {
    const p = this.next % partitionCount;
    this.next = (this.next + 1) % 1_000_000_000;
    return p;
  }
}
