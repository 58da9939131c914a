/**
 * Runs a search over records (the viewer's buffer) in a worker thread with a time budget. The
 * main thread only parses the query, copies chunks of records across and collects the matching
 * seqs; between chunks it yields, so the extension host keeps serving everything else. When the
 * budget runs out the worker is terminated (the only way to stop a regex stuck in backtracking)
 * and the search reports a time-out; the next search starts a fresh worker.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SearchRecord } from './match';
import type { SearchChunk, SearchChunkResult } from './protocol';
import { parseQuery } from './query';

export interface BufferSearchOptions {
  /** Time the whole search may take (default 5 s); past it the worker is stopped. */
  budgetMs?: number;
  signal?: AbortSignal;
  /** Records per chunk sent to the worker (default 2,000). */
  chunkSize?: number;
  onProgress?(scanned: number): void;
}

export type BufferSearchResult =
  | { status: 'done'; matches: number[]; scanned: number; elapsedMs: number }
  /** Stopped at the budget: `matches` holds those found before; the message says what to do. */
  | { status: 'timeout'; matches: number[]; scanned: number; elapsedMs: number; message: string }
  | { status: 'cancelled'; matches: number[]; scanned: number; elapsedMs: number };

/**
 * Where the worker bundle is: beside the bundle running this code (dist/extension.js →
 * dist/searchWorker.js) or up to three folders above (out/test/core/*.js → out/searchWorker.js).
 */
export function defaultWorkerPath(): string {
  let dir = __dirname;
  for (let up = 0; up < 4; up++) {
    const candidate = join(dir, 'searchWorker.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`searchWorker.js was not found beside ${__dirname} or above it: run the build (node scripts/build.mjs).`);
}

/** Keeps the fields a search reads (a TailRecord also has sizes and errors the worker needs not copy). */
function slim(r: SearchRecord): SearchRecord {
  return { partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) };
}

/** One reusable worker; a search that times out or is cancelled replaces it. Dispose when done. */
export class BufferSearcher {
  private worker: Worker | undefined;
  private nextId = 0;
  private busy = false;

  constructor(private readonly workerPath: string = defaultWorkerPath()) {}

  private ensureWorker(): Worker {
    if (!this.worker) {
      this.worker = new Worker(this.workerPath);
      this.worker.unref();
    }
    return this.worker;
  }

  private kill(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }

  /**
   * Searches `records` ([seq, record] pairs, e.g. `session.buffer.range()`) and resolves with the
   * seqs that match. Throws QuerySyntaxError (with the position) at once for a search that does
   * not parse. One search at a time per searcher: start another after this one settles.
   */
  async search(query: string, records: Iterable<[number, SearchRecord]>, options: BufferSearchOptions = {}): Promise<BufferSearchResult> {
    parseQuery(query); // syntax errors on the caller's thread, with their position
    if (this.busy) throw new Error('A search is already running on this searcher: cancel it (its signal) or wait for it.');
    this.busy = true;
    const budget = options.budgetMs ?? 5_000;
    const chunkSize = options.chunkSize ?? 2_000;
    const started = performance.now();
    const matches: number[] = [];
    let scanned = 0;
    const elapsed = () => Math.round(performance.now() - started);
    const worker = this.ensureWorker();
    let stop: ((why: 'timeout' | 'cancelled') => void) | undefined;
    const stopped = new Promise<'timeout' | 'cancelled'>((resolve) => (stop = resolve));
    const timer = setTimeout(() => stop!('timeout'), budget);
    const onAbort = () => stop!('cancelled');
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) onAbort();
    try {
      const iterator = records[Symbol.iterator]();
      for (;;) {
        const seqs: number[] = [];
        const batch: SearchRecord[] = [];
        for (let n = iterator.next(); !n.done; n = iterator.next()) {
          seqs.push(n.value[0]);
          batch.push(slim(n.value[1]));
          if (batch.length >= chunkSize) break;
        }
        if (batch.length === 0) break;
        const id = this.nextId++;
        const reply = new Promise<SearchChunkResult>((resolve, reject) => {
          const onMessage = (m: SearchChunkResult) => {
            if (m.id !== id) return;
            worker.off('message', onMessage);
            worker.off('error', reject);
            resolve(m);
          };
          worker.on('message', onMessage);
          worker.once('error', reject);
        });
        worker.postMessage({ id, query, records: batch } satisfies SearchChunk);
        const outcome = await Promise.race([reply, stopped]);
        if (outcome === 'timeout' || outcome === 'cancelled') {
          this.kill();
          if (outcome === 'cancelled') return { status: 'cancelled', matches, scanned, elapsedMs: elapsed() };
          return {
            status: 'timeout',
            matches,
            scanned,
            elapsedMs: elapsed(),
            message: `The search was stopped after ${budget} ms with ${scanned} records searched: a regular expression that backtracks (such as (a+)+$) or a very large buffer. Simplify the pattern (avoid nested repeats), or narrow it with key:, partition: or header: terms.`,
          };
        }
        if ('error' in outcome) throw new Error(`The search failed: ${outcome.error}`);
        for (const i of outcome.matches) matches.push(seqs[i]);
        scanned += batch.length;
        options.onProgress?.(scanned);
      }
      return { status: 'done', matches, scanned, elapsedMs: elapsed() };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.busy = false;
    }
  }

  dispose(): void {
    this.kill();
  }
}
