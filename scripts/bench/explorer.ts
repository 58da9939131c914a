// `npm run bench:explorer [-- --topics 10000]`: how the topic explorer copes with many topics.
// Starts its own broker (so the test broker is not filled with topics), creates the topics, then prints:
//   - metadata for every topic: our one request (listTopicInfos) beside `kcat -L` (librdkafka);
//   - the work the tree does between metadata arriving and its first screen (filter, sort, nodes);
//   - in a real VS Code (code-server + Chromium): click "Topics" → first topic row on screen;
//   - a 100-partition topic's watermarks: how many ListOffsets requests, to how many brokers.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_MAVEN_REPOSITORY, KAFKA_VERSION, ensureKafkaJars } from '../../src/core/broker/kafkaJars';
import { startLocalBroker } from '../../src/core/broker/localBroker';
import { createTopic, describePartitions, listTopicInfos } from '../../src/core/kafka/topics';
import { matchesFilter } from '../../src/host/explorer/filter';
import { findRepoRoot } from '../../test/support/repoRoot';
import { clickActivityBarItem, openWorkbench, treeItem } from '../../test/ui/support/workbench';
import { plainClient } from '../../test/support/plainClient';
import { numberArg } from './args';

const run = promisify(execFile);

function ms(from: number): number {
  return Math.round((performance.now() - from) * 10) / 10;
}

async function main(): Promise<void> {
  const topicCount = numberArg('topics', 10_000);
  const root = findRepoRoot();
  const dataDir = join(root, '.cache', 'bench-explorer-broker');
  rmSync(dataDir, { recursive: true, force: true });
  const classpath = await ensureKafkaJars({ repositoryUrl: DEFAULT_MAVEN_REPOSITORY, targetDir: join(root, '.cache', `kafka-${KAFKA_VERSION}`) });
  const broker = await startLocalBroker({ dataDir, classpath, heapMb: 1536 });
  console.log(`broker ${broker.bootstrap} (Kafka ${KAFKA_VERSION}, own data dir)`);
  const client = await plainClient(broker.bootstrap, 'bench-explorer', 120_000);
  try {
    let t = performance.now();
    const names = Array.from({ length: topicCount }, (_, i) => `bench-topic-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 500) {
      const batch = names.slice(i, i + 500);
      await client.withAdmin('create bench topics', (admin) =>
        admin.createTopics({ waitForLeaders: false, timeout: 120_000, topics: batch.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) }),
      );
    }
    await createTopic(client, { name: 'bench-100-partitions', partitions: 100, replicationFactor: 1 }, 1);
    console.log(`created ${topicCount} topics + one with 100 partitions in ${(ms(t) / 1000).toFixed(1)} s`);

    const rows: [string, string][] = [];
    for (let round = 0; round < 3; round++) {
      t = performance.now();
      const topics = await listTopicInfos(client);
      const metadataMs = ms(t);
      t = performance.now();
      const firstScreen = topics.filter((x) => !x.internal && matchesFilter(x.name, undefined)).map((topic) => ({ kind: 'topic', topic }));
      const treeMs = ms(t);
      t = performance.now();
      await run('kcat', ['-b', broker.bootstrap, '-L', '-J'], { maxBuffer: 256 * 1024 * 1024 });
      const kcatMs = ms(t);
      rows.push([`round ${round + 1}`, `${topics.length} topics: metadata ${metadataMs} ms (kcat -L -J ${kcatMs} ms), tree nodes ${treeMs} ms for ${firstScreen.length}`]);
    }

    // Watermarks of the 100-partition topic: count the requests kafkajs sends.
    await describePartitions(client, 'bench-100-partitions'); // warm the metadata cache
    const requests: { apiName: string; broker: string }[] = [];
    await client.withAdmin('instrument', async (admin) => {
      admin.on(admin.events.REQUEST, (e: { payload: { apiName: string; broker: string } }) => requests.push({ apiName: e.payload.apiName, broker: e.payload.broker }));
    });
    t = performance.now();
    const partitions = await describePartitions(client, 'bench-100-partitions');
    const partitionsMs = ms(t);
    const listOffsets = requests.filter((r) => r.apiName === 'ListOffsets');
    rows.push([
      '100 partitions',
      `${partitions.length} partitions in ${partitionsMs} ms: ${listOffsets.length} ListOffsets requests to ${new Set(listOffsets.map((r) => r.broker)).size} broker(s) ` +
        `(earliest + latest), ${requests.length} requests in all (${[...new Set(requests.map((r) => r.apiName))].join(', ')})`,
    ]);

    // The real tree in a real VS Code.
    const wb = await openWorkbench({ userSettings: { 'kafkaWorkbench.connections': [{ name: 'Bench', bootstrapServers: [broker.bootstrap] }], 'kafkaWorkbench.connectionTimeoutSeconds': 120 } });
    try {
      await clickActivityBarItem(wb.page, 'Kafka');
      await treeItem(wb.page, 'Bench').click();
      await treeItem(wb.page, 'Topics').waitFor({ timeout: 120_000 });
      t = performance.now();
      await treeItem(wb.page, 'Topics').click();
      await treeItem(wb.page, 'bench-100-partitions').waitFor({ timeout: 120_000 });
      rows.push(['VS Code', `click "Topics" → first screen of ${topicCount + 1} topics shown: ${ms(t)} ms (includes the metadata request above)`]);
    } finally {
      await wb.close();
    }
    console.log('');
    for (const [what, figure] of rows) console.log(`${what.padEnd(16)} ${figure}`);
  } finally {
    await client.close();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
