/**
 * "Search topic…" from the viewer: the search runs over the topic itself (core/consume/search/
 * topicSearch.ts, read from the leaders, no group), not the viewer's buffer. Two short steps (the
 * search, the range), then a list that fills with matches as they are found, with progress in its
 * title; hiding it cancels the scan; picking a match opens that record in the viewer's grid.
 */
import * as vscode from 'vscode';
import { parseQuery } from '../../core/consume/search/query';
import { searchTopic, type TopicSearchMatch, type TopicSearchResult } from '../../core/consume/search/topicSearch';
import type { KafkaClient } from '../../core/kafka/client';
import type { Isolation } from '../../core/kafka/consumer';
import type { RangeBound } from '../../core/kafka/rangeReader';
import { log } from '../log';
import { Cancelled, QuickFlow, runSteps } from './consumeFlow';

export interface TopicSearchTarget {
  client: KafkaClient;
  topic: string;
  partitions?: number[];
  isolation: Isolation;
}

interface MatchItem extends vscode.QuickPickItem {
  match: TopicSearchMatch;
}

const HOUR = 3_600_000;

function itemOf(m: TopicSearchMatch): MatchItem {
  return {
    label: `partition ${m.partition} · offset ${m.offset}`,
    description: `${new Date(m.timestamp).toISOString()} · key ${m.keyPreview ?? 'null'}`,
    detail: m.valuePreview ?? 'null',
    match: m,
  };
}

function describe(r: TopicSearchResult): string {
  const how = r.status === 'limit' ? 'stopped at the match limit' : r.status === 'cancelled' ? 'cancelled' : 'done';
  return `${how}: ${r.matches.toLocaleString('en-US')} matches in ${r.scanned.toLocaleString('en-US')} records (${r.recordsPerSecond.toLocaleString('en-US')} records/s)${r.notes.length ? ` · ${r.notes.join(' ')}` : ''}`;
}

/**
 * Asks for the search and the range, scans, lists the matches; resolves with the one picked (if any).
 * A `range` (ms since the epoch, picked on the viewer's timeline) is the range: only the search is asked.
 */
export async function searchTopicInteractive(target: TopicSearchTarget, initialQuery: string, range?: { from: number; to: number }): Promise<TopicSearchMatch | undefined> {
  const flow = new QuickFlow(range ? `Search topic ${target.topic} from ${new Date(range.from).toISOString()} to ${new Date(range.to).toISOString()}` : `Search topic ${target.topic}`, range ? 1 : 2);
  let query = initialQuery;
  let from: RangeBound = range ? { kind: 'timestamp', timestamp: range.from } : { kind: 'earliest' };
  const to: RangeBound | undefined = range ? { kind: 'timestamp', timestamp: range.to } : undefined;
  try {
    await runSteps([
      async () => {
        query = await flow.input(1, 'Search the whole topic: text, /regex/, key:…, header:name=value, $.path == 42 (AND, OR, NOT)', query, (v) => {
          if (!v.trim()) return 'Enter what to search for.';
          try {
            parseQuery(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        });
      },
      async () => {
        if (range) return false;
        from = await flow.pick<RangeBound>(
          2,
          'Range to scan (up to the end as it is now)',
          [
            { label: 'Whole topic', description: 'from the earliest record kept', value: { kind: 'earliest' } },
            { label: 'Last hour', value: { kind: 'timestamp', timestamp: Date.now() - HOUR } },
            { label: 'Last 24 hours', value: { kind: 'timestamp', timestamp: Date.now() - 24 * HOUR } },
          ],
          undefined,
        );
      },
    ]);
  } catch (e) {
    if (e instanceof Cancelled) return undefined;
    throw e;
  }

  const list = vscode.window.createQuickPick<MatchItem>();
  list.title = `Searching ${target.topic} for ${query}`;
  list.placeholder = 'Matches appear as they are found; pick one to open it in the viewer';
  list.matchOnDescription = true;
  list.matchOnDetail = true;
  list.busy = true;
  list.ignoreFocusOut = true;
  const abort = new AbortController();
  const found: MatchItem[] = [];
  let shown = 0;
  // Items are handed over in batches: re-setting the list per match would be quadratic.
  const flush = () => {
    if (found.length !== shown) {
      shown = found.length;
      list.items = [...found];
    }
  };
  const timer = setInterval(flush, 250);
  const picked = new Promise<TopicSearchMatch | undefined>((resolve) => {
    list.onDidAccept(() => {
      const choice = list.selectedItems[0] ?? list.activeItems[0];
      if (choice) {
        resolve(choice.match);
        list.hide();
      }
    });
    list.onDidHide(() => {
      abort.abort();
      resolve(undefined);
    });
  });
  list.show();
  const run = searchTopic(target.client, {
    topic: target.topic,
    query,
    partitions: target.partitions,
    from,
    to,
    isolation: target.isolation,
    signal: abort.signal,
    onMatch: (m) => found.push(itemOf(m)),
    onProgress: (p) => {
      list.title = `Searching ${target.topic}: ${p.scanned.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} records · ${p.recordsPerSecond.toLocaleString('en-US')}/s · ${p.matches} matches`;
    },
  })
    .then((result) => {
      flush();
      list.busy = false;
      list.title = `${target.topic}: ${describe(result)}`;
      log().info(`topic search of ${target.topic} for ${query}: ${describe(result)}`);
    })
    .catch((e: unknown) => {
      list.busy = false;
      list.title = `Search of ${target.topic} failed: ${(e as Error).message}`;
    })
    .finally(() => clearInterval(timer));
  const match = await picked;
  await run;
  list.dispose();
  return match;
}
