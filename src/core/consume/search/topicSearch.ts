/**
 * Searches a topic itself (not the viewer's buffer): reads a range of chosen partitions straight
 * from the leaders (no consumer group, nothing committed), evaluates the search on every record
 * and hands matches over as they are found. Searches with a regular expression are evaluated in
 * the search worker with a time budget per batch, so a runaway pattern stops the search with a
 * message instead of freezing the extension host; the others run inline (linear time).
 */
import type { KafkaClient } from '../../kafka/client';
import { headersOf, type Isolation, type RawMessage } from '../../kafka/consumer';
import { KafkaWorkbenchError } from '../../kafka/errors';
import { topicPartitions } from '../../kafka/offsets';
import { RangeReader, resolveRanges, type PartitionPosition, type RangeBound } from '../../kafka/rangeReader';
import { BufferSearcher } from './bufferSearch';
import { compileQuery, compileRawQuery, requiredText, type SearchRecord } from './match';
import { hasRegex, parseQuery } from './query';

export interface TopicSearchOptions {
  topic: string;
  /** The search, in the viewer's syntax (query.ts). */
  query: string;
  /** Partitions to search; all when absent or empty. */
  partitions?: number[];
  /** Where to start (default: the earliest kept record) and stop (default: the end as it is when the search starts). */
  from?: RangeBound;
  to?: RangeBound;
  isolation?: Isolation;
  /** Stop after this many matches (default 1,000). */
  maxMatches?: number;
  signal?: AbortSignal;
  onMatch?(match: TopicSearchMatch): void;
  /** May return a promise: the scan waits for it (back-pressure for whoever shows the results). */
  onProgress?(progress: TopicSearchProgress): void | Promise<void>;
  /** Least time between progress calls (default 250 ms); one more comes at the end. */
  progressIntervalMs?: number;
  /** Time a batch of a regex search may take in the worker (default 5 s). */
  regexBudgetMs?: number;
  /** Bytes fetched per partition per round (default 1 MiB). */
  maxBytesPerPartition?: number;
  /** For tests: the search worker file. */
  workerPath?: string;
}

export interface TopicSearchMatch {
  partition: number;
  offset: string;
  timestamp: number;
  /** The first 200 characters of the key / value as UTF-8 text (open the record to see it whole). */
  keyPreview: string | null;
  valuePreview: string | null;
  headerCount: number;
  valueBytes: number;
}

export interface TopicSearchProgress {
  scanned: number;
  /** Records in the range (an upper bound: compaction and transaction markers leave gaps). */
  total: number;
  matches: number;
  recordsPerSecond: number;
  partitions: PartitionPosition[];
}

export interface TopicSearchResult {
  status: 'done' | 'cancelled' | 'limit';
  scanned: number;
  matches: number;
  elapsedMs: number;
  recordsPerSecond: number;
  partitions: PartitionPosition[];
  /** Things the user should know: records skipped by retention, partitions added meanwhile. */
  notes: string[];
}

const PREVIEW = 200;

function text(b: Buffer | null | undefined): string | null {
  return b ? b.toString('utf8') : null;
}

function cut(s: string | null): string | null {
  return s !== null && s.length > PREVIEW ? `${s.slice(0, PREVIEW)}…` : s;
}

function searchRecord(partition: number, m: RawMessage): SearchRecord {
  return {
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: text(m.key),
    value: text(m.value),
    headers: headersOf(m.headers).map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
  };
}

/** Runs one topic search to its end, the match limit, or cancellation. Throws for a search that does not parse (QuerySyntaxError). */
export async function searchTopic(client: KafkaClient, options: TopicSearchOptions): Promise<TopicSearchResult> {
  const parsed = parseQuery(options.query);
  const inWorker = hasRegex(parsed);
  // Byte-level when the query allows it (no text decoded per record), else on decoded text.
  const rawMatcher = inWorker ? undefined : compileRawQuery(parsed);
  const matcher = inWorker || rawMatcher ? undefined : compileQuery(parsed);
  const prefilterText = requiredText(parsed);
  const maxMatches = options.maxMatches ?? 1_000;
  if (!(maxMatches > 0)) throw new KafkaWorkbenchError('The match limit must be 1 or more.', 'invalid-input');
  const partitionsAtStart = await topicPartitions(client, options.topic);
  const ranges = await resolveRanges(client, options.topic, options.partitions, options.from ?? { kind: 'earliest' }, options.to ?? { kind: 'latest' });
  let total = 0;
  for (const r of ranges.values()) total += Number(BigInt(r.to) - BigInt(r.from));

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop.abort();
  const started = performance.now();
  let scanned = 0;
  let matches = 0;
  let limited = false;
  let lastProgress = 0;
  const interval = options.progressIntervalMs ?? 250;
  const rate = () => Math.round(scanned / Math.max(0.001, (performance.now() - started) / 1000));
  const searcher = inWorker ? new BufferSearcher(options.workerPath) : undefined;
  const reader = await RangeReader.open(client, options.topic, options.isolation ?? 'read_committed');
  let positions: PartitionPosition[] = [...ranges].map(([partition, r]) => ({ partition, position: r.from, from: r.from, to: r.to, done: false, skipped: '0' }));

  const tick = async () => {
    const now = performance.now();
    if (options.onProgress && now - lastProgress >= interval) {
      lastProgress = now;
      const held = options.onProgress({ scanned, total, matches, recordsPerSecond: rate(), partitions: reader.positions() });
      if (held) await held;
    }
  };

  const found = (partition: number, m: RawMessage, r?: SearchRecord) => {
    if (matches >= maxMatches) return;
    matches++;
    options.onMatch?.({
      partition,
      offset: m.offset,
      timestamp: Number(m.timestamp),
      keyPreview: cut(r ? r.key : text(m.key)),
      valuePreview: cut(r ? r.value : text(m.value)),
      headerCount: headersOf(m.headers).length,
      valueBytes: m.value?.length ?? 0,
    });
    if (matches >= maxMatches) {
      limited = true;
      stop.abort();
    }
  };

  try {
    const result = await reader.read(
      { ranges, signal: stop.signal, maxBytesPerPartition: options.maxBytesPerPartition, prefilter: prefilterText === undefined ? undefined : Buffer.from(prefilterText, 'utf8') },
      {
        skipped: async (_, count) => {
          scanned += count;
          await tick();
        },
        records: async (partition, messages) => {
          if (stop.signal.aborted) return;
          if (rawMatcher) {
            for (const m of messages) {
              if (rawMatcher(partition, m)) {
                found(partition, m);
                if (stop.signal.aborted) break;
              }
            }
          } else if (matcher) {
            for (const m of messages) {
              const r = searchRecord(partition, m);
              if (matcher(r)) {
                found(partition, m, r);
                if (stop.signal.aborted) break;
              }
            }
          } else {
            const records = messages.map((m, i) => [i, searchRecord(partition, m)] as [number, SearchRecord]);
            const outcome = await searcher!.search(options.query, records, { budgetMs: options.regexBudgetMs ?? 5_000, signal: stop.signal, chunkSize: 5_000 });
            if (outcome.status === 'timeout') {
              throw new KafkaWorkbenchError(`Search of ${options.topic} stopped at partition ${partition}, offset ${messages[0].offset}: ${outcome.message}`, 'other');
            }
            for (const i of outcome.matches) found(partition, messages[i], records[i][1]);
          }
          scanned += messages.length;
          await tick();
        },
      },
    );
    positions = result.positions;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    searcher?.dispose();
    await reader.close();
  }

  const notes: string[] = [];
  for (const p of positions) {
    if (p.skipped !== '0') notes.push(`Partition ${p.partition}: ${p.skipped} records were deleted by retention while the search ran and could not be searched.`);
  }
  const partitionsNow = await topicPartitions(client, options.topic).catch(() => partitionsAtStart);
  if (partitionsNow.length > partitionsAtStart.length && !options.partitions?.length) {
    notes.push(`Partitions ${partitionsNow.filter((p) => !partitionsAtStart.includes(p)).join(', ')} were added while the search ran and were not searched: search again to include them.`);
  }
  const elapsedMs = Math.round(performance.now() - started);
  const status = limited ? 'limit' : options.signal?.aborted ? 'cancelled' : 'done';
  if (status === 'limit') notes.push(`Stopped at the limit of ${maxMatches} matches: narrow the search or raise the limit to see more.`);
  await options.onProgress?.({ scanned, total, matches, recordsPerSecond: rate(), partitions: positions });
  return { status, scanned, matches, elapsedMs, recordsPerSecond: rate(), partitions: positions, notes };
}
