import { AssignerProtocol } from 'kafkajs';
import { kafkaErrorType, type KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';

export interface GroupSummary {
  groupId: string;
  protocolType: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupDescription {
  groupId: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, Unknown. */
  state: string;
  protocol: string;
  protocolType: string;
  members: GroupMember[];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Null when the group never committed on this partition. */
  committed: string | null;
  latest: string;
  /** latest − committed; null without a commit. */
  lag: string | null;
}

export interface GroupOffsets {
  partitions: PartitionLag[];
  /** Sum of the lags of partitions with a commit. */
  totalLag: string;
}

export type ResetTarget = { to: 'earliest' } | { to: 'latest' } | { to: 'offset'; offset: string } | { to: 'timestamp'; timestamp: number };

function decodeAssignment(buffer: Buffer): GroupMember['assignment'] {
  if (!buffer || buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {})
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    // Not the consumer protocol (e.g. Kafka Connect): nothing we can show per partition.
    return [];
  }
}

export function listGroups(client: KafkaClient): Promise<GroupSummary[]> {
  return client.withAdminShared('list consumer groups', async (admin) => {
    const { groups } = await admin.listGroups();
    return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })).sort((a, b) => a.groupId.localeCompare(b.groupId));
  });
}

type DescribedGroup = Awaited<ReturnType<import('kafkajs').Admin['describeGroups']>>['groups'][number];

function toDescription(group: DescribedGroup): GroupDescription {
  return {
    groupId: group.groupId,
    state: group.state,
    protocol: group.protocol,
    protocolType: group.protocolType,
    members: group.members
      .map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment: decodeAssignment(m.memberAssignment) }))
      .sort((a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId)),
  };
}

export function describeGroup(client: KafkaClient, groupId: string): Promise<GroupDescription> {
  return client.withAdminShared(`describe group ${groupId}`, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group || group.state === 'Dead') {
      throw new KafkaWorkbenchError(`Consumer group "${groupId}" does not exist (any more): refresh the Kafka view.`, 'invalid-input');
    }
    return toDescription(group);
  });
}

/** Several groups in one go (one request per coordinator); groups that no longer exist are left out. */
export function describeGroups(client: KafkaClient, groupIds: string[]): Promise<GroupDescription[]> {
  if (groupIds.length === 0) return Promise.resolve([]);
  return client.withAdmin(`describe ${groupIds.length} groups`, async (admin) => {
    const { groups } = await admin.describeGroups(groupIds);
    return groups.filter((g) => g.state !== 'Dead').map(toDescription);
  });
}

/** Committed offset, latest offset and lag for every partition the group committed on. */
export function groupOffsets(client: KafkaClient, groupId: string): Promise<GroupOffsets> {
  return client.withAdmin(`read the offsets of group ${groupId}`, async (admin) => {
    const committed = await admin.fetchOffsets({ groupId });
    const partitions: PartitionLag[] = [];
    let total = 0n;
    for (const { topic, partitions: parts } of committed) {
      if (!parts.some((p) => p.offset !== '-1')) continue;
      const latest = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
      for (const p of parts) {
        const high = latest.get(p.partition) ?? '0';
        const hasCommit = p.offset !== '-1';
        const lag = hasCommit ? BigInt(high) - BigInt(p.offset) : null;
        if (lag !== null) total += lag > 0n ? lag : 0n;
        partitions.push({
          topic,
          partition: p.partition,
          committed: hasCommit ? p.offset : null,
          latest: high,
          lag: lag === null ? null : (lag > 0n ? lag : 0n).toString(),
        });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { partitions, totalLag: total.toString() };
  });
}

/** The refusal to change the offsets of a group that has members, naming them. */
export function groupNotEmptyError(group: { groupId: string; state: string; members: readonly { clientId: string; clientHost: string }[] }): KafkaWorkbenchError {
  const members = group.members.map((m) => `${m.clientId} (${m.clientHost})`).join(', ');
  return new KafkaWorkbenchError(
    `Group "${group.groupId}" is ${group.state} with ${group.members.length} member(s): ${members}. ` +
      'Offsets can only be reset while the group is empty: stop those consumers first.',
    'invalid-input',
  );
}

/**
 * Moves a group's committed offsets on one topic (all partitions, or the given ones). Kafka allows
 * this only while the group has no members, so an active group is refused with the members named.
 * Returns the offsets now committed.
 */
export async function resetGroupOffsets(
  client: KafkaClient,
  groupId: string,
  topic: string,
  target: ResetTarget,
  partitions?: number[],
): Promise<{ partition: number; offset: string }[]> {
  const { groups } = await client.withAdmin(`describe group ${groupId}`, (admin) => admin.describeGroups([groupId]));
  const group = groups[0];
  if (group && group.members.length > 0) throw groupNotEmptyError(group);
  return client.withAdmin(`reset the offsets of ${groupId} on ${topic}`, async (admin) => {
    const watermarks = await admin.fetchTopicOffsets(topic);
    const chosen = partitions ?? watermarks.map((w) => w.partition);
    const unknown = chosen.filter((p) => !watermarks.some((w) => w.partition === p));
    if (unknown.length > 0) {
      throw new KafkaWorkbenchError(
        `Topic "${topic}" has no partition ${unknown.join(', ')}: it has partitions 0 to ${watermarks.length - 1}.`,
        'invalid-input',
      );
    }
    let byTimestamp: Map<number, string> | undefined;
    if (target.to === 'timestamp') {
      byTimestamp = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.timestamp)).map((o) => [o.partition, o.offset]));
    }
    const offsets = chosen.map((partition) => {
      const w = watermarks.find((x) => x.partition === partition)!;
      let offset: string;
      switch (target.to) {
        case 'earliest':
          offset = w.low;
          break;
        case 'latest':
          offset = w.high;
          break;
        case 'timestamp':
          // No record at or after the time: the end of the partition, as Kafka's own tool does.
          offset = byTimestamp?.get(partition) ?? w.high;
          if (offset === '-1') offset = w.high;
          break;
        case 'offset': {
          if (!/^\d+$/.test(target.offset)) throw new KafkaWorkbenchError(`"${target.offset}" is not an offset: enter a whole number ≥ 0.`, 'invalid-input');
          const o = BigInt(target.offset);
          if (o < BigInt(w.low) || o > BigInt(w.high)) {
            throw new KafkaWorkbenchError(
              `Offset ${target.offset} is outside partition ${partition} of "${topic}", which holds ${w.low} to ${w.high}: choose an offset in that range.`,
              'invalid-input',
            );
          }
          offset = target.offset;
          break;
        }
      }
      return { partition, offset };
    });
    offsets.sort((a, b) => a.partition - b.partition);
    await admin.setOffsets({ groupId, topic, partitions: offsets });
    return offsets;
  }, (e) =>
    kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION'
      ? new KafkaWorkbenchError(`Topic "${topic}" does not exist: pick a topic the group reads.`, 'unknown-topic')
      : e,
  );
}

export async function deleteGroup(client: KafkaClient, groupId: string): Promise<void> {
  await client.withAdmin(
    `delete group ${groupId}`,
    (admin) => admin.deleteGroups([groupId]),
    (e) => {
      const text = JSON.stringify((e as { groups?: unknown }).groups ?? (e as Error).message);
      if (/NON_EMPTY_GROUP|not empty/i.test(text)) {
        return new KafkaWorkbenchError(`Group "${groupId}" still has members: stop its consumers before deleting it.`, 'invalid-input');
      }
      if (/GROUP_ID_NOT_FOUND/i.test(text)) {
        return new KafkaWorkbenchError(`Group "${groupId}" does not exist (any more): refresh the Kafka view.`, 'invalid-input');
      }
      return e;
    },
  );
}
