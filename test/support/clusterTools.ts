// Helpers for tests against the three-node cluster (testCluster.ts): a client, polling the health
// until a condition holds, and Kafka's own TopicCommand --describe as the reference.
import { execFile } from 'node:child_process';
import { checkClusterHealth, type ClusterHealth } from '../../src/core/kafka/clusterHealth';
import { KafkaClient } from '../../src/core/kafka/client';
import { testClasspath } from './testBroker';

export function clusterClient(bootstrap: string, clientId: string, timeoutMs = 10_000): Promise<KafkaClient> {
  return KafkaClient.create(
    { name: clientId, clientId, bootstrapServers: bootstrap.split(','), sasl: { mechanism: 'none' }, tls: { enabled: false, verifyHostname: true } },
    {},
    { timeoutMs },
  );
}

/** Polls `check` until `until` holds for its result (or the deadline passes, then returns the last one). */
export async function pollHealth(client: KafkaClient, until: (h: ClusterHealth) => boolean, timeoutMs = 30_000): Promise<ClusterHealth> {
  const deadline = Date.now() + timeoutMs;
  let last: ClusterHealth | undefined;
  for (;;) {
    last = await checkClusterHealth(client, last?.brokers).catch(() => last);
    if (last && until(last)) return last;
    if (Date.now() > deadline) {
      if (!last) throw new Error('the cluster never answered');
      return last;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Kafka's own `TopicCommand --describe` lines, parsed: partition → leader, replicas, isr. */
export async function kafkaDescribe(bootstrap: string, topic: string): Promise<Map<number, { leader: number; replicas: number[]; isr: number[] }>> {
  const cp = (await testClasspath()).join(':');
  const out = await new Promise<string>((resolve, reject) =>
    execFile('java', ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-cp', cp, 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--describe', '--topic', topic],
      { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
  const rows = new Map<number, { leader: number; replicas: number[]; isr: number[] }>();
  const ids = (s: string) => (s.trim() ? s.split(',').map(Number) : []);
  for (const line of out.split('\n')) {
    const m = /Partition: (\d+)\s+Leader: (-?\d+|none)\s+Replicas: ([\d,]*)\s+Isr: ([\d,]*)/.exec(line);
    if (m) rows.set(Number(m[1]), { leader: m[2] === 'none' ? -1 : Number(m[2]), replicas: ids(m[3]), isr: ids(m[4]) });
  }
  return rows;
}

