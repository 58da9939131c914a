// The runtime shape of every message the consume viewer webview may post (protocol.ts ViewerRequest).
// The compiler checks this schema against protocol.ts; the host drops anything that does not fit, so
// a forged `commit` cannot name a partition or offset that is not a number.
import type { FilterValues, SourceValues, ViewerRequest } from '../../../webview/src/consume/protocol';
import { bool, int, matching, nullable, num, object, oneOf, optional, str, type MessageSchema, type Shape } from '../webviews/messageGuard';

const text = str(4096);
const seq = int();

const filter: Shape<FilterValues> = { partitions: text, key: text, text: str(64 * 1024), regex: bool(), from: text, to: text };

const source: Shape<SourceValues> = {
  start: oneOf(['newest', 'earliest', 'latest', 'offset', 'timestamp', 'committed']),
  startValue: text,
  partitions: text,
  group: text,
  commit: oneOf(['automatic', 'manual', 'afterDisplay']),
  isolation: oneOf(['read_committed', 'read_uncommitted']),
  keyFormat: str(64),
  valueFormat: str(64),
};

export const VIEWER_REQUEST_SCHEMA: MessageSchema<ViewerRequest> = {
  ready: {},
  pause: {},
  resume: {},
  stop: {},
  clear: {},
  commit: { upTo: optional(object({ partition: int(), offset: matching(/^\d{1,19}$/, 'an offset (digits)') })) },
  filter: { filter: object(filter) },
  select: { seq },
  export: {},
  searchTopic: { query: str(64 * 1024) },
  copy: { seq },
  openInEditor: { seq },
  produceSimilar: { seq },
  saveAsKafka: { seq },
  restart: { source: object(source) },
  sort: { sort: nullable(object({ column: oneOf(['partition', 'offset', 'timestamp', 'key', 'value', 'headers', 'size']), descending: bool() })) },
  window: { from: num(), size: num(), follow: bool() },
  displayed: { upToSeq: int() },
  timeline: { buckets: int() },
  timelineBrush: { from: num(), to: num(), use: oneOf(['start', 'search']), query: str(64 * 1024) },
};
