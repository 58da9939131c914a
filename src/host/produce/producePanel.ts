import * as vscode from 'vscode';
import { availableCompressions } from '../../core/kafka/producer';
import { createTopic } from '../../core/kafka/topics';
import { listTopicInfos, validateTopicName } from '../../core/kafka/topics';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { prepareProduce, previewKeyPartition, requestReply, runProduce, type ProduceOutcome, type RecordReport } from '../../core/produce/produceService';
import { displayUrl } from '../../core/avro/registry';
import { formatInfos } from '../../core/produce/serializers';
import { SCHEMA_FORMATS, type FieldErrors, type ProduceFormValues, type ProduceMessage, type ProduceRequest, type RunSummary } from '../../../webview/src/produce/protocol';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { onCheckedMessage } from '../webviews/messageGuard';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { AvroChoiceError, avroChoiceFromForm, pickSchemaFile, withAvroSchemas } from './avroValue';
import type { DeliveryReportStore, DeliveryReportsView, ProducedWith, ReportRun } from './deliveryReports';
import { FormPaths } from './formPaths';
import { PRODUCE_REQUEST_SCHEMA } from './produceSchema';
import { saveFormAs } from './saveAs';
import { saveFormAsKafka } from '../kafkaFile/saveAsKafka';
import { checkFormValue } from './valueCheck';
import { schemaChoicesFromForm } from './schemaFormatForm';
import { withSchemaFormats } from './schemaFormatValue';
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
  if (SCHEMA_FORMATS.includes(values.keyFormat)) return `The ${values.keyFormat === 'avro' ? 'Avro' : values.keyFormat === 'protobuf' ? 'Protobuf' : 'JSON Schema'}-encoded key is hashed when sent ${hashing} over ${partitions} partitions.`;
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
  private readonly paths = new FormPaths();
  private disposed = false;

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
    this.paths.offer(initial);
    const sub = onCheckedMessage(this.panel.webview, PRODUCE_REQUEST_SCHEMA, 'produce form', log(), (m) => void this.onMessage(m).catch((e: unknown) => log().error(`produce panel: ${String(e)}`)));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      sub.dispose();
      for (const c of this.runs.values()) c.abort();
      ProducePanel.current = undefined;
    });
  }

  /** Closes the panel (on deactivation): its runs are aborted and nothing is posted after. */
  static close(): void {
    ProducePanel.current?.panel.dispose();
  }

  private post(message: ProduceMessage): void {
    // A run or a lookup may finish after the panel closed: posting to a disposed webview throws.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private prefill(values: ProduceFormValues): void {
    this.paths.offer(values);
    if (this.ready) this.post({ type: 'prefill', values });
    else this.pendingPrefill = values;
  }

  private async onMessage(m: ProduceRequest): Promise<void> {
    const refused = 'values' in m && this.paths.refused(m.values);
    if (refused && 'values' in m) return this.refusePaths(m, refused);
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
          formats: formatInfos().map((f) => ({ value: f.format, label: f.label, json: f.json })),
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
        this.paths.picked('records', files?.[0]?.fsPath);
        this.post({ type: 'filePicked', requestId: m.requestId, path: files?.[0]?.fsPath });
        break;
      }
      case 'pickSchema': {
        const file = await pickSchemaFile(`Schema of the ${m.role}`, m.format);
        this.paths.picked('schema', file && vscode.workspace.asRelativePath(file));
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
      case 'saveAsKafka': {
        const { ok, text } = await saveFormAsKafka(m.values).catch((e: unknown) => ({ ok: false, text: `Could not save as .kafka: ${e instanceof Error ? e.message : String(e)}` }));
        this.post({ type: 'saved', ok, text });
        break;
      }
      case 'showReports':
        await this.reports.view.reveal();
        break;
      case 'sections':
        sectionsOpen = m.open;
        break;
    }
  }

  /** A request naming a file the host did not hand out: answered with the fields to fix, nothing read. */
  private refusePaths(m: Extract<ProduceRequest, { values: ProduceFormValues }>, errors: FieldErrors): void {
    const text = Object.values(errors)[0] ?? '';
    log().warn(`produce form: refused a ${m.type} naming a file the form did not choose (${Object.keys(errors).join(', ')})`);
    if (m.type === 'send') this.post({ type: 'rejected', requestId: m.requestId, message: text, errors });
    else if (m.type === 'preview') this.post({ type: 'preview', requestId: m.requestId, text: '', errors });
    else if (m.type === 'checkValue') this.post({ type: 'valueCheck', requestId: m.requestId, role: m.role, ok: false, text, marks: [], completions: [] });
    else this.post({ type: 'saved', ok: false, text });
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
      this.post({ type: 'registry', connection, url: displayUrl(profile.schemaRegistry.url), subjects: [], error: e instanceof Error ? e.message : String(e) });
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
      spec = await withSchemaFormats(this.manager, client, values.connection, spec, schemaChoicesFromForm(values));
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
    ...schemaChoicesFromForm(values),
    transactional,
  };
}
