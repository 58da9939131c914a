import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { RecordFilter } from '../../core/consume/filter';
import { exportRecords, RecordSelection } from '../../core/consume/export';
import { decode, deserializer } from '../../core/consume/deserializers';
import { fetchRecord } from '../../core/kafka/recordFetch';
import { topicTimeline } from '../../core/kafka/timeline';
import { saveRecordAsKafka, type SavedBlock } from '../kafkaFile/saveAsKafka';
import { decodedOf, rowOf, type TailRecord } from '../../core/consume/tailRecord';
import { TailSession, type TailSessionOptions, type TailStats, type ViewUpdate } from '../../core/consume/tailSession';
import type { PartitionProgress, SkippedRecords, TailState } from '../../core/kafka/consumer';
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { BufferSearcher, type BufferSearchResult } from '../../core/consume/search/bufferSearch';
import { compileQuery } from '../../core/consume/search/match';
import { hasRegex, parseQuery } from '../../core/consume/search/query';
import type { FilterValues, RecordDetails, SortColumn, SourceValues, ViewerInit, ViewerMessage, ViewerRequest } from '../../../webview/src/consume/protocol';
import { deserializers } from '../../core/consume/deserializers';
import { consumeSettings } from './consumeSettings';
import { requestFromSource, sourceOf } from './consumeSource';
import { openRecordDocument } from './recordDocuments';
import { searchTopicInteractive } from './topicSearchUi';
import { prettyJson } from '../../../webview/src/consume/prettyJson';
import { showError } from '../commands';
import type { ProducePrefill } from '../produce/produceForm';
import { produceChoiceFor, type AvroConsumeChoice } from './avroConsume';
import { AUTO_DESERIALIZER, isAutoDeserializer } from './autoFormat';
import { schemaProduceChoiceFor, type SchemaFormatConsumeOptions } from './schemaFormatsConsume';
import { log } from '../log';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { onCheckedMessage } from '../webviews/messageGuard';
import { VIEWER_REQUEST_SCHEMA } from './viewerSchema';

export interface ConsumeRequest extends TailSessionOptions {
  connectionName: string;
  /** With an Avro value: the schemas chosen (remembered per topic; loaded before the viewer opens). */
  avro?: AvroConsumeChoice;
  /** The same for an Avro key. */
  keyAvro?: AvroConsumeChoice;
  /** Protobuf and JSON Schema files chosen for raw records (the registry is used otherwise). */
  schemaFormats?: SchemaFormatConsumeOptions;
  /** How the key and value deserializers are described in the viewer when their names alone do not say it. */
  keyDescription?: string;
  valueDescription?: string;
  /** Started at the newest N records of each partition (`start` then holds the offsets that meant). */
  newest?: number;
}

/** What a viewer needs from the command layer to (re)start a tail: deserializers bound, "newest" resolved. */
export interface ViewerDeps {
  prepare(request: ConsumeRequest): Promise<ConsumeRequest>;
  /** The topic's partitions (for the source bar and offset lists). */
  partitions: number[];
}

/**
 * What "Consume from Offset" returns: a live handle on the viewer it opened, for scripts and tests
 * (and for the webview's host side). Every method acts on the real consumer and buffer.
 */
export interface ConsumeViewerHandle {
  readonly id: string;
  readonly connectionName: string;
  readonly topic: string;
  /** The consumer group read through; empty for a "no group" viewer (it reads the partitions directly). */
  readonly groupId: string;
  readonly throwaway: boolean;
  /** The tab's title: "Consume: topic", numbered from the second viewer of one topic on. */
  readonly title: string;
  /** The choices the tail runs with now, as the viewer's source bar shows them. */
  source(): SourceValues;
  /** Restarts the tail in place with changed choices (what the source bar does). */
  restart(source: Partial<SourceValues>): Promise<void>;
  stats(): TailStats;
  /** Partitions the group gave this viewer (all chosen ones without a group). */
  assignedPartitions(): number[];
  /** The records in the host's buffer (after the cap), oldest first. */
  records(): TailRecord[];
  /** Rows the webview reported it has drawn (for after-display commits), by seq. */
  displayedUpToSeq(): number;
  waitForReceived(count: number, timeoutMs: number): Promise<void>;
  commit(upTo?: { partition: number; offset: string }): Promise<Record<number, string>>;
  progress(): Promise<PartitionProgress[]>;
  pause(): void;
  resume(): void;
  setFilter(filter: RecordFilter): void;
  /** Runs a search (the search language) over the buffer in the worker, as the search box does. */
  search(query: string, budgetMs?: number): Promise<BufferSearchResult | undefined>;
  exportJsonLines(path: string): Promise<number>;
  /** "Save as .kafka" on a record: a PRODUCER block that sends it again, added to `target` (else the user picks a file). */
  saveAsKafka(record: Pick<TailRecord, 'partition' | 'offset'>, target?: vscode.Uri): Promise<SavedBlock | undefined>;
  /** Closes the panel: stops the consumer and leaves the group. */
  close(): Promise<void>;
  readonly closed: Promise<void>;
}

const viewers = new Map<string, ConsumeViewer>();

/** The viewers open now (several can be, on the same or different topics). */
export function openViewers(): ConsumeViewerHandle[] {
  return [...viewers.values()].map((v) => v.handle);
}

/** A search-language string for a term typed in a field: quoted unless it is one plain word. */
function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The search box and the filter bar as one query in the search language (src/core/consume/search):
 * the box is the query itself (or a regular expression with the toggle), the bar's fields become
 * partition:, key:, and timestamp terms ANDed to it.
 */
export function queryOf(f: FilterValues): string {
  const terms: string[] = [];
  const text = f.text.trim();
  if (text) terms.push(f.regex ? `/${text.replace(/\//g, '\\/')}/` : `(${text})`);
  const partitions = f.partitions.split(/[\s,]+/).filter(Boolean);
  if (partitions.length) terms.push(`partition:${partitions.join(',')}`);
  if (f.key.trim()) terms.push(`key:${quoted(f.key.trim())}`);
  if (f.from.trim()) terms.push(`timestamp>=${f.from.trim()}`);
  if (f.to.trim()) terms.push(`timestamp<=${f.to.trim()}`);
  return terms.join(' AND ');
}

function describeRequest(r: ConsumeRequest): string {
  const start =
    r.newest !== undefined
      ? `the newest ${r.newest} per partition`
      : r.start.kind === 'offset'
      ? `offset ${typeof r.start.offset === 'string' ? r.start.offset : Object.entries(r.start.offset).map(([p, o]) => `${p}:${o}`).join(', ')}`
      : r.start.kind === 'timestamp'
        ? `time ${new Date(r.start.timestamp).toISOString()}`
        : r.start.kind === 'committed'
          ? 'committed offset'
          : r.start.kind;
  const parts = r.partitions?.length ? `partitions ${r.partitions.join(', ')}` : 'all partitions';
  const group = r.group ? `group ${r.group.groupId} (${r.group.commit === 'afterDisplay' ? 'commit after display' : `${r.group.commit} commit`})` : 'no group';
  return `from ${start} · ${parts} · ${group} · ${r.isolation} · key ${r.keyDescription ?? r.keyFormat}, value ${r.valueDescription ?? r.valueFormat}`;
}

/** The tab title for a new viewer: the second viewer of one topic is told apart by a number. */
function titleFor(topic: string, connectionName: string): string {
  const taken = new Set([...viewers.values()].filter((v) => v.request.topic === topic).map((v) => v.title));
  const others = [...viewers.values()].some((v) => v.request.topic === topic && v.request.connectionName !== connectionName);
  const base = others ? `Consume: ${topic} (${connectionName})` : `Consume: ${topic}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`;
}

type SortSpec = { column: SortColumn; descending: boolean };

function compareBy(column: SortColumn): (a: TailRecord, b: TailRecord) => number {
  const text = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1);
  switch (column) {
    case 'partition':
      return (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset);
    case 'offset':
      return (a, b) => Number(a.offset) - Number(b.offset) || a.partition - b.partition;
    case 'timestamp':
      return (a, b) => a.timestamp - b.timestamp;
    case 'key':
      return (a, b) => text(a.key, b.key);
    case 'value':
      return (a, b) => text(a.value, b.value);
    case 'headers':
      return (a, b) => a.headers.length - b.headers.length;
    case 'size':
      return (a, b) => a.valueBytes - b.valueBytes;
  }
}

class ConsumeViewer {
  readonly id = randomUUID();
  private panel!: vscode.WebviewPanel;
  private session!: TailSession;
  /** Bumped on every (re)start: updates from a replaced session are ignored. */
  private generation = 0;
  private ready = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private progressBusy = false;
  private displayedSeq = -1;
  private committingDisplayed: Promise<void> | undefined;
  private displayedCommitPending = false;
  private displayedScanned = 0;
  private lastDisplayedCommit = '';
  private displayedRetry: NodeJS.Timeout | undefined;
  private displayedRetryMs = 0;
  private readonly displayedUpTo = new Map<number, string>();
  /** While sorted: the matching seqs in sort order (a snapshot), and the rows the table shows. */
  private sort: SortSpec | undefined;
  private sorted: number[] = [];
  private sortWindow = { from: 0, size: 100 };
  private resolveClosed!: () => void;
  readonly closedPromise = new Promise<void>((r) => (this.resolveClosed = r));
  private disposed = false;
  private restarting: Promise<void> | undefined;
  /** The search box's worker (created on the first search) and the search running in it. */
  private searcher: BufferSearcher | undefined;
  private searching: Promise<unknown> | undefined;
  private searchAbort: AbortController | undefined;
  private searchBusy = false;
  /** The timeline count running (a newer request or closing the viewer cancels it). */
  private timelineAbort: AbortController | undefined;
  /** A regex search: new records are searched in the worker too, from this seq on. */
  private regexSearch: { query: string; from: number } | undefined;
  readonly title: string;
  handle!: ConsumeViewerHandle;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: KafkaClient,
    public request: ConsumeRequest,
    private readonly deps: ViewerDeps,
  ) {
    this.title = titleFor(request.topic, request.connectionName);
  }

  private makeHandle(): ConsumeViewerHandle {
    // Getters: the session (and so the group) is replaced when the tail restarts.
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    return {
      id: this.id,
      connectionName: this.request.connectionName,
      topic: this.request.topic,
      get groupId() {
        return self.session.groupId;
      },
      get throwaway() {
        return self.session.topicTail.throwaway;
      },
      title: this.title,
      source: () => sourceOf(this.request),
      restart: (source) => this.restart({ ...sourceOf(this.request), ...source }),
      stats: () => this.session.stats(),
      assignedPartitions: () => this.session.topicTail.assignedPartitions(),
      records: () => [...this.session.buffer.range()].map(([, r]) => r),
      displayedUpToSeq: () => this.displayedSeq,
      waitForReceived: (count, timeoutMs) => this.session.waitForReceived(count, timeoutMs),
      commit: async (upTo) => Object.fromEntries(await this.commit(upTo)),
      progress: () => this.session.progress(),
      pause: () => this.session.pause(),
      resume: () => this.session.resume(),
      setFilter: (filter) => this.session.setFilter(filter),
      search: (query, budgetMs) => this.search(query, budgetMs),
      exportJsonLines: (path) => this.exportTo(path),
      saveAsKafka: (record, target) => saveRecordAsKafka(this.client, this.request, record, target),
      close: async () => {
        if (!this.disposed) this.panel.dispose();
        await this.closedPromise;
      },
      closed: this.closedPromise,
    };
  }

  private async startSession(request: ConsumeRequest): Promise<TailSession> {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.disposed;
    const sink = {
      get visible() {
        return false;
      },
      view: (update: ViewUpdate) => {
        if (current() && !this.sort) this.post({ type: 'view', ...update });
      },
      state: (state: TailState) => {
        if (current()) this.onState(state);
      },
      skipped: (skip: SkippedRecords) => {
        if (!current()) return;
        const text = `Partition ${skip.partition}: ${BigInt(skip.count).toLocaleString('en-US')} records (offsets ${skip.from}–${BigInt(skip.to) - 1n}) were deleted by retention before this viewer read them; it went on from offset ${skip.to}.`;
        log().warn(`${this.request.topic}: ${text}`);
        this.notice('error', text);
      },
      partitionsAdded: (added: number[]) => {
        if (!current()) return;
        const text = `Partition${added.length > 1 ? 's' : ''} ${added.join(', ')} added to ${this.request.topic}: read too, from ${added.length > 1 ? 'their' : 'its'} start.`;
        log().info(text);
        this.notice('info', text);
        void this.postProgress();
      },
    };
    Object.defineProperty(sink, 'visible', { get: () => current() && this.isVisible() });
    // The byte budget is read at each (re)start, so a changed setting applies to the next tail.
    return TailSession.start(this.client, { maxBytes: consumeSettings.bufferBytes(), ...request }, sink);
  }

  async open(): Promise<void> {
    this.session = await this.startSession(this.request);
    this.handle = this.makeHandle();
    log().info(`consuming ${this.request.topic} on "${this.request.connectionName}": ${describeRequest(this.request)}${this.session.groupId ? ` (group ${this.session.groupId})` : ''}`);
    this.panel = vscode.window.createWebviewPanel(
      'kafkaWorkbench.consumeViewer',
      this.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: webviewRoots(this.extensionUri) },
    );
    this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, 'consume', this.panel.title);
    onCheckedMessage(this.panel.webview, VIEWER_REQUEST_SCHEMA, 'consume viewer', log(), (m) => void this.onMessage(m).catch((e: unknown) => this.notice('error', messageOf(e))));
    this.panel.onDidChangeViewState(() => {
      // A hidden webview is discarded; when it shows again it says "ready" and gets everything again.
      if (!this.disposed && !this.panel.visible) this.ready = false;
    });
    this.panel.onDidDispose(() => void this.dispose());
    this.timers.push(setInterval(() => this.postStats(), 500));
    this.timers.push(setInterval(() => this.searchNewRecords(), 500));
    this.timers.push(setInterval(() => void this.postProgress(), 2000));
    viewers.set(this.id, this);
  }

  /**
   * Restarts the tail in place with new choices: the old consumer stops (leaving its group), a new
   * one starts, the table starts over. If the new choices cannot start, the old ones start again.
   */
  async restart(source: SourceValues, overrides: Partial<ConsumeRequest> = {}): Promise<void> {
    while (this.restarting) await this.restarting;
    const run = async () => {
      const previous = this.request;
      const next = await this.deps.prepare({ ...requestFromSource(source, previous, this.deps.partitions, consumeSettings.autoCommitIntervalMs()), ...overrides });
      await this.committingDisplayed;
      await this.session.stop();
      this.resetDisplayed();
      this.sort = undefined;
      this.searchAbort?.abort();
      this.regexSearch = undefined;
      try {
        this.session = await this.startSession(next);
        this.request = next;
      } catch (e) {
        this.session = await this.startSession(previous);
        throw e;
      } finally {
        if (this.ready) this.post({ type: 'init', init: this.init() });
        this.session.resend();
        this.session.flush();
        this.postStats();
      }
      log().info(`restarted the viewer of ${this.request.topic}: ${describeRequest(this.request)}${this.session.groupId ? ` (group ${this.session.groupId})` : ''}`);
    };
    this.restarting = run().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  private resetDisplayed(): void {
    this.displayedSeq = -1;
    this.displayedScanned = 0;
    this.lastDisplayedCommit = '';
    this.displayedUpTo.clear();
  }

  /** A disposed panel throws on every access, so ask it only while it lives. */
  private isVisible(): boolean {
    return !this.disposed && this.ready && this.panel?.visible === true;
  }

  private post(message: ViewerMessage): void {
    if (!this.disposed) this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private notice(kind: 'info' | 'error', text: string): void {
    this.post({ type: 'notice', kind, text });
  }

  private onState(state: TailState): void {
    if (state.state === 'stopped' && state.error) {
      log().warn(`consumer of ${this.request.topic} stopped: ${state.error.message}`);
      if (!this.disposed) void showError(state.error, `Consuming ${this.request.topic}`);
    }
    if (state.state === 'reconnecting') log().warn(`consumer of ${this.request.topic} lost the cluster, reconnecting: ${state.message}`);
    if (state.state === 'rebalancing') log().info(`consumer of ${this.request.topic}: group rebalancing`);
    this.postStats();
  }

  private postStats(): void {
    if (!this.isVisible()) return;
    const stats = this.session.stats();
    const s = stats.state;
    this.post({
      type: 'stats',
      state: s.state,
      message: s.state === 'reconnecting' ? s.message : s.state === 'stopped' ? s.error?.message : s.state === 'rebalancing' ? this.rebalancingText() : undefined,
      recordsPerSecond: stats.recordsPerSecond,
      received: stats.received,
      buffered: stats.buffered,
      evicted: stats.evicted,
    });
  }

  private rebalancingText(): string {
    return `Group "${this.session.groupId}" is rebalancing: a member joined or left; reading resumes once every member has rejoined.`;
  }

  private async postProgress(committedAt?: number): Promise<void> {
    if (this.progressBusy || !this.isVisible() || this.session.stats().state.state === 'stopped') return;
    this.progressBusy = true;
    try {
      const partitions = await this.session.progress();
      this.post({ type: 'partitions', partitions, committedAt });
    } catch (e) {
      log().debug(`progress of ${this.request.topic}: ${messageOf(e)}`);
    } finally {
      this.progressBusy = false;
    }
  }

  private init(): ViewerInit {
    return {
      connectionName: this.request.connectionName,
      topic: this.request.topic,
      title: this.title,
      summary: describeRequest(this.request),
      groupId: this.request.group ? this.session.groupId : undefined,
      commitMode: this.request.group?.commit,
      capacity: this.request.capacity,
      filter: { partitions: '', key: '', text: '', regex: false, from: '', to: '' },
      source: sourceOf(this.request),
      formats: deserializers().map((d) => ({ name: d.name, label: d.label })),
      partitions: this.deps.partitions,
      timeZone: consumeSettings.timeZone(),
      detailsPosition: consumeSettings.detailsPosition(),
    };
  }

  async commit(upTo?: { partition: number; offset: string }): Promise<Map<number, string>> {
    const committed = await this.session.commit(upTo ? [upTo] : undefined);
    log().info(`committed ${this.request.topic} for group ${this.session.groupId}: ${[...committed].map(([p, o]) => `${p}:${o}`).join(', ')}`);
    this.progressBusy = false;
    await this.postProgress(Date.now());
    return committed;
  }

  /** After display: commits, per partition, the newest record the webview has drawn. */
  private commitDisplayed(): void {
    if (this.committingDisplayed) {
      this.displayedCommitPending = true;
      return;
    }
    // Records arrive in offset order per partition, so the last one seen of each is its newest.
    const buffer = this.session.buffer;
    for (let seq = Math.max(this.displayedScanned, buffer.firstSeq); seq <= this.displayedSeq && seq < buffer.endSeq; seq++) {
      this.displayedUpTo.set(buffer.partitionOf(seq), buffer.offsetOf(seq));
    }
    this.displayedScanned = this.displayedSeq + 1;
    const upTo = new Map(this.displayedUpTo);
    const key = [...upTo].join(';');
    if (upTo.size === 0 || key === this.lastDisplayedCommit) return;
    this.lastDisplayedCommit = key;
    this.committingDisplayed = this.session
      .commit([...upTo].map(([partition, offset]) => ({ partition, offset })))
      .then(() => {
        this.displayedRetryMs = 0;
      })
      .catch((e: unknown) => {
        // A commit refused while the group settles (a rebalance, a coordinator moving) is tried
        // again: the rows stay drawn, and no further update may come to commit them.
        const delay = (this.displayedRetryMs = Math.min(30_000, this.displayedRetryMs * 2 || 1000));
        log().warn(`commit after display failed, retrying in ${delay / 1000} s: ${messageOf(e)}`);
        if (this.lastDisplayedCommit === key) this.lastDisplayedCommit = '';
        clearTimeout(this.displayedRetry);
        this.displayedRetry = setTimeout(() => {
          if (!this.disposed && this.request.group?.commit === 'afterDisplay') this.commitDisplayed();
        }, delay);
      })
      .finally(() => {
        this.committingDisplayed = undefined;
        if (this.displayedCommitPending) {
          this.displayedCommitPending = false;
          this.commitDisplayed();
        }
      });
  }

  /**
   * Streams the matching buffered records to `path` in the record line format, read back from
   * Kafka byte for byte (the buffer keeps decoded previews), so memory stays flat and the file can
   * be produced again exactly.
   */
  private async exportTo(path: string, progress?: (written: number, total: number) => void, signal?: AbortSignal): Promise<number> {
    const selection = new RecordSelection();
    for (const [, r] of this.session.matching()) selection.add(r.partition, r.offset);
    if (selection.size === 0) {
      await writeFile(path, '', 'utf8');
      return 0;
    }
    const result = await exportRecords(this.client, {
      topic: this.request.topic,
      ranges: selection.ranges(),
      include: selection.include,
      file: path,
      isolation: this.request.isolation,
      signal,
      onProgress: (p) => progress?.(p.written, selection.size),
    });
    log().info(`exported ${result.written} records of ${this.request.topic} to ${path}${result.cancelled ? ' (cancelled, file removed)' : ''}`);
    return result.cancelled ? -1 : result.written;
  }

  /** The export button: a save dialog, then a cancellable progress notification. */
  private async exportWithProgress(): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      title: 'Export the filtered records as JSON Lines',
      filters: { 'JSON Lines': ['jsonl'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, `${this.request.topic}.jsonl`) : undefined,
    });
    if (!target) return;
    const written = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting ${this.request.topic}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return this.exportTo(
          target.fsPath,
          (n, total) => {
            progress.report({ increment: total ? ((n - last) * 100) / total : undefined, message: `${n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records` });
            last = n;
          },
          abort.signal,
        );
      },
    );
    this.notice('info', written < 0 ? 'Export cancelled: the partial file was removed.' : `Exported ${written} records to ${target.fsPath}.`);
  }

  /** A key or value whole: read back from Kafka when the buffer kept only its start. */
  private async wholeRecord(r: TailRecord): Promise<{ key: ReturnType<typeof decode>; value: ReturnType<typeof decode> }> {
    const raw = await fetchRecord(this.client, this.request.topic, r.partition, r.offset, { isolation: this.request.isolation });
    const keyDecoder = this.request.keyDeserializer ?? deserializer(this.request.keyFormat);
    const valueDecoder = this.request.valueDeserializer ?? deserializer(this.request.valueFormat);
    // Auto-detect names what it found (JSON, Avro, UTF-8) rather than "auto"; hex says why itself.
    const named = (bytes: Buffer | null, d: typeof keyDecoder) => {
      const out = decode(bytes, d);
      return out && bytes && !out.error && isAutoDeserializer(d) ? { ...out, format: d.detect(bytes) } : out;
    };
    return { key: named(raw.key, keyDecoder), value: named(raw.value, valueDecoder) };
  }

  /** Whether the key or value is auto-detected (the details then read the record back to name the format found). */
  private autoDetected(): boolean {
    return [this.request.keyDeserializer, this.request.valueDeserializer].some((d) => d && isAutoDeserializer(d)) || this.request.keyFormat === AUTO_DESERIALIZER || this.request.valueFormat === AUTO_DESERIALIZER;
  }

  /** Shows a record's details; a truncated one first as its preview, then whole once read back. */
  private async showDetails(seq: number): Promise<void> {
    const details = this.details(seq);
    const r = this.session.record(seq);
    const truncated = Boolean(r && (r.keyTruncated || r.valueTruncated));
    if (!details || !r || !(truncated || this.autoDetected())) {
      this.post({ type: 'details', record: details });
      return;
    }
    this.post({ type: 'details', record: truncated ? { ...details, partial: 'The viewer keeps the start of this record: reading it whole from Kafka…' } : details });
    try {
      const whole = await this.wholeRecord(r);
      const paneLimit = 1024 * 1024;
      const cut = (d: typeof whole.value) => (d && d.text.length > paneLimit ? { ...d, text: `${d.text.slice(0, paneLimit)}…` } : d);
      const tooBig = (whole.value?.text.length ?? 0) > paneLimit || (whole.key?.text.length ?? 0) > paneLimit;
      this.post({
        type: 'details',
        record: { ...details, key: cut(whole.key), value: cut(whole.value), partial: tooBig ? 'Shown up to 1 MB of text: "Open in editor" shows it whole.' : undefined },
      });
    } catch (e) {
      if (truncated) this.post({ type: 'details', record: { ...details, partial: `Only the start of this record is shown: ${messageOf(e)}` } });
    }
  }

  private details(seq: number): RecordDetails | undefined {
    const r = this.session.record(seq);
    if (!r) return undefined;
    return {
      seq,
      topic: this.request.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: decodedOf(r.key, r.keyError, this.request.keyFormat),
      value: decodedOf(r.value, r.valueError, this.request.valueFormat),
      headers: r.headers.map((h) => ({ key: h.key, value: decodedOf(h.value, h.error, 'string'), ...(h.error ? { binary: true } : {}) })),
      valueBytes: r.valueBytes,
    };
  }

  /**
   * Shows the buffered records that match `query`, found in a worker thread with a time budget so
   * a runaway regex never blocks the extension host. A newer search cancels the one running.
   */
  private async search(query: string, budgetMs = 5_000): Promise<BufferSearchResult | undefined> {
    this.searchAbort?.abort();
    const abort = new AbortController();
    this.searchAbort = abort;
    await this.searching?.catch(() => undefined);
    if (abort.signal.aborted) return undefined;
    this.regexSearch = undefined;
    if (!query.trim()) {
      this.session.setFilter({});
      this.afterFilter();
      this.post({ type: 'search' });
      return undefined;
    }
    let parsed;
    try {
      parsed = parseQuery(query);
    } catch (e) {
      this.post({ type: 'search', error: messageOf(e) });
      return undefined;
    }
    this.searcher ??= new BufferSearcher();
    const session = this.session;
    const from = session.buffer.endSeq;
    const run = this.searcher.search(query, session.buffer.range(), { signal: abort.signal, budgetMs });
    this.searching = run;
    this.searchBusy = true;
    const result = await run.finally(() => (this.searchBusy = false));
    if (result.status === 'cancelled' || session !== this.session) return result;
    if (hasRegex(parsed)) {
      session.setSearchResult(result.matches);
      this.regexSearch = { query, from };
    } else {
      // Linear-time terms judge new records as they arrive, and those that came during the search now.
      const live = compileQuery(parsed);
      session.setSearchResult(result.matches, live);
      session.addMatches([...session.buffer.range(from)].filter(([, r]) => live(r)).map(([seq]) => seq));
    }
    this.afterFilter();
    this.post({ type: 'search', error: result.status === 'timeout' ? result.message : undefined, matches: result.matches.length, scanned: result.scanned, elapsedMs: result.elapsedMs });
    return result;
  }

  /** A regex search looks at the records that arrived since, in the worker, on the stats timer. */
  private searchNewRecords(): void {
    const regex = this.regexSearch;
    if (!regex || !this.searcher || this.searchBusy) return;
    const session = this.session;
    const end = session.buffer.endSeq;
    if (end <= regex.from) return;
    const abort = this.searchAbort;
    const run = this.searcher.search(regex.query, session.buffer.range(Math.max(regex.from, session.buffer.firstSeq)), { signal: abort?.signal, budgetMs: 5_000 });
    this.searching = run;
    this.searchBusy = true;
    regex.from = end;
    void run.finally(() => (this.searchBusy = false)).then((result) => {
      if (result.status === 'cancelled' || this.regexSearch !== regex || session !== this.session) return;
      session.addMatches(result.matches);
      if (result.status === 'timeout') this.post({ type: 'search', error: result.message });
    });
  }

  private afterFilter(): void {
    if (this.sort) this.applySort(this.sort);
    else this.session.flush();
  }

  /** Sorting is a snapshot of the matching records; new ones are counted, not inserted, until re-sorted. */
  private applySort(sort: SortSpec | null): void {
    if (!sort) {
      this.sort = undefined;
      this.sorted = [];
      this.session.resend();
      this.session.setWindow(0, this.sortWindow.size, true);
      this.session.flush();
      return;
    }
    this.sort = sort;
    const compare = compareBy(sort.column);
    const entries = [...this.session.matching()];
    entries.sort((a, b) => (sort.descending ? compare(b[1], a[1]) : compare(a[1], b[1])) || a[0] - b[0]);
    this.sorted = entries.map(([seq]) => seq);
    this.sortWindow.from = 0;
    this.postSorted(true);
  }

  private postSorted(reset: boolean): void {
    const buffer = this.session.buffer;
    const { from, size } = this.sortWindow;
    const rows = this.sorted
      .slice(from, from + Math.min(size, 1000))
      .filter((seq) => buffer.has(seq))
      .map((seq) => rowOf(seq, buffer.get(seq)!));
    this.post({ type: 'view', reset, count: this.sorted.length, dropped: 0, from, rows, upToSeq: -1, sorted: true });
  }

  private async openInEditor(seq: number): Promise<void> {
    const r = this.session.record(seq);
    if (!r) return;
    const text = (r.valueTruncated ? (await this.wholeRecord(r)).value?.text : r.value) ?? '';
    let json = false;
    try {
      JSON.parse(text);
      json = true;
    } catch {
      // Not JSON: shown as it is.
    }
    await openRecordDocument(this.request.topic, r.partition, r.offset, json ? prettyJson(text) : text, json);
  }

  /**
   * "Search topic…": the topic in Kafka, not the buffer; `range` (from the timeline) skips the range
   * step. A match picked opens in the grid.
   */
  private async searchTopic(query: string, range?: { from: number; to: number }): Promise<void> {
    const match = await searchTopicInteractive({ client: this.client, topic: this.request.topic, partitions: this.request.partitions, isolation: this.request.isolation }, query, range);
    if (!match) return;
    // Opened in the grid: the tail restarts at that record of its partition, which comes first.
    // One fetch can bring tens of thousands of small records: room for them, so the match stays
    // in the buffer, then paused with the match on top (the byte budget still bounds memory).
    await this.restart(
      { ...sourceOf(this.request), start: 'offset', startValue: match.offset, partitions: String(match.partition) },
      { capacity: Math.max(this.request.capacity, 200_000) },
    );
    await this.session.waitForReceived(1, 15_000).catch(() => undefined);
    this.session.pause();
    this.session.flush();
    this.post({ type: 'reveal', index: 0 });
    this.notice('info', `Opened partition ${match.partition} at offset ${match.offset}; paused there: Resume reads on.`);
  }

  /** Counts the topic's (chosen partitions') records per time bucket for the timeline strip. */
  private async postTimeline(buckets: number): Promise<void> {
    this.timelineAbort?.abort();
    const abort = new AbortController();
    this.timelineAbort = abort;
    try {
      const t = await topicTimeline(this.client, {
        topic: this.request.topic,
        partitions: this.request.partitions,
        buckets: Math.max(1, Math.min(1_000, Math.floor(buckets) || 60)),
        signal: abort.signal,
      });
      if (abort.signal.aborted) return;
      this.post({
        type: 'timeline',
        timeline: {
          from: t.from,
          to: t.to,
          bucketMs: t.bucketMs,
          partitions: this.request.partitions?.length ? t.partitions : [],
          buckets: t.buckets.map((b) => ({ start: b.start, end: b.end, count: b.count })),
          total: t.total,
          before: t.before,
          after: t.after,
        },
      });
      log().info(`timeline of ${this.request.topic}: ${t.total} records in ${t.buckets.length} buckets of ${t.bucketMs} ms (${t.lookups} lookups)`);
    } catch (e) {
      if (!abort.signal.aborted) this.post({ type: 'timeline', error: `The timeline could not be counted: ${messageOf(e)}` });
    }
  }

  /** A range dragged on the timeline: the tail restarts from its start (partitions and formats kept), or the topic is searched in it. */
  private async useTimelineRange(from: number, to: number, use: 'start' | 'search', query: string): Promise<void> {
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return;
    if (use === 'search') {
      await this.searchTopic(query, { from, to });
      return;
    }
    const at = new Date(from).toISOString();
    try {
      await this.restart({ ...sourceOf(this.request), start: 'timestamp', startValue: at });
      this.notice('info', `Restarted from ${at} (picked on the timeline): ${describeRequest(this.request)}.`);
    } catch (e) {
      this.notice('error', messageOf(e));
    }
  }

  private async onMessage(m: ViewerRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'init', init: this.init() });
        if (this.sort) this.postSorted(true);
        else this.session.resend();
        this.session.flush();
        this.postStats();
        await this.postProgress();
        break;
      case 'pause':
        this.session.pause();
        break;
      case 'resume':
        this.session.resume();
        break;
      case 'stop':
        await this.session.stop();
        this.notice('info', 'Stopped: the consumer left its group. Records shown stay until you close the viewer.');
        break;
      case 'clear':
        this.sort = undefined;
        this.session.clear();
        this.session.flush();
        break;
      case 'commit': {
        const committed = await this.commit(m.upTo);
        this.notice('info', `Committed: ${[...committed].map(([p, o]) => `partition ${p} → ${o}`).join(', ') || 'nothing yet'}.`);
        break;
      }
      case 'filter':
        await this.search(queryOf(m.filter));
        break;
      case 'sort':
        this.applySort(m.sort);
        break;
      case 'restart':
        try {
          await this.restart(m.source);
          this.notice('info', `Restarted: ${describeRequest(this.request)}.`);
        } catch (e) {
          this.notice('error', messageOf(e));
        }
        break;
      case 'select':
        await this.showDetails(m.seq);
        break;
      case 'copy': {
        const r = this.session.record(m.seq);
        if (r) await vscode.env.clipboard.writeText((r.valueTruncated ? (await this.wholeRecord(r)).value?.text : r.value) ?? '');
        break;
      }
      case 'openInEditor':
        await this.openInEditor(m.seq);
        break;
      case 'export':
        await this.exportWithProgress();
        break;
      case 'searchTopic':
        await this.searchTopic(m.query);
        break;
      case 'timeline':
        await this.postTimeline(m.buckets);
        break;
      case 'timelineBrush':
        await this.useTimelineRange(m.from, m.to, m.use, m.query);
        break;
      case 'saveAsKafka': {
        const r = this.session.record(m.seq);
        const saved = r && (await saveRecordAsKafka(this.client, this.request, r));
        if (saved?.notes.length) this.notice('info', saved.notes.join(' '));
        break;
      }
      case 'produceSimilar': {
        const r = this.session.record(m.seq);
        if (!r) break;
        // Only what decoded as Avro (Protobuf, JSON Schema) goes back as such: a raw (hex) fallback is plain text.
        await vscode.commands.executeCommand('kafkaWorkbench.produceMessage', {
          connectionName: this.request.connectionName,
          topic: this.request.topic,
          partition: r.partition,
          key: r.key,
          value: r.value,
          headers: r.headers.map((h) => ({ key: h.key, value: h.value })),
          keyAvro: r.keyError ? undefined : produceChoiceFor(this.request, 'key'),
          valueAvro: r.valueError ? undefined : produceChoiceFor(this.request, 'value'),
          ...(r.keyError ? {} : (({ protobuf, jsonSchema }) => ({ keyProtobuf: protobuf, keyJsonSchema: jsonSchema }))(schemaProduceChoiceFor(this.request, 'key'))),
          ...(r.valueError ? {} : (({ protobuf, jsonSchema }) => ({ valueProtobuf: protobuf, valueJsonSchema: jsonSchema }))(schemaProduceChoiceFor(this.request, 'value'))),
        } satisfies ProducePrefill);
        break;
      }
      case 'window':
        if (this.sort) {
          this.sortWindow = { from: Math.max(0, Math.floor(m.from)), size: Math.max(1, Math.floor(m.size)) };
          this.postSorted(false);
        } else {
          this.sortWindow.size = m.size;
          this.session.setWindow(m.from, m.size, m.follow);
          this.session.flush();
        }
        break;
      case 'displayed':
        if (m.upToSeq > this.displayedSeq) {
          this.displayedSeq = m.upToSeq;
          if (this.request.group?.commit === 'afterDisplay') this.commitDisplayed();
        }
        break;
    }
  }

  private async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.displayedRetry);
    viewers.delete(this.id);
    this.searchAbort?.abort();
    this.timelineAbort?.abort();
    this.searcher?.dispose();
    try {
      await this.restarting?.catch(() => undefined);
      await this.committingDisplayed;
      await this.session.stop();
      log().info(`closed the viewer of ${this.request.topic}${this.session.groupId ? `; group ${this.session.groupId} left` : ''}`);
    } finally {
      this.resolveClosed();
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof KafkaWorkbenchError || e instanceof Error ? e.message : String(e);
}

/** Opens a viewer and starts its consumer; fails (before any panel opens) when the choices are invalid. */
export async function openConsumeViewer(extensionUri: vscode.Uri, client: KafkaClient, request: ConsumeRequest, deps: ViewerDeps): Promise<ConsumeViewerHandle> {
  const viewer = new ConsumeViewer(extensionUri, client, await deps.prepare(request), deps);
  await viewer.open();
  return viewer.handle;
}

/** Closes every viewer and waits until each consumer has left its group (on deactivation). */
export async function closeConsumeViewers(): Promise<void> {
  await Promise.allSettled(openViewers().map((v) => v.close()));
}
