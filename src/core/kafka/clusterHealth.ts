// A cluster's health in one pass: which brokers are up (and which ones that were seen before, or
// that replicas still name, are down), the active controller, and per partition whether it is
// offline, under its min.insync.replicas, under-replicated or led by a non-preferred replica.
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { describeQuorumRequest, type QuorumDescription } from './adminProtocol';
import type { ClusterBroker, KafkaClient } from './client';
import { isInternalTopic } from './topics';

export type PartitionIssue = 'offline' | 'under-min-isr' | 'under-replicated' | 'non-preferred-leader';

/** Most serious first: the order marks are shown in. */
export const PARTITION_ISSUES: readonly PartitionIssue[] = ['offline', 'under-min-isr', 'under-replicated', 'non-preferred-leader'];

export const ISSUE_LABEL: Record<PartitionIssue, string> = {
  offline: 'offline',
  'under-min-isr': 'under min ISR',
  'under-replicated': 'under-replicated',
  'non-preferred-leader': 'not on preferred leader',
};

export type IssueCounts = Record<PartitionIssue, number>;

export interface BrokerHealth extends ClusterBroker {
  online: boolean;
  /** Voter of the KRaft controller quorum, and whether it is the active controller. */
  activeController: boolean;
}

export interface PartitionHealth {
  partition: number;
  /** -1 when no replica leads (the partition is offline). */
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  issues: PartitionIssue[];
}

export interface TopicHealth {
  name: string;
  internal: boolean;
  replicationFactor: number;
  /** The topic's effective min.insync.replicas (undefined when it could not be read). */
  minIsr: number | undefined;
  uncleanLeaderElection: boolean | undefined;
  partitions: PartitionHealth[];
  counts: IssueCounts;
}

export interface ClusterHealth {
  clusterId: string;
  /** The active controller (the metadata quorum's leader), or the Metadata controller id when the quorum cannot be asked. */
  controllerId: number | null;
  brokers: BrokerHealth[];
  topics: TopicHealth[];
  counts: IssueCounts;
  checkedAt: number;
}

export function noIssues(): IssueCounts {
  return { offline: 0, 'under-min-isr': 0, 'under-replicated': 0, 'non-preferred-leader': 0 };
}

/** The issues of one partition, given its topic's min.insync.replicas. */
export function partitionIssues(p: { leader: number; replicas: number[]; isr: number[] }, minIsr: number | undefined): PartitionIssue[] {
  const issues: PartitionIssue[] = [];
  if (p.leader < 0) issues.push('offline');
  else if (minIsr !== undefined && p.isr.length < minIsr) issues.push('under-min-isr');
  if (p.isr.length < p.replicas.length) issues.push('under-replicated');
  if (p.leader >= 0 && p.replicas.length > 0 && p.leader !== p.replicas[0]) issues.push('non-preferred-leader');
  return issues;
}

/** One line for counts, most serious first, e.g. "1 offline · 4 under-replicated"; '' when healthy. */
export function describeCounts(counts: IssueCounts): string {
  return PARTITION_ISSUES.filter((i) => counts[i] > 0)
    .map((i) => `${counts[i]} ${ISSUE_LABEL[i]}`)
    .join(' · ');
}

/** min.insync.replicas and unclean.leader.election.enable of many topics in one DescribeConfigs. */
async function topicReplicationConfigs(admin: Admin, topics: string[]): Promise<Map<string, { minIsr?: number; unclean?: boolean }>> {
  const out = new Map<string, { minIsr?: number; unclean?: boolean }>();
  if (topics.length === 0) return out;
  const response = await admin.describeConfigs({
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas', 'unclean.leader.election.enable'] })),
    includeSynonyms: false,
  });
  for (const r of response.resources) {
    if (r.errorCode !== 0) continue;
    const min = r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
    const unclean = r.configEntries.find((e) => e.configName === 'unclean.leader.election.enable')?.configValue;
    out.set(r.resourceName, { minIsr: min ? Number(min) : undefined, unclean: unclean === undefined || unclean === null ? undefined : unclean === 'true' });
  }
  return out;
}

/** The KRaft metadata quorum (active controller, voters), or undefined when the cluster will not say. */
export async function describeQuorum(client: KafkaClient): Promise<QuorumDescription | undefined> {
  try {
    const q = await client.sendToController<QuorumDescription>('describe the controller quorum', describeQuorumRequest());
    return q.errorCode === 0 && q.leaderId >= 0 ? q : undefined;
  } catch {
    return undefined; // ZooKeeper clusters, or a broker that does not forward it: fall back to Metadata's controller id.
  }
}

/**
 * Checks the whole cluster: Metadata (brokers and every topic's partitions), one DescribeConfigs for
 * min.insync.replicas, DescribeQuorum for the active controller. `known` are brokers seen earlier on
 * this connection: any of them missing from Metadata now is reported offline, as is any broker a
 * replica list names that Metadata does not list.
 */
export type ReplicationConfigCache = Map<string, { minIsr?: number; unclean?: boolean }>;

/**
 * `configCache`, when given, keeps each topic's min.insync.replicas between checks: only topics not
 * in it are asked for (a cluster of thousands of topics is not re-described every few seconds); the
 * caller clears it now and then to pick up changes.
 */
export async function checkClusterHealth(client: KafkaClient, known: readonly ClusterBroker[] = [], configCache?: ReplicationConfigCache): Promise<ClusterHealth> {
  const summary = await client.describeCluster();
  const [{ topics }, quorum] = await Promise.all([
    client.withAdmin('read the partitions of every topic', (admin) => admin.fetchTopicMetadata()),
    describeQuorum(client),
  ]);
  const configs: ReplicationConfigCache = configCache ?? new Map();
  const missing = topics.map((t) => t.name).filter((name) => !configs.has(name));
  const fetched = await client
    .withAdmin('read min.insync.replicas of the topics', (admin) => topicReplicationConfigs(admin, missing))
    .catch(() => new Map<string, { minIsr?: number; unclean?: boolean }>());
  for (const [name, value] of fetched) configs.set(name, value);

  const controllerId = quorum?.leaderId ?? summary.controllerId;
  const online = new Map(summary.brokers.map((b) => [b.nodeId, b]));
  const all = new Map<number, ClusterBroker>();
  for (const b of known) all.set(b.nodeId, b);
  for (const b of summary.brokers) all.set(b.nodeId, b);
  const counts = noIssues();
  const topicHealth: TopicHealth[] = topics
    .map((t) => {
      const cfg = configs.get(t.name);
      const tCounts = noIssues();
      const partitions = t.partitions
        .map((p) => {
          for (const r of p.replicas) if (!all.has(r)) all.set(r, { nodeId: r, host: '?', port: 0, isController: false });
          const issues = partitionIssues(p, cfg?.minIsr);
          for (const i of issues) tCounts[i]++;
          return { partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas ?? [], issues };
        })
        .sort((a, b) => a.partition - b.partition);
      for (const i of PARTITION_ISSUES) counts[i] += tCounts[i];
      return {
        name: t.name,
        internal: isInternalTopic(t.name),
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        minIsr: cfg?.minIsr,
        uncleanLeaderElection: cfg?.unclean,
        partitions,
        counts: tCounts,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const brokers: BrokerHealth[] = [...all.values()]
    .map((b) => ({ ...b, isController: b.nodeId === controllerId, activeController: b.nodeId === controllerId, online: online.has(b.nodeId) }))
    .sort((a, b) => a.nodeId - b.nodeId);
  return { clusterId: summary.clusterId, controllerId, brokers, topics: topicHealth, counts, checkedAt: Date.now() };
}
