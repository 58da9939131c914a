import * as vscode from 'vscode';
import { AVRO_DESERIALIZER, avroDeserializer } from '../../core/consume/avroDeserializer';
import { deserializers, registerDeserializer, type DeserializerName } from '../../core/consume/deserializers';
import type { CommitMode, Isolation } from '../../core/kafka/consumer';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { topicNames, topicPartitions, type StartPosition } from '../../core/kafka/offsets';
import type { SourceValues, StartKind } from '../../../webview/src/consume/protocol';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { topicTargetOf, type TopicTarget } from '../explorer/targets';
import { AUTO_DESERIALIZER, autoDeserializer } from './autoFormat';
import { chooseAvroSchemas, withAvroDeserializers, type AvroConsumeChoice } from './avroConsume';
import { chooseSchemaFormatFile, registerSchemaFormatDeserializers, withSchemaFormatDeserializers, type SchemaFormatConsumeOptions } from './schemaFormatsConsume';
import { JSON_SCHEMA_DESERIALIZER } from '../../core/consume/jsonSchemaDeserializer';
import { PROTOBUF_DESERIALIZER } from '../../core/consume/protobufDeserializer';
import { Cancelled, QuickFlow, runSteps, type FlowItem } from './consumeFlow';
import { consumeSettings } from './consumeSettings';
import { registerRecordDocuments } from './recordDocuments';
import { parseOffsets, parseTime, requestFromSource, resolveNewest } from './consumeSource';
import { openConsumeViewer, type ConsumeRequest, type ConsumeViewerHandle } from './consumeViewer';

export const CONSUME_COMMAND = 'kafkaWorkbench.consumeFromOffset';
/** One click on a topic (or partition): its newest records, then live, formats detected. */
export const VIEW_TOPIC_COMMAND = 'kafkaWorkbench.viewTopic';

/**
 * The full set of choices, as tests and other views pass them: no quick picks are shown.
 * Everything but connectionName, topic and start has a default.
 */
export interface ConsumeCommandOptions extends SchemaFormatConsumeOptions {
  connectionName: string;
  topic: string;
  /** `newest`: the last `count` records of each partition (the setting when absent), then live. */
  start: StartPosition | { kind: 'newest'; count?: number };
  partitions?: number[];
  group?: { groupId: string; commit: CommitMode; autoCommitIntervalMs?: number };
  isolation?: Isolation;
  /** Default 'string'; 'auto' detects JSON, Avro (by the registry's magic byte), text or hex per record. */
  keyFormat?: DeserializerName;
  valueFormat?: DeserializerName;
  /** With valueFormat 'avro': the writer schema of raw Avro and an optional reader schema (.avsc files). */
  avro?: AvroConsumeChoice;
  /** The same with keyFormat 'avro'. */
  keyAvro?: AvroConsumeChoice;
  capacity?: number;
}

/** Small UI state remembered per topic (never records): the last choices of the flow. */
interface Remembered extends SourceValues {
  avro?: AvroConsumeChoice;
  keyAvro?: AvroConsumeChoice;
  schemaFormats?: SchemaFormatConsumeOptions;
}

function isOptions(arg: unknown): arg is ConsumeCommandOptions {
  return !!arg && typeof arg === 'object' && 'start' in arg && typeof (arg as { start?: unknown }).start === 'object';
}

async function connectedClient(manager: ConnectionManager, name: string) {
  const existing = manager.client(name);
  if (existing) return existing;
  await manager.connect(name);
  const client = manager.client(name);
  if (!client) throw new KafkaWorkbenchError(`Could not connect to "${name}".`, 'other');
  return client;
}

async function pickOne<T>(title: string, items: FlowItem<T>[]): Promise<T> {
  const choice = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!choice) throw new Cancelled();
  return choice.value;
}

async function chooseTarget(manager: ConnectionManager): Promise<TopicTarget> {
  const profiles = manager.profiles();
  if (profiles.length === 0) throw new KafkaWorkbenchError('There is no connection yet: add one with "Kafka: Add Connection".', 'invalid-input');
  const connectionName =
    profiles.length === 1
      ? profiles[0].name
      : await pickOne(
          'Consume from Offset: connection',
          profiles.map((p) => ({ label: p.name, description: p.bootstrapServers.join(', '), value: p.name })),
        );
  const client = await connectedClient(manager, connectionName);
  const topics = await topicNames(client);
  if (topics.length === 0) throw new KafkaWorkbenchError(`"${connectionName}" has no topics yet.`, 'invalid-input');
  const topic = await pickOne('Consume from Offset: topic', topics.map((t) => ({ label: t, value: t })));
  return { connectionName, topic };
}

const COMMIT_LABELS: Record<CommitMode, string> = { manual: 'Manual commit', automatic: 'Automatic commit', afterDisplay: 'Commit after display' };

function describeSource(s: SourceValues): string {
  const start = s.start === 'newest' ? `newest ${s.startValue}` : s.startValue ? `${s.start} ${s.startValue}` : s.start;
  const group = s.group ? `${s.group} (${COMMIT_LABELS[s.commit].toLowerCase()})` : 'no group';
  return `${start} · ${s.partitions || 'all partitions'} · ${group} · ${s.isolation} · key ${s.keyFormat}, value ${s.valueFormat}`;
}

function baseRequest(target: TopicTarget): ConsumeRequest {
  return {
    connectionName: target.connectionName,
    topic: target.topic,
    start: { kind: 'latest' },
    isolation: 'read_committed',
    keyFormat: AUTO_DESERIALIZER,
    valueFormat: AUTO_DESERIALIZER,
    capacity: consumeSettings.maxRecords(),
  };
}

export function registerConsumeCommands(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  // Listed among the choices; each viewer gets its own instance bound to its registry and schemas.
  registerDeserializer(autoDeserializer());
  registerDeserializer(avroDeserializer());
  registerSchemaFormatDeserializers();
  const memoryKey = (t: TopicTarget) => `consume:${t.connectionName}:${t.topic}`;
  const formatItems = () =>
    deserializers().map((d) => ({
      label: d.label,
      value: d.name,
      description:
        d.name === AUTO_DESERIALIZER
          ? 'JSON, Avro by the registry’s schema id, UTF-8 text, else hex: per record'
          : d.name === AVRO_DESERIALIZER
            ? 'Schema Registry (wire format) or a workspace .avsc, optional reader schema'
            : undefined,
    }));

  /** The single multi-step flow of "Consume from Offset…": start, partitions, group, isolation, formats. */
  async function interactive(target: TopicTarget): Promise<ConsumeRequest> {
    const client = await connectedClient(manager, target.connectionName);
    const all = await topicPartitions(client, target.topic);
    const remembered = context.globalState.get<Remembered>(memoryKey(target));
    const hasRegistry = manager.profiles().some((p) => p.name === target.connectionName && p.schemaRegistry !== undefined);
    const askPartitions = target.partition === undefined && all.length > 1;
    const flow = new QuickFlow(`Consume ${target.topic}`, askPartitions ? 5 : 4);
    const newestN = consumeSettings.newestPerPartition();
    const s: Remembered = {
      start: 'newest',
      startValue: String(newestN),
      partitions: target.partition !== undefined ? String(target.partition) : '',
      group: '',
      commit: 'manual',
      isolation: 'read_committed',
      keyFormat: AUTO_DESERIALIZER,
      valueFormat: AUTO_DESERIALIZER,
    };
    let asLastTime = false;
    let step = 0;
    const suggested = `kafka-workbench-${target.topic}`;
    await runSteps([
      async () => {
        step = 1;
        const items: FlowItem<StartKind | 'last'>[] = [
          ...(remembered ? [{ label: 'Start as last time', description: describeSource(remembered), value: 'last' as const }] : []),
          { label: `Newest ${newestN} per partition`, description: 'then live', value: 'newest' },
          { label: 'Earliest', description: 'the oldest record still kept', value: 'earliest' },
          { label: 'Latest', description: 'only records produced from now on', value: 'latest' },
          { label: 'Specific offset…', description: 'checked against each partition’s earliest and latest offsets', value: 'offset' },
          { label: 'Timestamp…', description: 'the first record at or after a time', value: 'timestamp' },
          { label: "Group's committed offset", description: 'where a consumer group left off', value: 'committed' },
        ];
        const kind = await flow.pick(step, 'Start at', items, remembered ? 'last' : 'newest');
        asLastTime = kind === 'last';
        if (kind === 'last') return;
        s.start = kind;
        s.startValue = kind === 'newest' ? String(newestN) : '';
        if (kind === 'offset') {
          s.startValue = await flow.input(step, 'One offset for every partition, or partition:offset pairs, e.g. 0:120, 1:87', '', (v) => {
            try {
              parseOffsets(v, []);
              return v.trim() ? undefined : 'Enter an offset.';
            } catch (e) {
              return (e as Error).message;
            }
          });
        } else if (kind === 'timestamp') {
          s.startValue = await flow.input(step, 'A date and time (e.g. 2024-05-01T12:00:00Z) or milliseconds since 1970', new Date(Date.now() - 3_600_000).toISOString(), (v) =>
            parseTime(v) === undefined ? 'Not a date and time: use e.g. 2024-05-01T12:00:00Z.' : undefined,
          );
        }
      },
      async () => {
        if (asLastTime || !askPartitions) return false;
        step = 2;
        const chosen = await flow.pickMany(step, 'Keep "All partitions", or choose some', [
          { label: 'All partitions', value: -1, picked: true },
          ...all.map((p) => ({ label: `Partition ${p}`, value: p, picked: false })),
        ]);
        s.partitions = chosen.length === 0 || chosen.includes(-1) ? '' : chosen.join(', ');
      },
      async () => {
        if (asLastTime) return false;
        step = askPartitions ? 3 : 2;
        const modes: CommitMode[] = ['manual', 'automatic', 'afterDisplay'];
        const choice = await flow.pick<string>(step, 'Consumer group and commit mode', [
          ...(s.start === 'committed' ? [] : [{ label: 'No group', description: 'partitions read directly; nothing committed', value: '' }]),
          ...modes.map((m) => ({ label: `${COMMIT_LABELS[m]} in ${suggested}`, description: m === 'automatic' ? `every ${consumeSettings.autoCommitIntervalMs() / 1000} s` : undefined, value: `${m}:${suggested}` })),
          { label: 'Other group…', value: 'other' },
        ]);
        if (choice === 'other') {
          s.group = (await flow.input(step, 'Consumer group id', '', (v) => (v.trim() ? undefined : 'Enter a group id.'))).trim();
          s.commit = await flow.pick<CommitMode>(step, `Commit mode for ${s.group}`, modes.map((m) => ({ label: COMMIT_LABELS[m], value: m })));
        } else if (choice) {
          const at = choice.indexOf(':');
          s.commit = choice.slice(0, at) as CommitMode;
          s.group = choice.slice(at + 1);
        } else s.group = '';
      },
      async () => {
        if (asLastTime) return false;
        step = askPartitions ? 4 : 3;
        s.isolation = await flow.pick<Isolation>(step, 'Isolation', [
          { label: 'read_committed', description: 'hide records of aborted transactions', value: 'read_committed' },
          { label: 'read_uncommitted', description: 'show every record, aborted transactions too', value: 'read_uncommitted' },
        ]);
      },
      async () => {
        if (asLastTime) return false;
        step = askPartitions ? 5 : 4;
        const both = await flow.pick<string>(step, 'Value format (the key is read the same way unless you choose separately)', [
          ...formatItems(),
          { label: 'Key and value separately…', value: 'separately' },
        ]);
        if (both === 'separately') {
          s.keyFormat = await flow.pick(step, 'Key format', formatItems());
          s.valueFormat = await flow.pick(step, 'Value format', formatItems());
        } else {
          s.valueFormat = both;
          // Schema-typed keys are rare: such a value keeps the key auto-detected (wire-format keys are still found by schema id).
          s.keyFormat = both === AVRO_DESERIALIZER || both === PROTOBUF_DESERIALIZER || both === JSON_SCHEMA_DESERIALIZER ? AUTO_DESERIALIZER : both;
        }
      },
    ]);
    const chosen: Remembered = asLastTime && remembered ? { ...remembered, partitions: target.partition !== undefined ? String(target.partition) : remembered.partitions } : s;
    if (!asLastTime) {
      if (s.keyFormat === AVRO_DESERIALIZER) s.keyAvro = (await chooseAvroSchemas(hasRegistry, 'key')) ?? cancel();
      if (s.valueFormat === AVRO_DESERIALIZER) s.avro = (await chooseAvroSchemas(hasRegistry, 'value')) ?? cancel();
      const schemaFormats: SchemaFormatConsumeOptions = {};
      for (const role of ['key', 'value'] as const) {
        const format = role === 'key' ? s.keyFormat : s.valueFormat;
        if (format !== PROTOBUF_DESERIALIZER && format !== JSON_SCHEMA_DESERIALIZER) continue;
        const choice = (await chooseSchemaFormatFile(format, hasRegistry, role)) ?? cancel();
        if (format === PROTOBUF_DESERIALIZER) schemaFormats[role === 'key' ? 'keyProtobuf' : 'protobuf'] = choice;
        else schemaFormats[role === 'key' ? 'keyJsonSchema' : 'jsonSchema'] = choice;
      }
      s.schemaFormats = schemaFormats;
      await context.globalState.update(memoryKey(target), s);
    }
    const request = requestFromSource(chosen, baseRequest(target), all, consumeSettings.autoCommitIntervalMs());
    return { ...request, avro: chosen.avro, keyAvro: chosen.keyAvro, schemaFormats: chosen.schemaFormats };
  }

  /** Opens a viewer; `schemas` are a script's Protobuf / JSON Schema choices (the registry is used otherwise). */
  async function open(request: ConsumeRequest, schemas?: SchemaFormatConsumeOptions): Promise<ConsumeViewerHandle> {
    const client = await connectedClient(manager, request.connectionName);
    const partitions = await topicPartitions(client, request.topic);
    const schemaFormats = schemas && { protobuf: schemas.protobuf, keyProtobuf: schemas.keyProtobuf, jsonSchema: schemas.jsonSchema, keyJsonSchema: schemas.keyJsonSchema };
    return openConsumeViewer(context.extensionUri, client, schemaFormats ? { ...request, schemaFormats } : request, {
      partitions,
      prepare: async (r) => resolveNewest(client, await withSchemaFormatDeserializers(manager, await withAvroDeserializers(manager, r))),
    });
  }

  return [
    ...registerRecordDocuments(),
    registerCommand(CONSUME_COMMAND, 'Consume from Offset', async (arg?: unknown): Promise<ConsumeViewerHandle | undefined> => {
      let request: ConsumeRequest;
      try {
        if (isOptions(arg)) {
          const start = arg.start;
          request = {
            connectionName: arg.connectionName,
            topic: arg.topic,
            start: start.kind === 'newest' ? { kind: 'latest' } : start,
            newest: start.kind === 'newest' ? (start.count ?? consumeSettings.newestPerPartition()) : undefined,
            partitions: arg.partitions,
            group: arg.group,
            isolation: arg.isolation ?? 'read_committed',
            keyFormat: arg.keyFormat ?? 'string',
            valueFormat: arg.valueFormat ?? 'string',
            avro: arg.avro,
            keyAvro: arg.keyAvro,
            capacity: arg.capacity ?? consumeSettings.maxRecords(),
          };
        } else {
          const target = topicTargetOf(arg) ?? (await chooseTarget(manager));
          const a = (arg ?? {}) as { offset?: unknown; keyFormat?: unknown; valueFormat?: unknown; isolation?: unknown; avro?: AvroConsumeChoice; keyAvro?: AvroConsumeChoice };
          if (target.partition !== undefined && (typeof a.offset === 'string' || typeof a.offset === 'number')) {
            // "Open in viewer" from a delivery report: straight to that record, nothing asked.
            request = {
              ...baseRequest(target),
              partitions: [target.partition],
              start: { kind: 'offset', offset: String(a.offset) },
              isolation: a.isolation === 'read_committed' ? 'read_committed' : 'read_uncommitted',
              keyFormat: typeof a.keyFormat === 'string' ? a.keyFormat : AUTO_DESERIALIZER,
              valueFormat: typeof a.valueFormat === 'string' ? a.valueFormat : AUTO_DESERIALIZER,
              avro: a.avro,
              keyAvro: a.keyAvro,
            };
          } else {
            request = await interactive(target);
          }
        }
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        throw e;
      }
      return open(request, isOptions(arg) ? arg : undefined);
    }),
    registerCommand(VIEW_TOPIC_COMMAND, 'View Records', async (arg?: unknown): Promise<ConsumeViewerHandle | undefined> => {
      let target: TopicTarget;
      try {
        target = topicTargetOf(arg) ?? (await chooseTarget(manager));
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        throw e;
      }
      return open({
        ...baseRequest(target),
        partitions: target.partition !== undefined ? [target.partition] : undefined,
        newest: consumeSettings.newestPerPartition(),
      });
    }),
  ];
}

function cancel(): never {
  throw new Cancelled();
}
