import * as vscode from 'vscode';
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { deleteGroup, describeGroup, groupNotEmptyError, resetGroupOffsets, type ResetTarget } from '../../core/kafka/groups';
import {
  addPartitions,
  collidingTopic,
  createTopic,
  deleteTopic,
  describePartitions,
  listTopicInfos,
  setTopicConfig,
  validateTopicName,
  type NewTopic,
} from '../../core/kafka/topics';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { settings } from '../settings';
import { registerClusterCommands } from './clusterCommands';
import type { ClusterTreeProvider, ExplorerNode } from './clusterTree';
import { topicTargetOf } from './targets';

/** Common topic configs offered when creating a topic. */
const COMMON_CONFIGS: { name: string; detail: string; validate: (v: string) => string | undefined }[] = [
  { name: 'retention.ms', detail: 'How long records are kept (ms); -1 keeps them forever', validate: (v) => (/^-?\d+$/.test(v) ? undefined : 'Enter a whole number of milliseconds, or -1.') },
  { name: 'cleanup.policy', detail: 'delete (by time/size), compact (latest per key), or compact,delete', validate: (v) => (/^(delete|compact|compact,delete|delete,compact)$/.test(v) ? undefined : 'Enter delete, compact, or compact,delete.') },
  { name: 'max.message.bytes', detail: 'Largest record batch the topic accepts (bytes)', validate: (v) => (/^\d+$/.test(v) ? undefined : 'Enter a whole number of bytes.') },
];

function cancelled(): never {
  throw new vscode.CancellationError();
}

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  return value === undefined ? cancelled() : value;
}

function wholeNumber(min: number, max: number, what: string) {
  return (v: string): string | undefined => {
    const n = Number(v);
    return Number.isInteger(n) && n >= min && n <= max ? undefined : `${what} must be a whole number from ${min} to ${max}.`;
  };
}

/** Anything that names a consumer group: its tree node or `{connectionName, groupId}`. */
function groupOf(arg: unknown): { connectionName: string; groupId: string } | undefined {
  const a = arg as { connectionName?: unknown; groupId?: unknown } | undefined;
  return a && typeof a.connectionName === 'string' && typeof a.groupId === 'string' ? { connectionName: a.connectionName, groupId: a.groupId } : undefined;
}

export function registerExplorerCommands(manager: ConnectionManager, tree: ClusterTreeProvider): vscode.Disposable[] {
  const client = (connectionName: string): KafkaClient => {
    const c = manager.client(connectionName);
    if (!c) throw new KafkaWorkbenchError(`"${connectionName}" is not connected: connect it first.`, 'invalid-input');
    return c;
  };
  const brokerCount = (connectionName: string): number => {
    const status = manager.status(connectionName);
    return status.state === 'connected' ? status.summary.brokers.length : 1;
  };
  const connectedName = async (arg: unknown): Promise<string | undefined> => {
    const named = (arg as { connectionName?: unknown } | undefined)?.connectionName;
    if (typeof named === 'string') return named;
    const connected = manager.profiles().filter((p) => manager.status(p.name).state === 'connected');
    if (connected.length === 1) return connected[0].name;
    const pick = await vscode.window.showQuickPick(
      manager.profiles().map((p) => p.name),
      { title: 'Which connection?' },
    );
    if (pick && manager.status(pick).state !== 'connected') await manager.connect(pick);
    return pick;
  };

  return [
    ...registerClusterCommands(manager, tree),
    registerCommand('kafkaWorkbench.refresh', 'Refresh', () => tree.refresh()),
    registerCommand('kafkaWorkbench.retry', 'Retry', async (connectionName?: string) => {
      if (connectionName && manager.status(connectionName).state !== 'connected') await manager.connect(connectionName);
      tree.refresh();
    }),
    registerCommand('kafkaWorkbench.filter', 'Filter Topics and Groups', async (text?: string) => {
      const value =
        text ??
        (await vscode.window.showInputBox({
          title: 'Filter topics and consumer groups',
          prompt: 'A substring, or a glob with * and ? (e.g. orders-*). Empty clears the filter.',
          value: tree.filter ?? '',
        }));
      if (value !== undefined) tree.setFilter(value);
      return tree.filter;
    }),
    registerCommand('kafkaWorkbench.clearFilter', 'Clear Filter', () => tree.setFilter(undefined)),
    registerCommand('kafkaWorkbench.toggleInternalTopics', 'Show/Hide Internal Topics', async () => {
      const next = !settings.showInternalTopics();
      await vscode.workspace.getConfiguration(settings.section).update('explorer.showInternalTopics', next, vscode.ConfigurationTarget.Global);
      return next;
    }),

    registerCommand('kafkaWorkbench.copyName', 'Copy Name', async (node?: ExplorerNode) => {
      if (!node) return undefined;
      const text =
        node.kind === 'topic' ? node.topic.name
        : node.kind === 'group' ? node.groupId
        : node.kind === 'partition' ? `${node.topicName}-${node.partition.partition}`
        : node.kind === 'config' ? `${node.entry.name}=${node.entry.value ?? ''}`
        : node.kind === 'broker' ? `${node.broker.host}:${node.broker.port}`
        : node.connectionName;
      await vscode.env.clipboard.writeText(text);
      return text;
    }),

    registerCommand('kafkaWorkbench.createTopic', 'Create Topic', async (arg?: unknown, spec?: NewTopic) => {
      const connectionName = await connectedName(arg);
      if (!connectionName) return undefined;
      const kafka = client(connectionName);
      const brokers = brokerCount(connectionName);
      let topic = spec;
      if (!topic) {
        const existing = (await listTopicInfos(kafka)).map((t) => t.name);
        const name = await ask({
          title: 'Create Topic (1/4): name',
          prompt: 'Letters, digits, ".", "_" and "-"; at most 249 characters',
          validateInput: (v) => {
            const problem = validateTopicName(v) ?? (existing.includes(v) ? `Topic "${v}" already exists.` : undefined);
            if (problem) return problem;
            const collision = collidingTopic(v, existing);
            if (collision) return `Collides with "${collision}": Kafka treats "." and "_" alike in metric names.`;
            if (v.includes('.') && v.includes('_')) {
              return { message: 'Mixing "." and "_" invites metric-name collisions; prefer one of them.', severity: vscode.InputBoxValidationSeverity.Warning };
            }
            return undefined;
          },
        });
        const partitions = Number(await ask({ title: 'Create Topic (2/4): partitions', value: '1', validateInput: wholeNumber(1, 100_000, 'Partitions') }));
        const replicationFactor = Number(
          await ask({
            title: 'Create Topic (3/4): replication factor',
            value: String(Math.min(3, brokers)),
            prompt: `At most ${brokers}, the number of brokers`,
            validateInput: wholeNumber(1, brokers, 'The replication factor'),
          }),
        );
        const picks = await vscode.window.showQuickPick(
          COMMON_CONFIGS.map((c) => ({ label: c.name, detail: c.detail })),
          { title: 'Create Topic (4/4): configs to set (none keeps the broker defaults)', canPickMany: true, ignoreFocusOut: true },
        );
        if (!picks) cancelled();
        const configs: Record<string, string> = {};
        for (const pick of picks) {
          const config = COMMON_CONFIGS.find((c) => c.name === pick.label)!;
          configs[config.name] = await ask({ title: `Create Topic: ${config.name}`, prompt: config.detail, validateInput: config.validate });
        }
        topic = { name, partitions, replicationFactor, configs };
      }
      await createTopic(kafka, topic, brokers);
      log().info(`created topic ${topic.name} (${topic.partitions} partitions, RF ${topic.replicationFactor}) on "${connectionName}"`);
      tree.refresh();
      return topic.name;
    }),

    registerCommand('kafkaWorkbench.deleteTopic', 'Delete Topic', async (arg?: unknown, options?: { confirmed?: string }) => {
      const target = topicTargetOf(arg);
      if (!target) throw new KafkaWorkbenchError('Choose a topic in the Kafka view to delete.', 'invalid-input');
      const typed =
        options?.confirmed ??
        (await vscode.window.showInputBox({
          title: `Delete topic "${target.topic}"`,
          prompt: `This deletes every record in it, for every consumer. Type the topic name to confirm.`,
          ignoreFocusOut: true,
          validateInput: (v) => (v === target.topic ? undefined : `Type "${target.topic}" exactly.`),
        }));
      if (typed !== target.topic) return false;
      await deleteTopic(client(target.connectionName), target.topic);
      log().info(`deleted topic ${target.topic} on "${target.connectionName}"`);
      tree.refresh();
      return true;
    }),

    registerCommand('kafkaWorkbench.addPartitions', 'Add Partitions', async (arg?: unknown, count?: number) => {
      const target = topicTargetOf(arg);
      if (!target) throw new KafkaWorkbenchError('Choose a topic in the Kafka view.', 'invalid-input');
      const kafka = client(target.connectionName);
      const current = (await describePartitions(kafka, target.topic)).length;
      const next =
        count ??
        Number(
          await ask({
            title: `Add partitions to "${target.topic}"`,
            prompt: `It has ${current}. Partitions can only be added: keys may map to other partitions afterwards.`,
            value: String(current + 1),
            validateInput: wholeNumber(current + 1, 100_000, 'The new partition count'),
          }),
        );
      await addPartitions(kafka, target.topic, next);
      tree.refresh();
      return next;
    }),

    registerCommand('kafkaWorkbench.editTopicConfig', 'Edit Config', async (arg?: ExplorerNode | { connectionName: string; topic: string; name: string; value: string | null }) => {
      let connectionName: string, topic: string, name: string, value: string | null;
      if (arg && 'kind' in arg) {
        if (arg.kind !== 'config' || arg.owner.type !== 'topic') throw new KafkaWorkbenchError('Choose a topic config in the Kafka view.', 'invalid-input');
        ({ connectionName } = arg);
        topic = arg.owner.topic;
        name = arg.entry.name;
        const typed = await ask({
          title: `${topic}: ${name}`,
          prompt: 'The broker checks the value before it is applied. Empty restores the default.',
          value: arg.entry.value ?? '',
        });
        value = typed === '' ? null : typed;
      } else if (arg) {
        ({ connectionName, topic, name, value } = arg);
      } else {
        throw new KafkaWorkbenchError('Choose a topic config in the Kafka view.', 'invalid-input');
      }
      await setTopicConfig(client(connectionName), topic, name, value);
      log().info(`set ${name}=${value ?? '(default)'} on topic ${topic} ("${connectionName}")`);
      tree.refresh();
      return true;
    }),

    registerCommand(
      'kafkaWorkbench.resetGroupOffsets',
      'Reset Offsets',
      async (arg?: unknown, spec?: { topic: string; target: ResetTarget; partitions?: number[] }) => {
        const group = groupOf(arg);
        if (!group) throw new KafkaWorkbenchError('Choose a consumer group in the Kafka view.', 'invalid-input');
        const kafka = client(group.connectionName);
        let request = spec;
        if (!request) {
          const description = await describeGroup(kafka, group.groupId);
          // Said before asking anything: the reset cannot happen until the group is empty.
          if (description.members.length > 0) throw groupNotEmptyError(description);
          const topics = (await listTopicInfos(kafka)).filter((t) => !t.internal);
          const topicPick = await vscode.window.showQuickPick(topics.map((t) => ({ label: t.name, description: `${t.partitions} partitions` })), {
            title: `Reset offsets of "${group.groupId}": topic`,
          });
          if (!topicPick) cancelled();
          const partitions = await describePartitions(kafka, topicPick.label);
          const partitionPicks = await vscode.window.showQuickPick(
            partitions.map((p) => ({ label: `${p.partition}`, description: `offsets ${p.earliest}–${p.latest}`, picked: true })),
            { title: 'Partitions to reset', canPickMany: true },
          );
          if (!partitionPicks || partitionPicks.length === 0) cancelled();
          const to = await vscode.window.showQuickPick(
            [
              { label: 'Earliest', to: 'earliest' as const, detail: 'Re-read everything still stored' },
              { label: 'Latest', to: 'latest' as const, detail: 'Skip everything stored now' },
              { label: 'Offset…', to: 'offset' as const },
              { label: 'Timestamp…', to: 'timestamp' as const, detail: 'The first offset at or after a time' },
            ],
            { title: 'Reset to' },
          );
          if (!to) cancelled();
          let target: ResetTarget;
          if (to.to === 'offset') {
            target = { to: 'offset', offset: await ask({ title: 'Offset', validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'A whole number ≥ 0') }) };
          } else if (to.to === 'timestamp') {
            const text = await ask({
              title: 'Timestamp',
              prompt: 'ISO date-time (2026-01-31T12:00:00Z) or milliseconds since the epoch',
              validateInput: (v) => (Number.isFinite(/^\d+$/.test(v) ? Number(v) : Date.parse(v)) ? undefined : 'Not a date-time'),
            });
            target = { to: 'timestamp', timestamp: /^\d+$/.test(text) ? Number(text) : Date.parse(text) };
          } else {
            target = { to: to.to };
          }
          request = { topic: topicPick.label, target, partitions: partitionPicks.map((p) => Number(p.label)) };
        }
        const offsets = await resetGroupOffsets(kafka, group.groupId, request.topic, request.target, request.partitions);
        log().info(`reset ${group.groupId} on ${request.topic}: ${offsets.map((o) => `${o.partition}→${o.offset}`).join(', ')}`);
        void vscode.window.showInformationMessage(
          `Offsets of "${group.groupId}" on ${request.topic} now: ${offsets.map((o) => `partition ${o.partition} → ${o.offset}`).join(', ')}.`,
        );
        tree.refresh();
        return offsets;
      },
    ),

    registerCommand('kafkaWorkbench.deleteGroup', 'Delete Group', async (arg?: unknown, options?: { confirmed?: boolean }) => {
      const group = groupOf(arg);
      if (!group) throw new KafkaWorkbenchError('Choose a consumer group in the Kafka view.', 'invalid-input');
      if (!options?.confirmed) {
        const answer = await vscode.window.showWarningMessage(
          `Delete consumer group "${group.groupId}" and its committed offsets?`,
          { modal: true },
          'Delete',
        );
        if (answer !== 'Delete') return false;
      }
      await deleteGroup(client(group.connectionName), group.groupId);
      tree.refresh();
      return true;
    }),
  ];
}
