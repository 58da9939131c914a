/**
 * Every message between the consume viewer webview and the extension host. Types only; both bundles
 * import it. The host keeps the records; the webview gets the count and the page of rows in view,
 * batched on a timer, and the full record only when one is selected.
 * Everything in a row or record came from Kafka: the webview renders it as text, never as HTML.
 */

export type CommitMode = 'automatic' | 'manual' | 'afterDisplay';

export interface Row {
  seq: number;
  partition: number;
  offset: string;
  timestamp: number;
  keyPreview: string | null;
  valuePreview: string | null;
  decodeError?: string;
  headerCount: number;
  valueBytes: number;
}

export interface DecodedText {
  text: string;
  format: string;
  error?: string;
}

export interface RecordDetails {
  seq: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  key: DecodedText | null;
  value: DecodedText | null;
  /** `binary`: the header value is not UTF-8 and `value.text` is its hex. */
  headers: { key: string; value: DecodedText | null; binary?: boolean }[];
  valueBytes: number;
  /** Why the key or value shown is not whole: the buffer kept a preview (being read back), or it is too large for the pane. */
  partial?: string;
}

export interface FilterValues {
  /** Comma-separated partition numbers; empty: all. */
  partitions: string;
  key: string;
  /** The search box: searched in values and header values. */
  text: string;
  regex: boolean;
  /** ISO date-time or empty. */
  from: string;
  to: string;
}

export interface PartitionStatus {
  partition: number;
  low: string;
  high: string;
  position?: string;
  committed?: string;
  lag?: string;
}

export type ViewerState = 'starting' | 'live' | 'paused' | 'rebalancing' | 'reconnecting' | 'stopped';

export type StartKind = 'newest' | 'earliest' | 'latest' | 'offset' | 'timestamp' | 'committed';

/** Where the tail reads from and how it decodes: the viewer's source bar; changing it restarts the tail. */
export interface SourceValues {
  start: StartKind;
  /** newest: records per partition; offset: one offset or partition:offset pairs; timestamp: a date-time. */
  startValue: string;
  /** Comma-separated partition numbers; empty: all. */
  partitions: string;
  /** Empty: no group. */
  group: string;
  commit: CommitMode;
  isolation: 'read_committed' | 'read_uncommitted';
  keyFormat: string;
  valueFormat: string;
}

/** The timeline strip's counts (src/core/kafka/timeline.ts), as the chart needs them. */
export interface TimelineView {
  from: number;
  to: number;
  bucketMs: number;
  /** The chosen partitions (empty: all of the topic's). */
  partitions: number[];
  buckets: { start: number; end: number; count: number }[];
  total: number;
  /** Records kept before the first bucket / after the last one. */
  before: number;
  after: number;
}

/** What a range dragged on the timeline does: restart the tail from its start, or search the topic in it. */
export type TimelineBrushUse = 'start' | 'search';

export type SortColumn = 'partition' | 'offset' | 'timestamp' | 'key' | 'value' | 'headers' | 'size';

export interface ViewerInit {
  connectionName: string;
  topic: string;
  /** The tab's title ("Consume: orders (2)" for a second viewer of one topic). */
  title: string;
  /** Human summary of the choices: start, partitions, group, isolation, formats. */
  summary: string;
  groupId?: string;
  commitMode?: CommitMode;
  capacity: number;
  filter: FilterValues;
  source: SourceValues;
  /** Deserializers to choose from in the source bar. */
  formats: { name: string; label: string }[];
  /** The topic's partitions when the viewer opened. */
  partitions: number[];
  timeZone: 'local' | 'utc';
  detailsPosition: 'right' | 'below' | 'auto';
}

/** Webview → host. */
export type ViewerRequest =
  | { type: 'ready' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'clear' }
  /** Without upTo: through the last record shown in every partition. */
  | { type: 'commit'; upTo?: { partition: number; offset: string } }
  | { type: 'filter'; filter: FilterValues }
  | { type: 'select'; seq: number }
  | { type: 'export' }
  /** Search the topic itself (not the buffer), starting from what the search box holds. */
  | { type: 'searchTopic'; query: string }
  | { type: 'copy'; seq: number }
  | { type: 'openInEditor'; seq: number }
  | { type: 'produceSimilar'; seq: number }
  /** A PRODUCER block that sends this record again, added to a .kafka file the user picks. */
  | { type: 'saveAsKafka'; seq: number }
  /** Restart the tail in place with these choices. */
  | { type: 'restart'; source: SourceValues }
  /** Sort the buffered rows by a column (a snapshot); null: arrival order, following the tail. */
  | { type: 'sort'; sort: { column: SortColumn; descending: boolean } | null }
  /** The rows the table shows (a screenful plus overscan); follow: stay on the newest rows. */
  | { type: 'window'; from: number; size: number; follow: boolean }
  /** The webview has drawn the update made at this seq (after-display commits go up to it). */
  | { type: 'displayed'; upToSeq: number }
  /** Count the topic's records per time bucket (about `buckets` of them) for the timeline strip. */
  | { type: 'timeline'; buckets: number }
  /** A range picked on the timeline (ms since the epoch), used as `use` says; `query`: the search box, for a topic search. */
  | { type: 'timelineBrush'; from: number; to: number; use: TimelineBrushUse; query: string };

/** Host → webview. */
export type ViewerMessage =
  | { type: 'init'; init: ViewerInit }
  /**
   * The table: `count` matching records, and rows from index `from` (the page in view). `dropped`
   * rows left the front since the last update (the cap), so a scrolled view can keep its place.
   */
  | { type: 'view'; reset: boolean; count: number; dropped: number; from: number; rows: Row[]; upToSeq: number; sorted?: boolean }
  | {
      type: 'stats';
      state: ViewerState;
      message?: string;
      recordsPerSecond: number;
      received: number;
      buffered: number;
      evicted: number;
    }
  | { type: 'partitions'; partitions: PartitionStatus[]; committedAt?: number }
  | { type: 'details'; record: RecordDetails | undefined }
  /** How the last search went: a syntax error (with its position), a time-out, or the matches found. */
  | { type: 'search'; error?: string; matches?: number; scanned?: number; elapsedMs?: number }
  | { type: 'notice'; kind: 'info' | 'error'; text: string }
  /** Select (and scroll to) the row at this index: a record opened from the topic search. */
  | { type: 'reveal'; index: number }
  /** The timeline's counts, or why they could not be had. */
  | { type: 'timeline'; timeline?: TimelineView; error?: string };
