import type { SearchRecord } from './match';

/** Main thread → search worker. */
export interface SearchChunk {
  id: number;
  /** The search text: the worker parses and compiles it once per text. */
  query: string;
  records: SearchRecord[];
}

/** Search worker → main thread: indexes (into the chunk) of the records that match. */
export type SearchChunkResult = { id: number; matches: number[] } | { id: number; error: string };
