import * as vscode from 'vscode';
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import {
  cancelReassignment,
  electPreferredLeaders,
  parseAssignments,
  planReplicationFactor,
  reassignmentProgress,
  reassignPartitions,
  type ElectionOutcome,
  type PartitionAssignment,
} from '../../core/kafka/reassignment';
import { describePartitions } from '../../core/kafka/topics';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import type { ClusterTreeProvider } from './clusterTree';
import { topicTargetOf } from './targets';

/** Arguments scripts and tests may pass instead of a tree node. */
interface ElectArgs {
  connectionName: string;
  topic: string;
  partitions?: number[];
}
interface ReassignArgs {
  connectionName: string;
  topic: string;
  replicationFactor?: number;
  assignments?: PartitionAssignment[];
}

/** Preferred leader election and partition reassignment, on topics and partitions of the tree. */
export function registerClusterCommands(manager: ConnectionManager, tree: ClusterTreeProvider): vscode.Disposable[] {
  const client = (connectionName: string): KafkaClient => {
    const c = manager.client(connectionName);
    if (!c) throw new KafkaWorkbenchError(`"${connectionName}" is not connected: connect it first.`, 'invalid-input');
    return c;
  };
  const onlineBrokers = async (connectionName: string): Promise<number[]> => {
    const state = await manager.health.checkNow(connectionName);
    const brokers = state?.health?.brokers.filter((b) => b.online).map((b) => b.nodeId);
    return brokers ?? (await client(connectionName).describeCluster()).brokers.map((b) => b.nodeId);
  };
  const afterChange = (connectionName: string): void => {
    void manager.health.checkNow(connectionName);
    tree.refresh();
  };

  return [
    registerCommand('kafkaWorkbench.electPreferredLeaders', 'Elect Preferred Leaders', async (arg?: unknown): Promise<ElectionOutcome | undefined> => {
      const target = topicTargetOf(arg);
      if (!target) throw new KafkaWorkbenchError('Choose a topic or partition in the Kafka view.', 'invalid-input');
      const kafka = client(target.connectionName);
      let partitions = (arg as ElectArgs).partitions ?? (target.partition !== undefined ? [target.partition] : undefined);
      if (!partitions) {
        const all = await describePartitions(kafka, target.topic);
        const picks = await vscode.window.showQuickPick(
          all.map((p) => ({
            label: `${p.partition}`,
            description: p.leader === p.replicas[0] ? `led by ${p.leader}, its preferred replica` : `led by ${p.leader < 0 ? 'nobody' : p.leader}; preferred ${p.replicas[0]}`,
            picked: p.leader !== p.replicas[0],
            partition: p.partition,
          })),
          { title: `Elect preferred leaders of "${target.topic}"`, placeHolder: 'Partitions to move back to their preferred (first) replica', canPickMany: true, ignoreFocusOut: true },
        );
        if (!picks || picks.length === 0) return undefined;
        partitions = picks.map((p) => p.partition);
      }
      const outcome = await electPreferredLeaders(kafka, target.topic, partitions);
      log().info(`preferred leader election on ${target.topic}: ${JSON.stringify(outcome)}`);
      afterChange(target.connectionName);
      const parts = [
        outcome.elected.length ? `${outcome.elected.length} partition(s) moved to their preferred leader` : '',
        outcome.alreadyPreferred.length ? `${outcome.alreadyPreferred.length} already on it` : '',
        outcome.failed.length ? `${outcome.failed.length} failed (${outcome.failed.map((f) => `${f.partition}: ${f.error}`).join(', ')}; the preferred replica must be online and in sync)` : '',
      ].filter(Boolean);
      const show = outcome.failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`"${target.topic}": ${parts.join(', ')}.`);
      return outcome;
    }),

    registerCommand('kafkaWorkbench.reassignPartitions', 'Reassign Partitions', async (arg?: unknown) => {
      const target = topicTargetOf(arg);
      if (!target) throw new KafkaWorkbenchError('Choose a topic in the Kafka view.', 'invalid-input');
      const kafka = client(target.connectionName);
      const given = arg as ReassignArgs;
      const current = await describePartitions(kafka, target.topic);
      const brokers = await onlineBrokers(target.connectionName);
      let plan = given.assignments;
      if (!plan && given.replicationFactor !== undefined) plan = planReplicationFactor(current, given.replicationFactor, brokers);
      if (!plan) {
        const rf = current[0]?.replicas.length ?? 0;
        const how = await vscode.window.showQuickPick(
          [
            { label: 'Change replication factor…', description: `now ${rf}, brokers online: ${brokers.join(', ')}`, id: 'rf' },
            { label: 'Move replicas…', description: 'type each partition\'s new replica list', id: 'move' },
          ],
          { title: `Reassign partitions of "${target.topic}"`, ignoreFocusOut: true },
        );
        if (!how) return undefined;
        if (how.id === 'rf') {
          const text = await vscode.window.showInputBox({
            title: `Replication factor of "${target.topic}"`,
            prompt: `Now ${rf}. Each partition keeps its replicas in order; new ones go to the least loaded of brokers ${brokers.join(', ')}.`,
            value: String(Math.min(rf + 1, brokers.length)),
            ignoreFocusOut: true,
            validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= brokers.length ? undefined : `Enter 1 to ${brokers.length} (brokers online).`),
          });
          if (text === undefined) return undefined;
          plan = planReplicationFactor(current, Number(text), brokers);
        } else {
          const text = await vscode.window.showInputBox({
            title: `New replicas of "${target.topic}"`,
            prompt: `partition:replicas, first replica = preferred leader. Brokers online: ${brokers.join(', ')}`,
            value: current.map((p) => `${p.partition}:${p.replicas.join(',')}`).join(' '),
            ignoreFocusOut: true,
            validateInput: (v) => {
              const parsed = parseAssignments(v);
              return typeof parsed === 'string' ? parsed : undefined;
            },
          });
          if (text === undefined) return undefined;
          plan = parseAssignments(text) as PartitionAssignment[];
        }
      }
      const changed = plan.filter((a) => current.find((p) => p.partition === a.partition)?.replicas.join(',') !== a.replicas.join(','));
      if (changed.length === 0) {
        void vscode.window.showInformationMessage(`"${target.topic}" already has these replicas: nothing to move.`);
        return { done: true, moved: 0 };
      }
      await reassignPartitions(kafka, target.topic, changed, brokers);
      log().info(`reassignment of ${target.topic} started: ${JSON.stringify(changed)}`);
      afterChange(target.connectionName);
      // Follow it until the cluster reports nothing in progress; Cancel reverts what has not finished.
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reassigning "${target.topic}"`, cancellable: true },
        async (progress, token) => {
          for (;;) {
            if (token.isCancellationRequested) {
              await cancelReassignment(kafka, target.topic, changed.map((c) => c.partition));
              progress.report({ message: 'cancelling…' });
              await untilMetadataShows(kafka, target.topic, current.filter((p) => changed.some((c) => c.partition === p.partition)));
              return { done: false, cancelled: true, moved: 0 };
            }
            const moving = await reassignmentProgress(kafka, target.topic);
            if (moving.length === 0) {
              await untilMetadataShows(kafka, target.topic, changed);
              return { done: true, moved: changed.length };
            }
            progress.report({
              message: `${moving.length} of ${changed.length} partition(s) copying: ${moving.map((m) => `${m.partition} +[${m.adding.join(',')}] −[${m.removing.join(',')}]`).join(' ')}`,
            });
            await new Promise((r) => setTimeout(r, 1000));
          }
        },
      );
      afterChange(target.connectionName);
      void vscode.window.showInformationMessage(
        result.done ? `"${target.topic}": ${result.moved} partition(s) reassigned.` : `"${target.topic}": reassignment cancelled; partitions keep their previous replicas.`,
      );
      return result;
    }),
  ];
}

/**
 * Waits (up to 10 s) until the topic's metadata lists `expected` replicas for those partitions.
 * The controller settles a reassignment (or its cancel) before every broker's metadata has it, and
 * the tree refreshed after it reads that metadata: without the wait it could show the old replicas
 * until some later refresh.
 */
async function untilMetadataShows(kafka: KafkaClient, topic: string, expected: { partition: number; replicas: number[] }[]): Promise<void> {
  for (const until = Date.now() + 10_000; Date.now() < until; ) {
    const now = await describePartitions(kafka, topic).catch(() => undefined);
    if (now && expected.every((e) => now.find((p) => p.partition === e.partition)?.replicas.join(',') === e.replicas.join(','))) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}
