import type { KafkaClient } from './client';
import { headersOf, type Isolation, type RawRecord } from './consumer';
import { KafkaWorkbenchError } from './errors';
import { watermarks } from './offsets';
import { RangeReader } from './rangeReader';

/**
 * Reads one record back from Kafka by partition and offset, whole and byte-exact: for the details
 * view when the viewer's buffer holds only a preview. One fetch from the partition leader, no
 * consumer group. Fails with a message saying why when the record is not there (deleted by
 * retention, compacted away, a transaction marker, or beyond the end).
 */
export async function fetchRecord(
  client: KafkaClient,
  topic: string,
  partition: number,
  offset: string,
  options: { isolation?: Isolation; signal?: AbortSignal } = {},
): Promise<RawRecord> {
  if (!/^\d+$/.test(offset)) throw new KafkaWorkbenchError(`"${offset}" is not an offset: a whole number, 0 or more.`, 'invalid-input');
  const mark = (await watermarks(client, topic)).find((m) => m.partition === partition);
  if (!mark) throw new KafkaWorkbenchError(`Topic "${topic}" has no partition ${partition}.`, 'invalid-input');
  const n = BigInt(offset);
  if (n < BigInt(mark.low)) {
    throw new KafkaWorkbenchError(`Record ${partition}:${offset} of "${topic}" is no longer kept: the partition starts at offset ${mark.low} now (retention deleted older records).`, 'other');
  }
  if (n >= BigInt(mark.high)) throw new KafkaWorkbenchError(`Partition ${partition} of "${topic}" has no offset ${offset} yet: its next record gets ${mark.high}.`, 'invalid-input');
  const reader = await RangeReader.open(client, topic, options.isolation ?? 'read_uncommitted');
  let found: RawRecord | undefined;
  try {
    await reader.read(
      // Up to the end: a record of any size comes back whole (the broker returns at least one batch).
      { ranges: new Map([[partition, { from: offset, to: (n + 1n).toString() }]]), signal: options.signal, maxBytesPerPartition: 1024 * 1024 },
      {
        records(p, messages) {
          const m = messages.find((x) => x.offset === offset);
          if (m) found = { partition: p, offset: m.offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value, headers: headersOf(m.headers) };
        },
      },
    );
  } finally {
    await reader.close();
  }
  if (!found) {
    throw new KafkaWorkbenchError(`Record ${partition}:${offset} of "${topic}" could not be read: it was compacted away, aborted, or is a transaction marker.`, 'other');
  }
  return found;
}
