import * as vscode from 'vscode';
import { availableCompressions } from '../../core/kafka/producer';
import { createTopic } from '../../core/kafka/topics';
import { listTopicInfos, validateTopicName } from '../../core/kafka/topics';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { prepareProduce, previewKeyPartition, requestReply, runProduce, type ProduceOutcome, type RecordReport } from '../../core/produce/produceService';
import { availableFormats } from '../../core/produce/serializers';
import type { ProduceFormValues, ProduceMessage, ProduceRequest, ReportView, RunSummary, ValueFormatChoice } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { AvroChoiceError, avroChoiceFromForm, checkAvroValue, pickSchemaFile, withAvroSchemas } from './avroValue';
import { settingsFromForm, specFromForm } from './produceForm';
import { connectedClient, describeOutcome, logUnawaitedFailure } from './produceRunner';

/** Rows the host keeps for a hidden panel; older ones are dropped (the summary still counts them). */
const MAX_PENDING_REPORTS = 500;
const REPORT_FLUSH_MS = 150;

export function reportView(runId: number, r: RecordReport): ReportView {
  return {
    runId,
    seq: r.seq,
    status: r.status,
    topic: r.topic,
    partition: r.partition,
    offset: r.status === 'delivered' ? r.offset : undefined,
    timestamp: r.timestamp,
    timestampType: r.status === 'delivered' ? r.timestampType : undefined,
    latencyMs: r.latencyMs,
    key: r.key,
    value: r.value,
    errorName: r.status === 'failed' ? r.error.name : undefined,
    errorMessage: r.status === 'failed' ? r.error.message : undefined,
    hint: r.status === 'failed' ? r.error.hint : undefined,
  };
}

function summaryOf(runId: number, o: ProduceOutcome): RunSummary {
  const { reports: _reports, ...rest } = o;
  return { runId, ...rest };
}

/**
 * The Produce Message panel: the form, progress of the current run, and the delivery log. One
 * panel; opening it again pre-fills it.
 */
export class ProducePanel {
  private static current: ProducePanel | undefined;
  private ready = false;
  private pendingPrefill: ProduceFormValues | undefined;
  private nextRunId = 1;
  private readonly runs = new Map<number, AbortController>();
  private pendingReports: ReportView[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri, manager: ConnectionManager, values: ProduceFormValues): ProducePanel {
    if (ProducePanel.current) {
      ProducePanel.current.panel.reveal();
      ProducePanel.current.prefill(values);
      return ProducePanel.current;
    }
    ProducePanel.current = new ProducePanel(extensionUri, manager, values);
    return ProducePanel.current;
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    extensionUri: vscode.Uri,
    private readonly manager: ConnectionManager,
    private initial: ProduceFormValues,
  ) {
    this.panel = vscode.window.createWebviewPanel('kafkaWorkbench.produce', 'Produce Message', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'produce', 'Produce Message');
    const sub = this.panel.webview.onDidReceiveMessage((m: ProduceRequest) => void this.onMessage(m).catch((e: unknown) => log().error(`produce panel: ${String(e)}`)));
    const vis = this.panel.onDidChangeViewState(() => {
      if (this.panel.visible) this.flushReports();
    });
    this.panel.onDidDispose(() => {
      sub.dispose();
      vis.dispose();
      for (const c of this.runs.values()) c.abort();
      if (this.flushTimer) clearTimeout(this.flushTimer);
      ProducePanel.current = undefined;
    });
  }

  private post(message: ProduceMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private prefill(values: ProduceFormValues): void {
    if (this.ready) this.post({ type: 'prefill', values });
    else this.pendingPrefill = values;
  }

  private async onMessage(m: ProduceRequest): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const values = this.pendingPrefill ?? this.initial;
        this.pendingPrefill = undefined;
        this.post({
          type: 'init',
          connections: this.manager.profiles().map((p) => p.name),
          values,
          compressions: availableCompressions(),
          // Keys take the same formats (the form adds "No key").
          // This form has no fields for Protobuf / JSON Schema yet (scripts use them through the command).
          valueFormats: availableFormats().filter((f) => f !== 'none' && f !== 'protobuf' && f !== 'jsonschema') as ValueFormatChoice[],
        });
        if (values.connection) await this.sendTopics(values.connection);
        break;
      }
      case 'loadTopics':
        await this.sendTopics(m.connection);
        break;
      case 'preview':
        await this.preview(m.requestId, m.values);
        break;
      case 'send':
        await this.send(m.requestId, m.values);
        break;
      case 'cancel':
        this.runs.get(m.runId)?.abort();
        break;
      case 'createTopic': {
        const partitions = Number(m.partitions);
        const badName = validateTopicName(m.topic);
        if (badName) {
          this.post({ type: 'topicCreated', requestId: m.requestId, ok: false, text: badName });
          break;
        }
        if (!Number.isInteger(partitions) || partitions < 1) {
          this.post({ type: 'topicCreated', requestId: m.requestId, ok: false, text: 'Partitions must be a whole number ≥ 1.' });
          break;
        }
        try {
          const status = this.manager.status(m.connection);
          const brokers = status.state === 'connected' ? status.summary.brokers.length : 1;
          await createTopic(await connectedClient(this.manager, m.connection), { name: m.topic, partitions, replicationFactor: -1 }, brokers);
          log().info(`created topic "${m.topic}" with ${partitions} partition(s) on "${m.connection}" from the Produce form`);
          this.post({ type: 'topicCreated', requestId: m.requestId, ok: true, text: `Created topic "${m.topic}" with ${partitions} partition(s).` });
          await this.sendTopics(m.connection);
          void vscode.commands.executeCommand('kafkaWorkbench.refresh');
        } catch (e) {
          this.post({ type: 'topicCreated', requestId: m.requestId, ok: false, text: e instanceof Error ? e.message : String(e) });
        }
        break;
      }
      case 'pickFile': {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Records to send', filters: { 'JSON / JSON Lines': ['json', 'jsonl', 'ndjson'], 'All files': ['*'] } });
        this.post({ type: 'filePicked', requestId: m.requestId, path: files?.[0]?.fsPath });
        break;
      }
      case 'pickSchema': {
        const file = await pickSchemaFile(`Schema of the ${m.role}`);
        this.post({ type: 'schemaPicked', requestId: m.requestId, role: m.role, path: file && vscode.workspace.asRelativePath(file) });
        break;
      }
      case 'checkAvro': {
        const result = await checkAvroValue(this.manager, m.values, m.role);
        this.post({ type: 'avroCheck', requestId: m.requestId, role: m.role, ...result });
        break;
      }
      case 'openRecord':
        await this.openRecord(m.topic, m.partition, m.offset);
        break;
    }
  }

  private async openRecord(topic: string, partition: number, offset: string): Promise<void> {
    const connectionName = this.lastConnection;
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes('kafkaWorkbench.consumeFromOffset')) {
      void vscode.window.showInformationMessage(`The record is at ${topic} partition ${partition} offset ${offset}; the record viewer is not available in this build yet.`);
      return;
    }
    await vscode.commands.executeCommand('kafkaWorkbench.consumeFromOffset', { connectionName, topic, partition, offset: Number(offset) });
  }

  private lastConnection = '';

  private async sendTopics(connection: string): Promise<void> {
    try {
      const client = await connectedClient(this.manager, connection);
      const topics = (await listTopicInfos(client)).filter((t) => !t.internal).map((t) => ({ name: t.name, partitions: t.partitions }));
      this.post({ type: 'topics', connection, topics });
    } catch (e) {
      this.post({ type: 'topics', connection, topics: [], error: e instanceof Error ? e.message : String(e) });
    }
    await this.sendRegistry(connection);
  }

  /** The connection's registry subjects, for the Avro schema source; a connection without one says so. */
  private async sendRegistry(connection: string): Promise<void> {
    const profile = this.manager.profiles().find((p) => p.name === connection);
    if (!profile?.schemaRegistry) {
      this.post({ type: 'registry', connection, subjects: [], error: 'this connection has no Schema Registry' });
      return;
    }
    try {
      const registry = await this.manager.registry(connection);
      this.post({ type: 'registry', connection, url: registry?.url, subjects: (await registry?.listSubjects()) ?? [] });
    } catch (e) {
      this.post({ type: 'registry', connection, url: profile.schemaRegistry.url, subjects: [], error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Where the key goes and which settings contradict each other, before anything is sent. */
  private async preview(requestId: number, values: ProduceFormValues): Promise<void> {
    const errors = {};
    settingsFromForm(values, errors);
    let text = '';
    if (values.connection && values.topic.trim()) {
      const client = this.manager.client(values.connection);
      const topic = client ? (await listTopicInfos(client).catch(() => [])).find((t) => t.name === values.topic.trim()) : undefined;
      if (!client) text = 'Not connected yet: the partition is checked when you send.';
      else if (!topic) text = `Topic "${values.topic.trim()}" does not exist on "${values.connection}". Send offers to create it.`;
      else if (values.partitionMode === 'key-hash') {
        const p = values.keyFormat === 'none' || values.keyFormat === 'avro' ? undefined : previewKeyPartition(values.keyFormat, values.key, topic.partitions);
        text =
          values.keyFormat === 'avro'
            ? `The Avro-encoded key is hashed when sent (murmur2, like the Java client) over ${topic.partitions} partitions.`
            : p === undefined
            ? 'Partition by key hash needs a key.'
            : values.key.includes('{{')
              ? `The key is a template: each record's key is hashed (murmur2, like the Java client) over ${topic.partitions} partitions.`
              : `Key "${values.key}" → partition ${p} of ${topic.partitions} (murmur2, as a Java or Spring producer would choose).`;
      } else if (values.partitionMode === 'explicit') {
        const n = Number(values.partition);
        text =
          Number.isInteger(n) && n >= 0 && n < topic.partitions
            ? `Partition ${n} of ${topic.partitions}.`
            : `Partition ${values.partition} does not exist: "${topic.name}" has ${topic.partitions} partition${topic.partitions === 1 ? '' : 's'} (${topic.partitions === 1 ? 'valid: 0' : `valid: 0 to ${topic.partitions - 1}`}).`;
      } else text = topic.partitions === 1 ? 'Any partition: the topic has one, so partition 0.' : `Any partition: round-robin over ${topic.partitions} partitions.`;
    }
    this.post({ type: 'preview', requestId, text, errors });
  }

  private async send(requestId: number, values: ProduceFormValues): Promise<void> {
    const { spec: formSpec, errors, replyTopic, replyTimeoutMs } = await specFromForm(values);
    let spec = formSpec;
    if (!spec) {
      this.post({ type: 'rejected', requestId, message: 'Fix the fields marked above, then send again.', errors });
      return;
    }
    this.lastConnection = values.connection;
    let prepared;
    let client;
    try {
      client = await connectedClient(this.manager, values.connection);
      spec = await withAvroSchemas(this.manager, client, values.connection, spec, { key: avroChoiceFromForm(values, 'key'), value: avroChoiceFromForm(values, 'value') });
      if (!replyTopic) prepared = await prepareProduce(client, spec);
    } catch (e) {
      const unknownTopic = e instanceof KafkaWorkbenchError && e.reason === 'unknown-topic' ? spec.topic : undefined;
      const field =
        e instanceof AvroChoiceError
          ? e.field
          : e instanceof KafkaWorkbenchError && e.detail === 'SERIALIZATION_ERROR'
            ? / the key is /.test(e.message) ? 'key' : 'value'
            : unknownTopic || /topic/i.test(String((e as Error).message).slice(0, 40)) ? 'topic' : undefined;
      this.post({ type: 'rejected', requestId, message: (e as Error).message, errors: field ? { [field]: (e as Error).message } : {}, unknownTopic });
      return;
    }
    const runId = this.nextRunId++;
    const controller = new AbortController();
    this.runs.set(runId, controller);
    this.post({ type: 'started', requestId, runId, total: prepared?.total ?? 1, notes: prepared?.notes ?? [] });
    const hooks = {
      signal: controller.signal,
      keepReports: 0,
      onReport: (r: RecordReport) => this.queueReport(reportView(runId, r)),
      onProgress: (p: { total: number; handedOver: number; delivered: number; failed: number; recordsPerSecond: number; elapsedMs: number }) => {
        if (this.panel.visible) this.post({ type: 'progress', progress: { runId, ...p } });
      },
      onUnawaitedFailure: (r: RecordReport) => logUnawaitedFailure(r),
    };
    try {
      if (replyTopic) {
        const { outcome, reply } = await requestReply(client, spec, { replyTopic, timeoutMs: replyTimeoutMs ?? 10_000 }, hooks);
        this.finish(runId, outcome);
        this.post(
          reply.ok
            ? { type: 'reply', runId, ok: true, text: `Reply after ${reply.waitedMs} ms on ${replyTopic} partition ${reply.reply.partition} offset ${reply.reply.offset} (correlation id ${reply.correlationId}).`, value: reply.reply.value ?? '', headers: reply.reply.headers }
            : { type: 'reply', runId, ok: false, text: reply.message },
        );
      } else {
        const outcome = await runProduce(client, prepared!, hooks);
        this.finish(runId, outcome);
      }
    } catch (e) {
      this.flushReports();
      this.post({ type: 'rejected', requestId, message: (e as Error).message, errors: {} });
    } finally {
      this.runs.delete(runId);
    }
  }

  private finish(runId: number, outcome: ProduceOutcome): void {
    log().info(describeOutcome(outcome));
    this.flushReports();
    this.post({ type: 'done', summary: summaryOf(runId, outcome) });
  }

  private queueReport(report: ReportView): void {
    this.pendingReports.push(report);
    // Trimmed in chunks, not per report: a cancelled bulk send reports millions at once.
    if (this.pendingReports.length >= 2 * MAX_PENDING_REPORTS) this.pendingReports.splice(0, this.pendingReports.length - MAX_PENDING_REPORTS);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (this.panel.visible) this.flushReports();
    }, REPORT_FLUSH_MS);
  }

  private flushReports(): void {
    if (this.pendingReports.length === 0) return;
    this.post({ type: 'reports', reports: this.pendingReports.slice(-MAX_PENDING_REPORTS) });
    this.pendingReports = [];
  }
}
