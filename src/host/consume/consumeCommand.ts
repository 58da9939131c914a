import * as vscode from 'vscode';
import { AVRO_DESERIALIZER, avroDeserializer } from '../../core/consume/avroDeserializer';
import { deserializers, registerDeserializer, type DeserializerName } from '../../core/consume/deserializers';
import type { CommitMode, Isolation, TailGroup } from '../../core/kafka/consumer';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { topicNames, topicPartitions, type StartPosition } from '../../core/kafka/offsets';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { topicTargetOf, type TopicTarget } from '../explorer/targets';
import { chooseAvroSchemas, withAvroDeserializers, type AvroConsumeChoice } from './avroConsume';
import { consumeSettings } from './consumeSettings';
import { registerSchemaFormatDeserializers, withSchemaFormatDeserializers, type SchemaFormatConsumeOptions } from './schemaFormatsConsume';
import { openConsumeViewer, type ConsumeRequest, type ConsumeViewerHandle } from './consumeViewer';

export const CONSUME_COMMAND = 'kafkaWorkbench.consumeFromOffset';

/**
 * The full set of choices, as tests and other views pass them: no quick picks are shown.
 * Everything but connectionName, topic and start has a default.
 */
export interface ConsumeCommandOptions extends SchemaFormatConsumeOptions {
  connectionName: string;
  topic: string;
  start: StartPosition;
  partitions?: number[];
  group?: { groupId: string; commit: CommitMode; autoCommitIntervalMs?: number };
  isolation?: Isolation;
  keyFormat?: DeserializerName;
  valueFormat?: DeserializerName;
  /** With valueFormat 'avro': the writer schema of raw Avro and an optional reader schema (.avsc files). */
  avro?: AvroConsumeChoice;
  /** The same with keyFormat 'avro'. */
  keyAvro?: AvroConsumeChoice;
  capacity?: number;
}

/** Small UI state remembered per topic (never records). */
interface Remembered {
  start: StartPosition['kind'];
  group?: { groupId: string; commit: CommitMode };
  isolation: Isolation;
  keyFormat: DeserializerName;
  valueFormat: DeserializerName;
  avro?: AvroConsumeChoice;
  keyAvro?: AvroConsumeChoice;
}

class Cancelled extends Error {}

function picked<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
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

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(title: string, items: Item<T>[], placeHolder?: string): Promise<T> {
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked(choice).value;
}

async function chooseTarget(manager: ConnectionManager): Promise<TopicTarget> {
  const profiles = manager.profiles();
  if (profiles.length === 0) throw new KafkaWorkbenchError('There is no connection yet: add one with "Kafka: Add Connection".', 'invalid-input');
  const connectionName =
    profiles.length === 1
      ? profiles[0].name
      : await pick(
          'Consume from Offset: connection',
          profiles.map((p) => ({ label: p.name, description: p.bootstrapServers.join(', '), value: p.name })),
        );
  const client = await connectedClient(manager, connectionName);
  const topics = await topicNames(client);
  if (topics.length === 0) throw new KafkaWorkbenchError(`"${connectionName}" has no topics yet.`, 'invalid-input');
  const topic = await pick('Consume from Offset: topic', topics.map((t) => ({ label: t, value: t })));
  return { connectionName, topic };
}

function parseOffsets(text: string, partitions: number[]): string | Record<number, string> {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return t;
  const out: Record<number, string> = {};
  for (const part of t.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+):(-?\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not partition:offset.`);
    out[Number(m[1])] = m[2];
  }
  for (const p of partitions) if (out[p] === undefined) throw new Error(`No offset for partition ${p}.`);
  return out;
}

async function chooseStart(kind: StartPosition['kind'] | 'ask', partitions: number[], target: TopicTarget): Promise<StartPosition> {
  const k =
    kind !== 'ask'
      ? kind
      : await pick<StartPosition['kind']>('Consume from Offset: start at', [
          { label: 'Earliest', description: 'the oldest record still kept', value: 'earliest' },
          { label: 'Latest', description: 'only records produced from now on', value: 'latest' },
          { label: 'Specific offset…', description: 'checked against each partition’s earliest and latest offsets', value: 'offset' },
          { label: 'Timestamp…', description: 'the first record at or after a time', value: 'timestamp' },
          { label: "Group's committed offset", description: 'where a consumer group left off', value: 'committed' },
        ]);
  if (k === 'offset') {
    const text = picked(
      await vscode.window.showInputBox({
        title: `Start offset for ${target.topic}`,
        prompt: partitions.length === 1 ? `Offset in partition ${partitions[0]}` : 'One offset for every partition, or partition:offset pairs, e.g. 0:120, 1:87',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            parseOffsets(v, partitions);
            return /(^|:)-/.test(v.trim()) ? 'Offsets cannot be negative.' : undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      }),
    );
    return { kind: 'offset', offset: parseOffsets(text, partitions) };
  }
  if (k === 'timestamp') {
    const text = picked(
      await vscode.window.showInputBox({
        title: `Start time for ${target.topic}`,
        prompt: 'A date and time (e.g. 2024-05-01T12:00:00Z) or milliseconds since 1970',
        value: new Date(Date.now() - 3_600_000).toISOString(),
        ignoreFocusOut: true,
        validateInput: (v) => (Number.isFinite(/^\d+$/.test(v.trim()) ? Number(v) : Date.parse(v)) ? undefined : 'Not a date and time.'),
      }),
    );
    return { kind: 'timestamp', timestamp: /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text) };
  }
  return { kind: k };
}

async function choosePartitions(all: number[], target: TopicTarget): Promise<number[] | undefined> {
  if (target.partition !== undefined) return [target.partition];
  if (all.length === 1) return undefined;
  const items = [
    { label: 'All partitions', value: -1, picked: true },
    ...all.map((p) => ({ label: `Partition ${p}`, value: p, picked: false })),
  ];
  const chosen = picked(
    await vscode.window.showQuickPick(items, {
      title: 'Consume from Offset: partitions',
      canPickMany: true,
      placeHolder: 'Keep "All partitions", or choose some',
      ignoreFocusOut: true,
    }),
  );
  if (chosen.length === 0 || chosen.some((c) => c.value === -1)) return undefined;
  return chosen.map((c) => c.value);
}

async function chooseGroup(target: TopicTarget, needsGroup: boolean): Promise<TailGroup | undefined> {
  const suggested = `kafka-workbench-${target.topic}`;
  const choice = await pick<string | null | 'other'>('Consume from Offset: consumer group', [
    ...(needsGroup ? [] : [{ label: 'No group', description: 'partitions read directly; nothing committed', value: null }]),
    { label: suggested, description: 'suggested group', value: suggested },
    { label: 'Other group…', value: 'other' },
  ]);
  if (choice === null) return undefined;
  const groupId =
    choice === 'other'
      ? picked(
          await vscode.window.showInputBox({
            title: 'Consumer group id',
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : 'Enter a group id.'),
          }),
        ).trim()
      : choice;
  const commit = await pick<CommitMode>(`Commit mode for ${groupId}`, [
    { label: 'Manual', description: 'a Commit button commits the last record shown, or a selected record', value: 'manual' },
    { label: 'Automatic', description: `every ${consumeSettings.autoCommitIntervalMs() / 1000} s`, value: 'automatic' },
    { label: 'After display', description: 'commits what the viewer has drawn', value: 'afterDisplay' },
  ]);
  return { groupId, commit, autoCommitIntervalMs: consumeSettings.autoCommitIntervalMs() };
}

async function chooseFormat(which: 'key' | 'value'): Promise<DeserializerName> {
  return pick(
    `Consume from Offset: ${which} deserializer`,
    deserializers().map((d) => ({ label: d.label, value: d.name, description: d.name === AVRO_DESERIALIZER ? 'Schema Registry (wire format) or a workspace .avsc, optional reader schema' : undefined })),
  );
}

function describeRemembered(r: Remembered): string {
  return `${r.start}, ${r.group ? `group ${r.group.groupId} (${r.group.commit})` : 'no group'}, ${r.isolation}, key ${r.keyFormat}, value ${r.valueFormat}`;
}

export function registerConsumeCommands(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  // Listed among the choices; each viewer gets its own instance bound to its registry and schemas.
  registerDeserializer(avroDeserializer());
  registerSchemaFormatDeserializers();
  const memoryKey = (t: TopicTarget) => `consume:${t.connectionName}:${t.topic}`;

  async function interactive(target: TopicTarget): Promise<ConsumeRequest> {
    const client = await connectedClient(manager, target.connectionName);
    const all = await topicPartitions(client, target.topic);
    const remembered = context.globalState.get<Remembered>(memoryKey(target));
    if (remembered && remembered.start !== 'offset' && remembered.start !== 'timestamp') {
      const again = await pick<boolean>(`Consume ${target.topic}`, [
        { label: 'Start as last time', description: describeRemembered(remembered), value: true },
        { label: 'Choose…', value: false },
      ]);
      if (again) {
        return {
          connectionName: target.connectionName,
          topic: target.topic,
          partitions: target.partition !== undefined ? [target.partition] : undefined,
          start: { kind: remembered.start } as StartPosition,
          group: remembered.group ? { ...remembered.group, autoCommitIntervalMs: consumeSettings.autoCommitIntervalMs() } : undefined,
          isolation: remembered.isolation,
          keyFormat: remembered.keyFormat,
          valueFormat: remembered.valueFormat,
          avro: remembered.avro,
          keyAvro: remembered.keyAvro,
          capacity: consumeSettings.maxRecords(),
        };
      }
    }
    const partitions = await choosePartitions(all, target);
    const start = await chooseStart('ask', partitions ?? all, target);
    const group = await chooseGroup(target, start.kind === 'committed');
    const isolation = await pick<Isolation>('Consume from Offset: isolation', [
      { label: 'read_committed', description: 'hide records of aborted transactions', value: 'read_committed' },
      { label: 'read_uncommitted', description: 'show every record, aborted transactions too', value: 'read_uncommitted' },
    ]);
    const keyFormat = await chooseFormat('key');
    const valueFormat = await chooseFormat('value');
    const hasRegistry = manager.profiles().some((p) => p.name === target.connectionName && p.schemaRegistry !== undefined);
    const keyAvro = keyFormat === AVRO_DESERIALIZER ? picked(await chooseAvroSchemas(hasRegistry, 'key')) : undefined;
    const avro = valueFormat === AVRO_DESERIALIZER ? picked(await chooseAvroSchemas(hasRegistry, 'value')) : undefined;
    await context.globalState.update(memoryKey(target), {
      start: start.kind,
      group: group ? { groupId: group.groupId, commit: group.commit } : undefined,
      isolation,
      keyFormat,
      valueFormat,
      avro,
      keyAvro,
    } satisfies Remembered);
    return { connectionName: target.connectionName, topic: target.topic, partitions, start, group, isolation, keyFormat, valueFormat, avro, keyAvro, capacity: consumeSettings.maxRecords() };
  }

  return [
    registerCommand(CONSUME_COMMAND, 'Consume from Offset', async (arg?: unknown): Promise<ConsumeViewerHandle | undefined> => {
      let request: ConsumeRequest;
      try {
        if (isOptions(arg)) {
          request = {
            connectionName: arg.connectionName,
            topic: arg.topic,
            start: arg.start,
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
          const offset = (arg as { offset?: unknown } | undefined)?.offset;
          if (target.partition !== undefined && (typeof offset === 'string' || typeof offset === 'number')) {
            // "Open in viewer" from a delivery report: straight to that record, nothing asked.
            request = {
              connectionName: target.connectionName,
              topic: target.topic,
              partitions: [target.partition],
              start: { kind: 'offset', offset: String(offset) },
              isolation: 'read_uncommitted',
              keyFormat: 'string',
              valueFormat: 'string',
              capacity: consumeSettings.maxRecords(),
            };
          } else {
            request = await interactive(target);
          }
        }
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        throw e;
      }
      request = await withAvroDeserializers(manager, request);
      request = await withSchemaFormatDeserializers(manager, request, isOptions(arg) ? arg : undefined);
      const client = await connectedClient(manager, request.connectionName);
      return openConsumeViewer(context.extensionUri, client, request);
    }),
  ];
}
