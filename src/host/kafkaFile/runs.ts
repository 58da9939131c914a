/**
 * Running `.kafka` blocks through the extension's own commands: producers through
 * "kafkaWorkbench.produceMessage" (records rendered here, so faker and the shared per-record seed
 * apply, then sent as the command's `records`), consumers through "kafkaWorkbench.consumeFromOffset"
 * (which opens the viewer). Keeps the last result of each block and the scheduled producers and
 * consumers that are running, and says when any of that changes so the CodeLenses follow.
 */
import * as vscode from 'vscode';
import type { ConsumerDefinition, ProducerDefinition } from '../../core/kafkaFile/definitions';
import { renderRecords } from '../../core/kafkaFile/template';
import type { ConsumeCommandOptions } from '../consume/consumeCommand';
import type { ConsumeViewerHandle } from '../consume/consumeViewer';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ProduceCommandResult, ProduceCommandSpec } from '../produce/produceRunner';
import { log } from '../log';
import { consumeFormat, produceFormat } from './formats';

export interface BlockResult {
  ok: boolean;
  /** One line for the CodeLens: `✓ 0@12 · 4 ms · delivered (partition@offset)`, `✓ 10 delivered · 0@3 … 2@7 · avg 4 ms (partition@offset)`, or the error. */
  summary: string;
  /** The full text for the log / tooltip. */
  detail: string;
  at: number;
}

interface Scheduled {
  connectionName: string;
  uri: string;
  timer?: NodeJS.Timeout;
  sent: number;
  stopped: boolean;
}

interface RunningConsumer {
  uri: string;
  handle: ConsumeViewerHandle;
}

/** The block as it is now (re-read for each scheduled send, so edits apply to the next record). */
export type DefinitionLookup = () => { definition?: ProducerDefinition; problem?: string };

export function summarize(result: ProduceCommandResult | undefined): BlockResult {
  const at = Date.now();
  if (!result) return { ok: false, summary: 'Not sent (see the notification)', detail: 'The produce command returned nothing.', at };
  if (!result.ok) return { ok: false, summary: `✗ ${result.message}`, detail: result.message, at };
  const reports = result.reports;
  const failed = reports.find((r) => r.status === 'failed');
  const delivered = reports.filter((r) => r.status === 'delivered');
  const where = (r: (typeof reports)[number]) => (r.status === 'delivered' ? `${r.partition}@${r.offset}` : `${r.partition}@?`);
  const latency = reports.length ? Math.round(reports.reduce((s, r) => s + r.latencyMs, 0) / reports.length) : 0;
  const places = reports.length <= 3 ? reports.map(where).join(', ') : `${where(reports[0])} … ${where(reports[reports.length - 1])}`;
  const detail = reports.map((r) => `#${r.seq} ${r.status} ${where(r)} ${r.latencyMs} ms${r.status === 'failed' ? ` ${r.error.name}: ${r.error.message}` : ''}`).join('\n');
  if (failed && failed.status === 'failed') {
    return { ok: false, summary: `✗ ${result.failed} of ${result.total} failed: ${failed.error.message}`, detail, at };
  }
  const count = delivered.length || result.unacknowledged || result.notAwaited;
  const verb = delivered.length ? 'delivered' : result.unacknowledged ? 'sent (acks=0)' : 'handed over';
  const tx = result.transactionOutcome ? ` · transaction ${result.transactionOutcome}` : '';
  // Where and how fast first: a narrow editor clips the end of a lens.
  if (reports.length === 1) return { ok: true, summary: `✓ ${places} · ${latency} ms · ${verb} (partition@offset)${tx}`, detail, at };
  return { ok: true, summary: `✓ ${count} ${verb} · ${places} · avg ${latency} ms (partition@offset)${tx}`, detail, at };
}

export class KafkaFileRuns implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly results = new Map<string, BlockResult>();
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly consumers = new Map<string, RunningConsumer>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly manager: ConnectionManager) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((doc) => this.stopAllOf(doc.uri.toString(), 'its file was closed')),
      manager.onDidChange((name) => {
        for (const [key, s] of this.scheduled) {
          const gone = name === undefined ? !manager.profiles().some((p) => p.name === s.connectionName) : name === s.connectionName;
          const state = manager.status(s.connectionName).state;
          if (gone && (state === 'disconnected' || state === 'failed')) this.stopScheduled(key, `connection "${s.connectionName}" is ${state}`);
        }
      }),
    );
  }

  result(key: string): BlockResult | undefined {
    return this.results.get(key);
  }

  isScheduled(key: string): boolean {
    return this.scheduled.has(key);
  }

  scheduledSent(key: string): number {
    return this.scheduled.get(key)?.sent ?? 0;
  }

  consumer(key: string): ConsumeViewerHandle | undefined {
    return this.consumers.get(key)?.handle;
  }

  private setResult(key: string, result: BlockResult): void {
    this.results.set(key, result);
    this.changed.fire();
  }

  /** Sends `count` records of a producer block and returns what the produce command answered. */
  async produce(key: string, document: vscode.Uri, connectionName: string, def: ProducerDefinition, count: number, first = 0): Promise<ProduceCommandResult | undefined> {
    const records = renderRecords(def.templates, count, { first });
    const key_ = produceFormat(document, def.keyFormat);
    const value = produceFormat(document, def.valueFormat);
    const hasKey = def.templates.key !== undefined && def.keyFormat.kind !== 'none';
    const spec: ProduceCommandSpec = {
      connectionName,
      topic: def.topic,
      send: true,
      keyFormat: hasKey ? key_.format : 'none',
      valueFormat: value.format,
      records: records.map((r) => ({ key: hasKey ? (r.key ?? null) : null, value: def.valueFormat.kind === 'none' ? null : r.value, headers: r.headers })),
      // Like Kafka's own clients by default: a keyed record goes to its key's partition.
      partitionMode: def.partition === 'key' ? 'key-hash' : typeof def.partition === 'number' ? 'explicit' : def.partition === 'any' ? 'any' : 'default',
      partition: typeof def.partition === 'number' ? def.partition : undefined,
      sendStyle: def.send ?? 'synchronous',
      transaction: def.transaction,
      timestamp: def.timestamp,
      settings: {
        ...(def.acks !== undefined ? { acks: def.acks } : {}),
        ...(def.idempotent !== undefined ? { idempotent: def.idempotent } : {}),
        ...(def.compression !== undefined ? { compression: def.compression } : {}),
      },
    };
    if (hasKey && key_.avro) spec.keyAvro = key_.avro;
    if (value.avro) spec.avro = value.avro;
    if (hasKey && key_.protobuf) spec.keyProtobuf = key_.protobuf;
    if (value.protobuf) spec.protobuf = value.protobuf;
    if (hasKey && key_.jsonSchema) spec.keyJsonSchema = key_.jsonSchema;
    if (value.jsonSchema) spec.jsonSchema = value.jsonSchema;
    const result = await vscode.commands.executeCommand<ProduceCommandResult | undefined>('kafkaWorkbench.produceMessage', spec);
    const summary = summarize(result);
    log().info(`.kafka ${def.name ? `"${def.name}" ` : ''}→ ${def.topic}: ${summary.summary}`);
    this.setResult(key, summary);
    return result;
  }

  /** Starts a scheduled producer: one send per interval until stopped, the file closes or the connection drops. */
  async startScheduled(key: string, document: vscode.Uri, connectionName: string, everyMs: number, lookup: DefinitionLookup): Promise<void> {
    if (this.scheduled.has(key)) return;
    // Connected first, so a drop is a change from connected (and the first tick does not race the connect).
    await this.manager.connect(connectionName);
    const s: Scheduled = { connectionName, uri: document.toString(), sent: 0, stopped: false };
    this.scheduled.set(key, s);
    this.changed.fire();
    const tick = async (): Promise<void> => {
      if (s.stopped) return;
      const started = Date.now();
      const { definition, problem } = lookup();
      if (!definition) {
        this.stopScheduled(key, problem ?? 'the block is gone');
        return;
      }
      const result = await this.produce(key, document, connectionName, definition, definition.count ?? 1, s.sent);
      s.sent += definition.count ?? 1;
      // A refusal (unknown topic, bad value) would repeat every interval: stop and keep the message.
      if (!result || !result.ok) {
        this.stopScheduled(key, 'the last send was refused');
        return;
      }
      this.changed.fire();
      if (!s.stopped) s.timer = setTimeout(() => void tick(), Math.max(0, (definition.everyMs ?? everyMs) - (Date.now() - started)));
    };
    void tick();
  }

  stopScheduled(key: string, reason?: string): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    s.stopped = true;
    if (s.timer) clearTimeout(s.timer);
    this.scheduled.delete(key);
    log().info(`.kafka scheduled producer stopped after ${s.sent} record(s)${reason ? `: ${reason}` : ''}`);
    this.changed.fire();
  }

  async startConsumer(key: string, document: vscode.Uri, connectionName: string, def: ConsumerDefinition): Promise<ConsumeViewerHandle | undefined> {
    const existing = this.consumers.get(key);
    if (existing) return existing.handle;
    const keyF = consumeFormat(document, def.keyFormat);
    const valueF = consumeFormat(document, def.valueFormat);
    const options: ConsumeCommandOptions = {
      connectionName,
      topic: def.topic,
      start: def.start.kind === 'committed' ? { kind: 'committed', fallback: 'earliest' } : def.start,
      partitions: def.partitions,
      group: def.groupId ? { groupId: def.groupId, commit: def.commit === 'manual' ? 'manual' : 'automatic' } : undefined,
      isolation: def.isolation,
      keyFormat: keyF.format,
      valueFormat: valueF.format,
      avro: valueF.avro,
      keyAvro: keyF.avro,
      protobuf: valueF.protobuf,
      keyProtobuf: keyF.protobuf,
      jsonSchema: valueF.jsonSchema,
      keyJsonSchema: keyF.jsonSchema,
    };
    const handle = await vscode.commands.executeCommand<ConsumeViewerHandle | undefined>('kafkaWorkbench.consumeFromOffset', options);
    if (!handle) return undefined;
    this.consumers.set(key, { uri: document.toString(), handle });
    void handle.closed.then(() => {
      if (this.consumers.get(key)?.handle === handle) this.consumers.delete(key);
      this.changed.fire();
    });
    this.changed.fire();
    return handle;
  }

  async stopConsumer(key: string): Promise<void> {
    const c = this.consumers.get(key);
    if (!c) return;
    this.consumers.delete(key);
    this.changed.fire();
    await c.handle.close();
  }

  stopAllOf(uri: string, reason: string): void {
    for (const [key, s] of this.scheduled) if (s.uri === uri) this.stopScheduled(key, reason);
  }

  dispose(): void {
    for (const key of [...this.scheduled.keys()]) this.stopScheduled(key, 'the extension is stopping');
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
