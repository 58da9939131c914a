import * as vscode from 'vscode';
import { availableCompressions } from '../../core/kafka/producer';
import { createTopic } from '../../core/kafka/topics';
import { listTopicInfos, validateTopicName } from '../../core/kafka/topics';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { prepareProduce, previewKeyPartition, requestReply, runProduce, type ProduceOutcome, type RecordReport } from '../../core/produce/produceService';
import { formatInfos } from '../../core/produce/serializers';
import type { ProduceFormValues, ProduceMessage, ProduceRequest, RunSummary } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { AvroChoiceError, avroChoiceFromForm, pickSchemaFile, withAvroSchemas } from './avroValue';
import type { DeliveryReportStore, DeliveryReportsView, ProducedWith, ReportRun } from './deliveryReports';
import { saveFormAs } from './saveAs';
import { checkFormValue } from './valueCheck';
import { settingsFromForm, specFromForm } from './produceForm';
import { connectedClient, describeOutcome, logUnawaitedFailure } from './produceRunner';

/** Which collapsible sections of the form are open: the next form opens the same ones. */
let sectionsOpen: Record<string, boolean> = {};

function spreadText(partitions: number): string {
  return partitions === 1 ? 'The topic has one partition: partition 0.' : `No key: spread round-robin over ${partitions} partitions.`;
}

/** Where the key lands with the Java partitioner, said before sending ("Default" and "By key hash"). */
function keyPartitionText(values: ProduceFormValues, partitions: number): string {
  const hashing = `(murmur2, as a Java or Spring producer would choose)`;
  if (values.keyFormat === 'avro') return `The Avro-encoded key is hashed when sent ${hashing} over ${partitions} partitions.`;
  const p = values.keyFormat === 'none' ? undefined : previewKeyPartition(values.keyFormat, values.key, partitions);
  if (p === undefined) return values.partitionMode === 'key-hash' ? 'Partition by key hash needs a key.' : spreadText(partitions);
  if (values.key.includes('{{')) return `The key is a template: each record's key is hashed ${hashing} over ${partitions} partitions.`;
  return `Key "${values.key}" → partition ${p} of ${partitions} ${hashing}.`;
}

function summaryOf(runId: number, o: ProduceOutcome): RunSummary {
  const { reports: _reports, ...rest } = o;
  return { runId, ...rest };
}

/**
 * The Produce Message panel: the form and the current run's progress; every record's report goes
 * to the Delivery Reports view. One panel; opening it again pre-fills it.
 */
export class ProducePanel {
  private static current: ProducePanel | undefined;
  private ready = false;
  private pendingPrefill: ProduceFormValues | undefined;
  private nextRunId = 1;
  private readonly runs = new Map<number, AbortController>();

  static show(extensionUri: vscode.Uri, manager: ConnectionManager, reports: { store: DeliveryReportStore; view: DeliveryReportsView }, values: ProduceFormValues): ProducePanel {
    if (ProducePanel.current) {
      ProducePanel.current.panel.reveal();
      ProducePanel.current.prefill(values);
      return ProducePanel.current;
    }
    ProducePanel.current = new ProducePanel(extensionUri, manager, reports, values);
    return ProducePanel.current;
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    extensionUri: vscode.Uri,
    private readonly manager: ConnectionManager,
    private readonly reports: { store: DeliveryReportStore; view: DeliveryReportsView },
    private initial: ProduceFormValues,
  ) {
    this.panel = vscode.window.createWebviewPanel('kafkaWorkbench.produce', 'Produce Message', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'produce', 'Produce Message');
    const sub = this.panel.webview.onDidReceiveMessage((m: ProduceRequest) => void this.onMessage(m).catch((e: unknown) => log().error(`produce panel: ${String(e)}`)));
    this.panel.onDidDispose(() => {
      sub.dispose();
      for (const c of this.runs.values()) c.abort();
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
          // The host's registered serializers: a format registered later appears without a webview change.
          // Protobuf and JSON Schema need a schema chooser the form does not have yet: scripts and
          // .kafka files use them through the command.
          formats: formatInfos()
            .filter((f) => f.format !== 'protobuf' && f.format !== 'jsonschema')
            .map((f) => ({ value: f.format, label: f.label, json: f.json })),
          sections: sectionsOpen,
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
      case 'checkValue': {
        const result = await checkFormValue(this.manager, m.values, m.role);
        this.post({ type: 'valueCheck', requestId: m.requestId, role: m.role, ...result });
        break;
      }
      case 'saveAs':
        this.post({ type: 'saved', ...(await saveFormAs(m.values)) });
        break;
      case 'showReports':
        await this.reports.view.reveal();
        break;
      case 'sections':
        sectionsOpen = m.open;
        break;
    }
  }

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
      else if (values.partitionMode === 'key-hash' || values.partitionMode === 'default') text = keyPartitionText(values, topic.partitions);
      else if (values.partitionMode === 'explicit') {
        const n = Number(values.partition);
        text =
          Number.isInteger(n) && n >= 0 && n < topic.partitions
            ? `Partition ${n} of ${topic.partitions}.`
            : `Partition ${values.partition} does not exist: "${topic.name}" has ${topic.partitions} partition${topic.partitions === 1 ? '' : 's'} (${topic.partitions === 1 ? 'valid: 0' : `valid: 0 to ${topic.partitions - 1}`}).`;
      } else text = spreadText(topic.partitions);
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
    const run = this.reports.store.startRun(producedWith(values, spec.transaction !== undefined));
    const hooks = {
      signal: controller.signal,
      keepReports: 0,
      onReport: (r: RecordReport) => this.reports.store.add(run, r),
      onProgress: (p: { total: number; handedOver: number; delivered: number; failed: number; recordsPerSecond: number; elapsedMs: number }) => {
        if (this.panel.visible) this.post({ type: 'progress', progress: { runId, ...p } });
      },
      onUnawaitedFailure: (r: RecordReport) => logUnawaitedFailure(r),
    };
    try {
      if (replyTopic) {
        const { outcome, reply } = await requestReply(client, spec, { replyTopic, timeoutMs: replyTimeoutMs ?? 10_000 }, hooks);
        this.finish(runId, outcome, run);
        this.post(
          reply.ok
            ? { type: 'reply', runId, ok: true, text: `Reply after ${reply.waitedMs} ms on ${replyTopic} partition ${reply.reply.partition} offset ${reply.reply.offset} (correlation id ${reply.correlationId}).`, value: reply.reply.value ?? '', headers: reply.reply.headers }
            : { type: 'reply', runId, ok: false, text: reply.message },
        );
      } else {
        const outcome = await runProduce(client, prepared!, hooks);
        this.finish(runId, outcome, run);
      }
    } catch (e) {
      this.reports.store.endRun(run);
      this.post({ type: 'rejected', requestId, message: (e as Error).message, errors: {} });
    } finally {
      this.runs.delete(runId);
    }
  }

  private finish(runId: number, outcome: ProduceOutcome, run: ReportRun): void {
    log().info(describeOutcome(outcome));
    run.with.transactionalId = outcome.transactionalId;
    this.reports.store.endRun(run, outcome.transactionOutcome);
    this.post({ type: 'done', summary: summaryOf(runId, outcome) });
  }
}

/** The formats and schema sources of a form's send, for its delivery reports. */
export function producedWith(values: ProduceFormValues, transactional: boolean): ProducedWith {
  return {
    connection: values.connection,
    keyFormat: values.keyFormat,
    valueFormat: values.valueFormat,
    keyAvro: values.keyFormat === 'avro' ? avroChoiceFromForm(values, 'key') : undefined,
    avro: values.valueFormat === 'avro' ? avroChoiceFromForm(values, 'value') : undefined,
    transactional,
  };
}
