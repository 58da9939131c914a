// Moving leadership and replicas: preferred leader election, partition reassignment (move replicas,
// change a topic's replication factor), its progress and its cancellation.
import {
  alterReassignmentsRequest,
  electLeadersRequest,
  errorName,
  type AlterReassignmentsResponse,
  type ElectLeadersResponse,
} from './adminProtocol';
import type { KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';
import { describePartitions } from './topics';

const ELECTION_NOT_NEEDED = 84;
const NO_REASSIGNMENT_IN_PROGRESS = 85;

export interface ElectionOutcome {
  /** Partitions whose preferred replica took over. */
  elected: number[];
  /** Partitions already led by their preferred replica. */
  alreadyPreferred: number[];
  failed: { partition: number; error: string; message: string }[];
}

/**
 * Preferred leader election for a topic (every partition, or the ones given): each partition's
 * first replica becomes its leader again when it is in sync.
 */
export async function electPreferredLeaders(client: KafkaClient, topic: string, partitions?: number[]): Promise<ElectionOutcome> {
  const chosen = partitions?.length ? partitions : (await describePartitions(client, topic)).map((p) => p.partition);
  const response = await client.sendToController<ElectLeadersResponse>(
    `elect the preferred leaders of ${topic}`,
    electLeadersRequest([{ topic, partitions: chosen }], client.timeoutMs),
  );
  if (response.errorCode !== 0) {
    throw new KafkaWorkbenchError(`The cluster refused the leader election: ${errorName(response.errorCode)}.`, 'other');
  }
  const outcome: ElectionOutcome = { elected: [], alreadyPreferred: [], failed: [] };
  for (const r of response.results) {
    if (r.errorCode === 0) outcome.elected.push(r.partition);
    else if (r.errorCode === ELECTION_NOT_NEEDED) outcome.alreadyPreferred.push(r.partition);
    else outcome.failed.push({ partition: r.partition, error: r.errorName ?? String(r.errorCode), message: r.errorMessage ?? '' });
  }
  for (const list of [outcome.elected, outcome.alreadyPreferred]) list.sort((a, b) => a - b);
  return outcome;
}

export interface PartitionAssignment {
  partition: number;
  /** The new replica list; the first is the preferred leader. */
  replicas: number[];
}

async function alter(client: KafkaClient, topic: string, partitions: { partition: number; replicas: number[] | null }[], what: string): Promise<void> {
  const response = await client.sendToController<AlterReassignmentsResponse>(what, alterReassignmentsRequest([{ topic, partitions }], client.timeoutMs));
  if (response.errorCode !== 0) {
    throw new KafkaWorkbenchError(`The cluster refused to ${what}: ${response.errorMessage ?? errorName(response.errorCode)}.`, 'invalid-input');
  }
  const failed = response.results.filter((r) => r.errorCode !== 0 && !(r.errorCode === NO_REASSIGNMENT_IN_PROGRESS && partitions.every((p) => p.replicas === null)));
  if (failed.length) {
    throw new KafkaWorkbenchError(
      `The cluster refused to ${what}: ${failed.map((f) => `partition ${f.partition}: ${f.errorMessage || errorName(f.errorCode)}`).join('; ')}.`,
      'invalid-input',
    );
  }
}

/** Starts moving replicas; the cluster copies the data in the background (see reassignmentProgress). */
export async function reassignPartitions(client: KafkaClient, topic: string, assignments: PartitionAssignment[], brokerIds: number[]): Promise<void> {
  for (const a of assignments) {
    const unknown = a.replicas.filter((r) => !brokerIds.includes(r));
    if (a.replicas.length === 0 || new Set(a.replicas).size !== a.replicas.length || unknown.length) {
      throw new KafkaWorkbenchError(
        `Partition ${a.partition}: the replicas must be distinct broker ids of this cluster (${brokerIds.join(', ')})${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`,
        'invalid-input',
      );
    }
  }
  await alter(client, topic, assignments, `reassign the partitions of ${topic}`);
}

/** Cancels the reassignments in progress of a topic's partitions (all of them when none are given). */
export async function cancelReassignment(client: KafkaClient, topic: string, partitions?: number[]): Promise<void> {
  const chosen = partitions?.length ? partitions : (await describePartitions(client, topic)).map((p) => p.partition);
  await alter(client, topic, chosen.map((partition) => ({ partition, replicas: null })), `cancel the reassignment of ${topic}`);
}

export interface ReassignmentInProgress {
  partition: number;
  replicas: number[];
  adding: number[];
  removing: number[];
}

/** The reassignments of a topic still in progress; empty when done. */
export function reassignmentProgress(client: KafkaClient, topic: string): Promise<ReassignmentInProgress[]> {
  return client.withAdmin(`read the reassignments of ${topic}`, async (admin) => {
    // kafkajs 2.2.4 types say topic / partitionIndex, but its decoder returns name / partition:
    // read what arrives (reading the typed names found nothing, so every copy looked done at once).
    const { topics } = (await admin.listPartitionReassignments({ topics: null as unknown as [], timeout: client.timeoutMs })) as unknown as {
      topics: { name: string; partitions: { partition: number; replicas: number[]; addingReplicas?: number[]; removingReplicas?: number[] }[] }[];
    };
    return (topics.find((t) => t.name === topic)?.partitions ?? [])
      .map((p) => ({ partition: p.partition, replicas: p.replicas, adding: p.addingReplicas ?? [], removing: p.removingReplicas ?? [] }))
      .sort((a, b) => a.partition - b.partition);
  });
}

/**
 * New replica lists for a replication factor: a partition keeps its current replicas in order (so
 * its preferred leader stays), drops from the end when shrinking, and when growing adds the brokers
 * that hold the fewest replicas of this topic so far.
 */
export function planReplicationFactor(current: { partition: number; replicas: number[] }[], factor: number, brokerIds: number[]): PartitionAssignment[] {
  if (!Number.isInteger(factor) || factor < 1 || factor > brokerIds.length) {
    throw new KafkaWorkbenchError(`Replication factor ${factor} is not possible with ${brokerIds.length} broker(s): choose 1 to ${brokerIds.length}.`, 'invalid-input');
  }
  const load = new Map(brokerIds.map((id) => [id, 0]));
  const plans = current.map((p) => ({ partition: p.partition, replicas: p.replicas.filter((r) => load.has(r)).slice(0, factor) }));
  for (const p of plans) for (const r of p.replicas) load.set(r, (load.get(r) ?? 0) + 1);
  for (const p of plans) {
    while (p.replicas.length < factor) {
      const pick = [...load.entries()].filter(([id]) => !p.replicas.includes(id)).sort((a, b) => a[1] - b[1] || a[0] - b[0])[0][0];
      p.replicas.push(pick);
      load.set(pick, (load.get(pick) ?? 0) + 1);
    }
  }
  return plans;
}

/** Parses "0:1,2,3 1:2,3,1" (partition:replicas, separated by spaces or semicolons). */
export function parseAssignments(text: string): PartitionAssignment[] | string {
  const out: PartitionAssignment[] = [];
  for (const part of text.split(/[;\s]+/).filter(Boolean)) {
    const m = /^(\d+):(\d+(?:,\d+)*)$/.exec(part);
    if (!m) return `"${part}" is not partition:replicas (e.g. 0:1,2,3).`;
    out.push({ partition: Number(m[1]), replicas: m[2].split(',').map(Number) });
  }
  return out.length ? out : 'Enter at least one partition:replicas pair.';
}
