import { ConfigResourceTypes, ConfigSource, type ConfigEntries } from 'kafkajs';
import { kafkaErrorType, type KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';

export interface TopicInfo {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** Low watermark: the earliest offset still stored. Offsets are int64, kept as decimal strings. */
  earliest: string;
  /** High watermark: the offset the next record will get. */
  latest: string;
  /** latest − earliest: the records stored now (compacted or aborted ones still count). */
  records: string;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** True when the value is the default (nothing set on this topic or broker). */
  isDefault: boolean;
  /** Where the value comes from: topic, dynamic broker, static broker (server.properties), default. */
  source: 'topic' | 'dynamic-broker' | 'dynamic-default-broker' | 'static-broker' | 'default' | 'other';
  sensitive: boolean;
  readOnly: boolean;
}

export interface NewTopic {
  name: string;
  partitions: number;
  /** 1 up to the broker count, or -1 for the broker's default.replication.factor. */
  replicationFactor: number;
  configs?: Record<string, string>;
}

/** Topics Kafka itself runs on; hidden unless asked for. */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state' || name.startsWith('__');
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;

/** Kafka's rules for topic names; returns the first problem, or undefined when the name is legal. */
export function validateTopicName(name: string): string | undefined {
  if (name.length === 0) return 'Enter a topic name.';
  if (name === '.' || name === '..') return `"${name}" is not allowed as a topic name.`;
  if (name.length > MAX_TOPIC_LENGTH) return `A topic name has at most ${MAX_TOPIC_LENGTH} characters; this one has ${name.length}.`;
  if (!LEGAL_TOPIC.test(name)) {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9._-]/g, ''))].join(' ');
    return `A topic name may only contain letters, digits, ".", "_" and "-"; remove: ${bad}`;
  }
  return undefined;
}

/**
 * Kafka maps "." and "_" to the same metric name, so "a.b" and "a_b" collide. Returns the existing
 * topic a new name collides with, if any.
 */
export function collidingTopic(name: string, existing: readonly string[]): string | undefined {
  const key = name.replace(/\./g, '_');
  return existing.find((t) => t !== name && t.replace(/\./g, '_') === key);
}

/** One metadata request for every topic: names, partition counts and replication factors. */
export function listTopicInfos(client: KafkaClient): Promise<TopicInfo[]> {
  return client.withAdminShared('list topics', async (admin) => {
    const { topics } = await admin.fetchTopicMetadata();
    return topics
      .map((t) => ({
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        internal: isInternalTopic(t.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

function unknownTopic(topic: string): KafkaWorkbenchError {
  return new KafkaWorkbenchError(
    `Topic "${topic}" does not exist (any more): refresh the Kafka view, or create it.`,
    'unknown-topic',
  );
}

function isUnknownTopicError(e: unknown): boolean {
  const text = `${kafkaErrorType(e) ?? ''} ${(e as Error).message ?? ''}`;
  return /UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition|not present in metadata/i.test(text);
}

/**
 * Partitions of one topic with leader, replicas, ISR and watermarks. kafkajs asks each partition
 * leader once for the earliest and once for the latest offsets of all its partitions (ListOffsets
 * takes one timestamp per partition), so the cost is two requests per broker, not per partition.
 */
export function describePartitions(client: KafkaClient, topic: string): Promise<PartitionInfo[]> {
  return client.withAdmin(
    `describe the partitions of ${topic}`,
    async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const metadata = topics.find((t) => t.name === topic);
      if (!metadata) throw unknownTopic(topic);
      const offsets = await admin.fetchTopicOffsets(topic);
      const byPartition = new Map(offsets.map((o) => [o.partition, o]));
      return metadata.partitions
        .map((p) => {
          const o = byPartition.get(p.partitionId);
          const earliest = o?.low ?? '0';
          const latest = o?.high ?? '0';
          return {
            partition: p.partitionId,
            leader: p.leader,
            replicas: p.replicas,
            isr: p.isr,
            offlineReplicas: p.offlineReplicas ?? [],
            earliest,
            latest,
            records: (BigInt(latest) - BigInt(earliest)).toString(),
          };
        })
        .sort((a, b) => a.partition - b.partition);
    },
    (e) => (isUnknownTopicError(e) ? unknownTopic(topic) : e),
  );
}

function sourceOf(source: ConfigSource): ConfigEntry['source'] {
  switch (source) {
    case ConfigSource.TOPIC_CONFIG:
      return 'topic';
    case ConfigSource.DYNAMIC_BROKER_CONFIG:
      return 'dynamic-broker';
    case ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG:
      return 'dynamic-default-broker';
    case ConfigSource.STATIC_BROKER_CONFIG:
      return 'static-broker';
    case ConfigSource.DEFAULT_CONFIG:
      return 'default';
    default:
      return 'other';
  }
}

function toEntry(e: ConfigEntries): ConfigEntry {
  return {
    name: e.configName,
    // A sensitive value is never shown, logged or sent to a webview.
    value: e.isSensitive ? null : e.configValue,
    isDefault: e.isDefault || e.configSource === ConfigSource.DEFAULT_CONFIG,
    source: sourceOf(e.configSource),
    sensitive: e.isSensitive,
    readOnly: e.readOnly,
  };
}

async function describeConfigs(client: KafkaClient, type: ConfigResourceTypes, name: string, what: string): Promise<ConfigEntry[]> {
  const translate = (e: unknown) => (type === ConfigResourceTypes.TOPIC && isUnknownTopicError(e) ? unknownTopic(name) : e);
  return client.withAdmin(`read the configs of ${what}`, async (admin) => {
    const response = await admin.describeConfigs({ resources: [{ type, name }], includeSynonyms: false });
    const resource = response.resources[0];
    if (!resource) return [];
    if (resource.errorCode !== 0) {
      if (type === ConfigResourceTypes.TOPIC && resource.errorCode === 3) throw unknownTopic(name);
      throw new KafkaWorkbenchError(`Reading the configs of ${what} failed: ${resource.errorMessage || `error code ${resource.errorCode}`}.`, 'other');
    }
    return resource.configEntries.map(toEntry).sort((a, b) => a.name.localeCompare(b.name));
  }, translate);
}

/** Effective configs of a topic; `isDefault` is false for the ones set on the topic or the broker. */
export function topicConfigs(client: KafkaClient, topic: string): Promise<ConfigEntry[]> {
  return describeConfigs(client, ConfigResourceTypes.TOPIC, topic, `topic ${topic}`);
}

/** Configs of one broker (its `broker.rack` is its rack). */
export function brokerConfigs(client: KafkaClient, nodeId: number): Promise<ConfigEntry[]> {
  return describeConfigs(client, ConfigResourceTypes.BROKER, String(nodeId), `broker ${nodeId}`);
}

/** The `broker.rack` of each broker, in one DescribeConfigs request; brokers without a rack are left out. */
export function brokerRacks(client: KafkaClient, nodeIds: readonly number[]): Promise<Map<number, string>> {
  return client.withAdmin('read the brokers\' racks', async (admin) => {
    const response = await admin.describeConfigs({
      resources: nodeIds.map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configNames: ['broker.rack'] })),
      includeSynonyms: false,
    });
    const racks = new Map<number, string>();
    for (const resource of response.resources) {
      const rack = resource.configEntries.find((e) => e.configName === 'broker.rack')?.configValue;
      if (rack) racks.set(Number(resource.resourceName), rack);
    }
    return racks;
  });
}

/** Creates a topic after checking the name, partitions and replication factor against the cluster. */
export async function createTopic(client: KafkaClient, topic: NewTopic, brokerCount: number): Promise<void> {
  const problem = validateTopicName(topic.name);
  if (problem) throw new KafkaWorkbenchError(problem, 'invalid-input');
  if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
    throw new KafkaWorkbenchError(`Partitions must be a whole number of at least 1 (got ${topic.partitions}).`, 'invalid-input');
  }
  const brokerDefault = topic.replicationFactor === -1;
  if (!brokerDefault && (!Number.isInteger(topic.replicationFactor) || topic.replicationFactor < 1 || topic.replicationFactor > brokerCount)) {
    throw new KafkaWorkbenchError(
      `Replication factor ${topic.replicationFactor} is not possible with ${brokerCount} broker(s): choose 1 to ${brokerCount}.`,
      'invalid-input',
    );
  }
  const existing = (await listTopicInfos(client)).map((t) => t.name);
  if (existing.includes(topic.name)) {
    throw new KafkaWorkbenchError(`Topic "${topic.name}" already exists: pick another name, or use the existing topic.`, 'invalid-input');
  }
  const collision = collidingTopic(topic.name, existing);
  if (collision) {
    throw new KafkaWorkbenchError(
      `Topic "${topic.name}" would collide with "${collision}": Kafka treats "." and "_" alike in metric names. Choose another name.`,
      'invalid-input',
    );
  }
  await client.withAdmin(
    `create topic ${topic.name}`,
    // kafkajs' own waitForLeaders trips over KRaft brokers that answer UNKNOWN_TOPIC_OR_PARTITION
    // for a moment after creation; waitForLeaders below polls until every partition has a leader.
    (admin) =>
      admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicationFactor,
            configEntries: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    (e) => brokerRefusal(e, `create topic "${topic.name}"`),
  );
  await waitForLeaders(client, topic.name, topic.partitions);
}

/** Asks `ready` every `intervalMs` until it says yes (true) or the client's timeout has passed (false). */
async function pollUntil(client: KafkaClient, ready: () => Promise<boolean>, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + client.timeoutMs;
  for (;;) {
    if (await ready()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls until `partitions` partitions of the topic have a leader that answers for them, within the deadline. */
async function waitForLeaders(client: KafkaClient, topic: string, partitions: number): Promise<void> {
  const ready = () =>
    client
      .withAdmin(`wait for the leaders of ${topic}`, async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const found = topics.find((t) => t.name === topic);
        if (found === undefined || found.partitions.length < partitions || !found.partitions.every((p) => p.leader >= 0)) return false;
        // A leader named in the metadata may not host its partition yet (ListOffsets answers
        // UNKNOWN_TOPIC_OR_PARTITION for a moment): ready once every leader answers for it, as the
        // partitions view will ask right after.
        await admin.fetchTopicOffsets(topic);
        return true;
      })
      .catch(() => false);
  if (!(await pollUntil(client, ready, 200))) {
    throw new KafkaWorkbenchError(
      `Topic "${topic}" was created, but not all of its partitions had a leader within ${client.timeoutMs / 1000} s: the brokers may be overloaded. Refresh the view in a moment.`,
      'timeout',
    );
  }
}

/** The broker's own reason for refusing a request, as the user-facing message. */
function brokerRefusal(e: unknown, what: string): unknown {
  const inner = (e as { errors?: { message?: string; type?: string }[] }).errors?.[0];
  const type = (e as { type?: string }).type ?? inner?.type;
  const message = inner?.message ?? (e as Error).message;
  if (type && /INVALID|POLICY|TOPIC_ALREADY_EXISTS|UNKNOWN_TOPIC/.test(type)) {
    return new KafkaWorkbenchError(`The broker refused to ${what}: ${message} (${type}).`, 'invalid-input');
  }
  return e;
}

export async function deleteTopic(client: KafkaClient, topic: string): Promise<void> {
  await client.withAdmin(
    `delete topic ${topic}`,
    (admin) => admin.deleteTopics({ topics: [topic], timeout: client.timeoutMs }),
    (e) =>
      isUnknownTopicError(e) || /UNKNOWN_TOPIC/.test(JSON.stringify((e as { errors?: unknown }).errors ?? ''))
        ? new KafkaWorkbenchError(`Topic "${topic}" does not exist (any more): someone may have just deleted it. Refresh the view.`, 'unknown-topic')
        : e,
  );
}

/** Raises a topic's partition count; Kafka cannot lower it, so a lower or equal count is refused here. */
export async function addPartitions(client: KafkaClient, topic: string, newCount: number): Promise<void> {
  const current = (await describePartitions(client, topic)).length;
  if (!Number.isInteger(newCount) || newCount <= current) {
    throw new KafkaWorkbenchError(
      `Topic "${topic}" has ${current} partition(s); the new count must be larger (partitions can only be added, never removed).`,
      'invalid-input',
    );
  }
  await client.withAdmin(
    `add partitions to ${topic}`,
    (admin) => admin.createPartitions({ topicPartitions: [{ topic, count: newCount }], timeout: client.timeoutMs }),
    (e) => brokerRefusal(e, `add partitions to "${topic}"`),
  );
}

/**
 * Sets one topic config. kafkajs speaks only the non-incremental AlterConfigs, which replaces every
 * override of the topic, so the other overrides are sent along unchanged. The broker validates the
 * whole set first (validateOnly), and only then is it applied.
 */
export async function setTopicConfig(client: KafkaClient, topic: string, name: string, value: string | null): Promise<void> {
  const current = await topicConfigs(client, topic);
  const overrides = new Map(current.filter((c) => c.source === 'topic' && c.value !== null).map((c) => [c.name, c.value as string]));
  if (current.some((c) => c.source === 'topic' && c.sensitive)) {
    throw new KafkaWorkbenchError(`Topic "${topic}" has a sensitive config override that cannot be read back, so it cannot be edited safely here.`, 'other');
  }
  if (!current.some((c) => c.name === name)) {
    throw new KafkaWorkbenchError(`"${name}" is not a topic config this broker knows.`, 'invalid-input');
  }
  if (value === null) overrides.delete(name);
  else overrides.set(name, value);
  const resources = [
    { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...overrides].map(([n, v]) => ({ name: n, value: v })) },
  ];
  await client.withAdmin(
    `change ${name} of ${topic}`,
    async (admin) => {
      await admin.alterConfigs({ validateOnly: true, resources });
      await admin.alterConfigs({ validateOnly: false, resources });
    },
    (e) => brokerRefusal(e, `set ${name}=${value ?? '(default)'} on "${topic}"`),
  );
  await waitForConfig(client, topic, name, value);
}

/**
 * Polls until the broker describes the topic's config as set, within the deadline. A KRaft broker
 * applies the change from the metadata log a moment after AlterConfigs answers: until then it
 * describes the old value, so a view refreshed at once showed it, and a second edit at once sent
 * the old overrides back (AlterConfigs replaces them all), undoing the first.
 */
async function waitForConfig(client: KafkaClient, topic: string, name: string, value: string | null): Promise<void> {
  const described = async () => {
    const entry = (await topicConfigs(client, topic).catch(() => [])).find((c) => c.name === name);
    return entry !== undefined && (value === null ? entry.source !== 'topic' : entry.source === 'topic' && entry.value === value);
  };
  // false: applied (the broker said so) but not described yet; the next refresh shows it.
  await pollUntil(client, described, 100);
}
