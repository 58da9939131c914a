/**
 * The Delivery Reports view: every produced record's report, per connection, newest first, capped,
 * filtered by status. A report remembers how its record was produced (formats, Avro schema source,
 * transaction) so opening it shows the record decoded, with the isolation that can see it.
 */
import * as vscode from 'vscode';
import type { RecordReport } from '../../core/produce/produceService';
import { registerCommand } from '../commands';
import type { AvroValueChoice } from './avroValue';
import type { SchemaFormatChoices } from './schemaFormatValue';

/** How a run's records were produced: what the viewer needs to read them back the same way. */
export interface ProducedWith extends SchemaFormatChoices {
  connection: string;
  keyFormat: string;
  valueFormat: string;
  keyAvro?: AvroValueChoice;
  avro?: AvroValueChoice;
  /** Sent in one transaction: its records are not "delivered" until it commits. */
  transactional?: boolean;
  /** Known once the run ends. */
  transactionalId?: string;
}

export type ReportFilter = 'all' | 'delivered' | 'failed' | 'aborted' | 'unconfirmed';

interface Run {
  id: number;
  with: ProducedWith;
  /** Set when a transactional run ends; until then its records are "written, transaction open". */
  transactionOutcome?: 'committed' | 'aborted' | 'open';
}

export interface ReportEntry {
  readonly id: number;
  readonly run: Run;
  readonly report: RecordReport;
}

/** Per connection this many reports are kept; older ones are dropped (run summaries still count them). */
export const MAX_REPORTS_PER_CONNECTION = 1000;

export type ReportRun = Run;

export class DeliveryReportStore {
  private readonly byConnection = new Map<string, ReportEntry[]>();
  private nextId = 1;
  private nextRun = 1;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private pending: ReturnType<typeof setTimeout> | undefined;

  startRun(w: ProducedWith): Run {
    return { id: this.nextRun++, with: w, transactionOutcome: w.transactional ? 'open' : undefined };
  }

  add(run: Run, report: RecordReport): void {
    let list = this.byConnection.get(run.with.connection);
    if (!list) this.byConnection.set(run.with.connection, (list = []));
    list.push({ id: this.nextId++, run, report });
    // Trimmed in chunks, not per report: a bulk send reports millions.
    if (list.length >= 2 * MAX_REPORTS_PER_CONNECTION) list.splice(0, list.length - MAX_REPORTS_PER_CONNECTION);
    this.fireSoon();
  }

  endRun(run: Run, transactionOutcome?: 'committed' | 'aborted'): void {
    if (run.transactionOutcome) run.transactionOutcome = transactionOutcome ?? 'aborted';
    this.fireSoon(true);
  }

  connections(): string[] {
    return [...this.byConnection.keys()].filter((c) => (this.byConnection.get(c)?.length ?? 0) > 0);
  }

  /** Newest first, at most {@link MAX_REPORTS_PER_CONNECTION}. */
  reports(connection: string, filter: ReportFilter = 'all'): ReportEntry[] {
    const list = this.byConnection.get(connection) ?? [];
    const out: ReportEntry[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < MAX_REPORTS_PER_CONNECTION; i--) if (matches(list[i], filter)) out.push(list[i]);
    return out;
  }

  clear(): void {
    this.byConnection.clear();
    this.fireSoon(true);
  }

  private fireSoon(now = false): void {
    if (now) {
      clearTimeout(this.pending);
      this.pending = undefined;
      this.changed.fire();
      return;
    }
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.changed.fire();
    }, 200);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.changed.dispose();
  }
}

export type ReportState = 'delivered' | 'aborted' | 'in-transaction' | 'failed' | 'unacknowledged' | 'not-awaited';

/** What a report means now: a delivered record of an aborted transaction is not "delivered". */
export function reportState(e: ReportEntry): ReportState {
  const s = e.report.status;
  if (s === 'delivered' && e.run.transactionOutcome === 'aborted') return 'aborted';
  if (s === 'delivered' && e.run.transactionOutcome === 'open') return 'in-transaction';
  return s;
}

function matches(e: ReportEntry, filter: ReportFilter): boolean {
  const state = reportState(e);
  if (filter === 'all') return true;
  if (filter === 'unconfirmed') return state === 'unacknowledged' || state === 'not-awaited';
  return state === filter;
}

/** One line saying what happened to the record, in words a user can act on. */
export function describeReport(e: ReportEntry): { label: string; description: string; detail: string } {
  const r = e.report;
  const where = r.partition >= 0 ? `${r.topic} [${r.partition}]` : r.topic;
  const time = new Date(r.timestamp).toISOString();
  // The line shows the time of day (the date is in the tooltip): a list of reports is read by seconds.
  const clock = `${time.slice(11, 23)}Z`;
  const state = reportState(e);
  const latency = `${r.latencyMs} ms`;
  switch (state) {
    case 'delivered':
    case 'aborted':
    case 'in-transaction': {
      const offset = r.status === 'delivered' ? r.offset : '?';
      const type = r.status === 'delivered' ? r.timestampType : 'CreateTime';
      const label = `${where} @ ${offset}`;
      const what =
        state === 'aborted'
          ? 'written, then aborted — invisible to read_committed consumers'
          : state === 'in-transaction'
            ? 'written in an open transaction'
            : e.run.transactionOutcome === 'committed'
              ? 'delivered (transaction committed)'
              : 'delivered';
      return { label, description: `${what} · ${type} ${clock} · ${latency}`, detail: `Record #${r.seq}: ${what}.\n${where} offset ${offset}\n${type} ${time}\nLatency ${latency}${e.run.with.transactionalId ? `\nTransaction ${e.run.with.transactionalId}` : ''}` };
    }
    case 'unacknowledged':
      return { label: `${where}`, description: `sent with acks=0 · no offset (the broker does not answer acks=0) · ${latency}`, detail: `Record #${r.seq} was written to the socket with acks=0: the broker answers nothing, so there is no offset and a broker-side failure goes unseen.` };
    case 'not-awaited':
      return { label: `${where}`, description: 'fire-and-forget · handed over, not awaited', detail: `Record #${r.seq} was handed to the producer and not followed (fire-and-forget); a failure shows only in the log.` };
    case 'failed': {
      const err = r.status === 'failed' ? r.error : undefined;
      return { label: `${where}: ${err?.name ?? 'failed'}`, description: err?.hint ?? '', detail: `Record #${r.seq} failed: ${err?.message ?? ''}\nWhat to do: ${err?.hint ?? ''}${err?.mayBeWritten ? '\nThe record may have been written although the answer was lost.' : ''}` };
    }
  }
}

const ICONS: Record<ReportState, [string, string]> = {
  delivered: ['pass', 'testing.iconPassed'],
  aborted: ['circle-slash', 'list.warningForeground'],
  'in-transaction': ['loading', 'descriptionForeground'],
  failed: ['error', 'errorForeground'],
  unacknowledged: ['circle-outline', 'descriptionForeground'],
  'not-awaited': ['circle-outline', 'descriptionForeground'],
};

type Node = { kind: 'connection'; name: string } | { kind: 'report'; entry: ReportEntry };

/** The consume options of a run's Protobuf / JSON Schema workspace files, only the ones it used. */
function schemaFileOptions(w: ProducedWith): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pb = (c: ProducedWith['protobuf']) => c?.schemaFile && c.encoding !== 'confluent' && { schemaFile: c.schemaFile, messageType: c.messageType };
  const js = (c: ProducedWith['jsonSchema']) => c?.schemaFile && c.encoding !== 'confluent' && { schemaFile: c.schemaFile };
  const all = { protobuf: pb(w.protobuf), keyProtobuf: pb(w.keyProtobuf), jsonSchema: js(w.jsonSchema), keyJsonSchema: js(w.keyJsonSchema) };
  for (const [k, v] of Object.entries(all)) if (v) out[k] = v;
  return out;
}

/** Arguments of kafkaWorkbench.consumeFromOffset that show this record as it was produced. */
export function viewerOptionsFor(e: ReportEntry): Record<string, unknown> | undefined {
  const r = e.report;
  if (r.status !== 'delivered') return undefined;
  const w = e.run.with;
  // Read the record back in the format it was written in; Avro with the schema it was written with.
  const deserializer = (format: string) => (format === 'none' ? 'string' : format);
  const avroChoice = (c: AvroValueChoice | undefined) => (c?.encoding === 'confluent' || !c?.schemaFile ? {} : { writerSchemaFile: c.schemaFile });
  return {
    connectionName: w.connection,
    topic: r.topic,
    partitions: [r.partition],
    start: { kind: 'offset', offset: r.offset },
    keyFormat: deserializer(w.keyFormat),
    valueFormat: deserializer(w.valueFormat),
    avro: w.valueFormat === 'avro' ? avroChoice(w.avro) : undefined,
    keyAvro: w.keyFormat === 'avro' ? avroChoice(w.keyAvro) : undefined,
    // Raw protobuf needs its .proto and message, plain JSON its schema; wire-format records name theirs.
    ...schemaFileOptions(w),
    // Records of an aborted (or still open) transaction are only visible to read_uncommitted.
    isolation: e.run.transactionOutcome === 'aborted' || e.run.transactionOutcome === 'open' ? 'read_uncommitted' : 'read_committed',
  };
}

export class DeliveryReportsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private filter: ReportFilter = 'all';
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  readonly view: vscode.TreeView<Node>;

  constructor(private readonly store: DeliveryReportStore) {
    this.view = vscode.window.createTreeView('kafkaWorkbench.deliveryReports', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      store.onDidChange(() => {
        this.changed.fire(undefined);
        this.updateMessage();
      }),
      registerCommand('kafkaWorkbench.deliveryReports.filter', 'Filter Delivery Reports', async (arg?: ReportFilter) => {
        const choices: { label: string; value: ReportFilter }[] = [
          { label: 'All reports', value: 'all' },
          { label: 'Delivered', value: 'delivered' },
          { label: 'Failed', value: 'failed' },
          { label: 'Aborted transactions', value: 'aborted' },
          { label: 'Not confirmed (acks=0, fire-and-forget)', value: 'unconfirmed' },
        ];
        const picked = arg ?? (await vscode.window.showQuickPick(choices, { title: 'Show delivery reports', placeHolder: `Now: ${this.filter}` }))?.value;
        if (!picked) return;
        this.filter = picked;
        this.changed.fire(undefined);
        this.updateMessage();
      }),
      registerCommand('kafkaWorkbench.deliveryReports.clear', 'Clear Delivery Reports', () => store.clear()),
      registerCommand('kafkaWorkbench.deliveryReports.open', 'Open Record in Viewer', async (arg?: Node | number) => {
        const entry = typeof arg === 'number' ? this.find(arg) : arg?.kind === 'report' ? arg.entry : undefined;
        const options = entry && viewerOptionsFor(entry);
        if (!options) {
          void vscode.window.showInformationMessage('Only a record the broker acknowledged has an offset to open.');
          return;
        }
        return vscode.commands.executeCommand('kafkaWorkbench.consumeFromOffset', options);
      }),
    );
    this.updateMessage();
  }

  private find(id: number): ReportEntry | undefined {
    for (const c of this.store.connections()) {
      const hit = this.store.reports(c).find((e) => e.id === id);
      if (hit) return hit;
    }
    return undefined;
  }

  private updateMessage(): void {
    this.view.description = this.filter === 'all' ? undefined : `showing: ${this.filter}`;
    this.view.message = this.store.connections().length === 0 ? 'Records you produce are reported here, newest first.' : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'connection') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('plug');
      item.contextValue = 'deliveryReportsConnection';
      item.id = `connection:${node.name}`;
      return item;
    }
    const { label, description, detail } = describeReport(node.entry);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    const state = reportState(node.entry);
    item.id = `report:${node.entry.id}`;
    item.description = description;
    item.tooltip = detail;
    item.iconPath = new vscode.ThemeIcon(ICONS[state][0], new vscode.ThemeColor(ICONS[state][1]));
    item.contextValue = node.entry.report.status === 'delivered' ? 'deliveryReportWithOffset' : 'deliveryReport';
    item.accessibilityInformation = { label: `${label}: ${description}` };
    if (node.entry.report.status === 'delivered') item.command = { command: 'kafkaWorkbench.deliveryReports.open', title: 'Open Record in Viewer', arguments: [node.entry.id] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.store.connections().map((name) => ({ kind: 'connection', name }));
    if (node.kind === 'connection') return this.store.reports(node.name, this.filter).map((entry) => ({ kind: 'report', entry }));
    return [];
  }

  /** Shows the view (after a send from the form). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand('kafkaWorkbench.deliveryReports.focus');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
