/**
 * What commands on topics and partitions receive, from the tree (its nodes), from another view
 * ("Produce similar", "Open in viewer") or from a test. One shape for all of them, so a command
 * never has to know who called it.
 */
export interface TopicTarget {
  connectionName: string;
  topic: string;
  /** Set when the command was invoked on a partition. */
  partition?: number;
}

/** Reads a TopicTarget out of a command argument: a tree node or a plain TopicTarget. */
export function topicTargetOf(arg: unknown): TopicTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { connectionName?: unknown; topic?: unknown; topicName?: unknown; partition?: unknown };
  if (typeof a.connectionName !== 'string') return undefined;
  // Tree topic nodes carry the topic as an object with a name; partition nodes carry topicName.
  const topic =
    typeof a.topic === 'string'
      ? a.topic
      : a.topic && typeof a.topic === 'object' && typeof (a.topic as { name?: unknown }).name === 'string'
        ? (a.topic as { name: string }).name
        : typeof a.topicName === 'string'
          ? a.topicName
          : undefined;
  if (!topic) return undefined;
  const partition =
    typeof a.partition === 'number'
      ? a.partition
      : a.partition && typeof a.partition === 'object' && typeof (a.partition as { partitionId?: unknown }).partitionId === 'number'
        ? (a.partition as { partitionId: number }).partitionId
        : // The tree's partition nodes carry a PartitionInfo ({ partition, leader, ... }).
          a.partition && typeof a.partition === 'object' && typeof (a.partition as { partition?: unknown }).partition === 'number'
          ? (a.partition as { partition: number }).partition
          : undefined;
  return { connectionName: a.connectionName, topic, partition };
}
