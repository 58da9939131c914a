/**
 * The search worker (bundled on its own as searchWorker.js beside the extension and test bundles):
 * evaluates a search over chunks of records off the extension host's main thread, so a slow or
 * pathological regular expression can be stopped (Worker.terminate) without freezing VS Code.
 */
import { parentPort } from 'node:worker_threads';
import { compileQuery, type RecordMatcher } from './match';
import type { SearchChunk, SearchChunkResult } from './protocol';
import { parseQuery } from './query';

let compiled: { query: string; matcher: RecordMatcher } | undefined;

parentPort?.on('message', (chunk: SearchChunk) => {
  let reply: SearchChunkResult;
  try {
    if (compiled?.query !== chunk.query) compiled = { query: chunk.query, matcher: compileQuery(parseQuery(chunk.query)) };
    const { matcher } = compiled;
    const matches: number[] = [];
    for (let i = 0; i < chunk.records.length; i++) if (matcher(chunk.records[i])) matches.push(i);
    reply = { id: chunk.id, matches };
  } catch (e) {
    reply = { id: chunk.id, error: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
