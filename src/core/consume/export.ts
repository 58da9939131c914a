/**
 * Streaming, byte-exact export: records are read back from Kafka (the viewer's buffer keeps only
 * decoded previews) and written one line at a time in the record line format (jsonLines.ts), so
 * memory stays constant whatever the size of the export.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { KafkaClient } from '../kafka/client';
import { headersOf, type Isolation } from '../kafka/consumer';
import { RangeReader, resolveRanges, type OffsetRange, type RangeBound } from '../kafka/rangeReader';
import { toRecordLine } from './jsonLines';

export interface ExportProgress {
  /** Records written so far. */
  written: number;
  /** Records read (written or skipped by `include`). */
  scanned: number;
  /** Records in the ranges (an upper bound: compaction and transaction markers leave gaps). */
  total: number;
}

export interface ExportOptions {
  topic: string;
  /** Offset ranges per partition; or give `from`/`to` bounds (and `partitions`). */
  ranges?: Map<number, OffsetRange>;
  from?: RangeBound;
  to?: RangeBound;
  partitions?: number[];
  /** Only these records (e.g. the buffer's matching ones, see {@link RecordSelection}). */
  include?: (partition: number, offset: string) => boolean;
  file: string;
  isolation?: Isolation;
  signal?: AbortSignal;
  onProgress?(progress: ExportProgress): void;
  /** Least time between two progress calls (default 250 ms); one more comes at the end. */
  progressIntervalMs?: number;
}

export interface ExportResult extends ExportProgress {
  file: string;
  /** True when the signal stopped it: the partial file is deleted. */
  cancelled: boolean;
}

/**
 * Which records to export, by partition and offset: e.g. the buffered records that match the
 * viewer's filter. Gives the ranges to read and the test for each record read.
 */
export class RecordSelection {
  private readonly offsets = new Map<number, Set<string>>();
  private readonly bounds = new Map<number, { min: bigint; max: bigint }>();
  private count = 0;

  add(partition: number, offset: string): void {
    let set = this.offsets.get(partition);
    if (!set) this.offsets.set(partition, (set = new Set()));
    if (set.has(offset)) return;
    set.add(offset);
    this.count++;
    const n = BigInt(offset);
    const b = this.bounds.get(partition);
    if (!b) this.bounds.set(partition, { min: n, max: n });
    else {
      if (n < b.min) b.min = n;
      if (n > b.max) b.max = n;
    }
  }

  get size(): number {
    return this.count;
  }

  ranges(): Map<number, OffsetRange> {
    return new Map([...this.bounds].map(([p, b]) => [p, { from: b.min.toString(), to: (b.max + 1n).toString() }]));
  }

  readonly include = (partition: number, offset: string): boolean => this.offsets.get(partition)?.has(offset) ?? false;
}

/** Writes the records to `file` as record lines; resolves with how many were written. */
export async function exportRecords(client: KafkaClient, options: ExportOptions): Promise<ExportResult> {
  const ranges = options.ranges ?? (await resolveRanges(client, options.topic, options.partitions, options.from ?? { kind: 'earliest' }, options.to ?? { kind: 'latest' }));
  let total = 0;
  for (const r of ranges.values()) total += Number(BigInt(r.to) - BigInt(r.from));
  const progress: ExportProgress = { written: 0, scanned: 0, total };
  const out = createWriteStream(options.file, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([e]) => {
    throw e as Error;
  });
  failed.catch(() => undefined);
  const interval = options.progressIntervalMs ?? 250;
  let lastProgress = 0;
  let reader: RangeReader | undefined;
  let cancelled = false;
  try {
    await Promise.race([once(out, 'open'), failed]);
    reader = await RangeReader.open(client, options.topic, options.isolation ?? 'read_committed');
    const result = await reader.read({ ranges, signal: options.signal }, {
      records: async (partition, messages) => {
        let chunk = '';
        for (const m of messages) {
          progress.scanned++;
          if (options.include && !options.include(partition, m.offset)) continue;
          chunk += `${toRecordLine({ topic: options.topic, partition, offset: m.offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value, headers: headersOf(m.headers) })}\n`;
          progress.written++;
        }
        // Back-pressure: wait for the disk when the stream's buffer is full.
        if (chunk && !out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
        const now = Date.now();
        if (options.onProgress && now - lastProgress >= interval) {
          lastProgress = now;
          options.onProgress({ ...progress });
        }
      },
    });
    cancelled = result.cancelled;
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (e) {
    out.destroy();
    await rm(options.file, { force: true });
    throw e;
  } finally {
    await reader?.close();
  }
  if (cancelled) await rm(options.file, { force: true });
  options.onProgress?.({ ...progress });
  return { ...progress, file: options.file, cancelled };
}
