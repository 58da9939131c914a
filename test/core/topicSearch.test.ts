import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchTopic, type TopicSearchMatch, type TopicSearchProgress } from '../../src/core/consume/search/topicSearch';
import type { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { kcatProduceFile, writeLines } from '../support/bulkTopic';
import { createTopic, deleteTopic, plainClient, produce, rawKafka, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

// The case: one record 900,000 records back in a 1M-record topic (kcat -P makes it in seconds).
const COUNT = 1_000_000;
const NEEDLE_AT = 99_999; // 900,000 records after it

describe('Topic search (a range of the topic itself, no group, progress, limit, cancel)', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  let dir: string;
  const topic = uniqueTopic('topic-search');
  const others: string[] = [];

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    dir = await mkdtemp(join(tmpdir(), 'kw-search-'));
    await createTopic(broker.bootstrap, topic, 3);
    const file = join(dir, 'records.txt');
    await writeLines(file, COUNT, 100, (n) => (n === NEEDLE_AT ? `{"n":${n},"needle":"found-me-${n}"}` : `{"n":${n},"text":"record ${n}"}`));
    await kcatProduceFile(broker.bootstrap, topic, file);
  });

  after(async () => {
    await Promise.all([topic, ...others].map((t) => deleteTopic(broker.bootstrap, t)));
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`finds the one record ${(COUNT - NEEDLE_AT - 1).toLocaleString('en-US')} records back in a ${COUNT.toLocaleString('en-US')}-record topic (found at its partition and offset, checked with kcat), delivering it as it is found, with progress per partition`, async () => {
    const matches: TopicSearchMatch[] = [];
    const progress: TopicSearchProgress[] = [];
    const result = await searchTopic(client, { topic, query: `found-me-${NEEDLE_AT}`, onMatch: (m) => matches.push(m), onProgress: (p) => void progress.push(p), progressIntervalMs: 0 });
    assert.equal(result.status, 'done');
    assert.equal(result.scanned, COUNT);
    assert.equal(matches.length, 1);
    assert.match(matches[0].valuePreview ?? '', new RegExp(`"needle":"found-me-${NEEDLE_AT}"`));
    assert.ok(matches[0].timestamp > 0 && /^\d+$/.test(matches[0].offset));
    // Where it is, read by another client (kcat) at that partition and offset.
    const { partition, offset } = matches[0];
    const atPlace = execFileSync('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-p', String(partition), '-o', offset, '-c', '1', '-e', '-q', '-f', '%p %o %s'], { encoding: 'utf8' });
    assert.match(atPlace, new RegExp(`^${partition} ${offset} \\{"n":${NEEDLE_AT},"needle":"found-me-${NEEDLE_AT}"\\}`));
    const last = progress.at(-1)!;
    assert.equal(last.scanned, COUNT);
    assert.equal(last.partitions.length, 3);
    assert.ok(last.partitions.every((p) => p.done && p.position === p.to));
    assert.ok(progress.length > 3, 'progress while it runs');
    console.log(`      searched ${result.scanned} records in ${result.elapsedMs} ms (${result.recordsPerSecond} records/s); the match: partition ${partition}, offset ${offset}`);
  });

  it('JSON path and regex searches (the regex in the worker), a chosen partition and offset range, and the match limit', async () => {
    // The first 2,000 offsets of every partition hold records 0–7 (each partition gets them in order).
    const head = { from: { kind: 'earliest' } as const, to: { kind: 'offset', offset: '2000' } as const };
    const json = await searchTopic(client, { topic, query: '$.n <= 7 AND $.text != "record 3"', ...head });
    assert.equal(json.matches, 7);
    const matches: TopicSearchMatch[] = [];
    const regex = await searchTopic(client, { topic, query: '/record \\d+5"/', partitions: [1], ...head, onMatch: (m) => matches.push(m) });
    assert.ok(regex.matches > 0 && matches.every((m) => m.partition === 1), `regex found ${regex.matches}`);
    const ranged = await searchTopic(client, { topic, query: 'record', partitions: [0], from: { kind: 'offset', offset: '10' }, to: { kind: 'offset', offset: '20' } });
    assert.equal(ranged.scanned, 10);
    const limited = await searchTopic(client, { topic, query: 'record', maxMatches: 5 });
    assert.equal(limited.status, 'limit');
    assert.equal(limited.matches, 5);
    assert.match(limited.notes.join(' '), /limit of 5 matches/);
  });

  it('cancel stops the scan; a search that does not parse is refused before reading', async () => {
    const controller = new AbortController();
    const result = await searchTopic(client, { topic, query: 'no such text', signal: controller.signal, onProgress: () => controller.abort(), progressIntervalMs: 0 });
    assert.equal(result.status, 'cancelled');
    assert.ok(result.scanned < COUNT);
    await assert.rejects(searchTopic(client, { topic, query: '$.n ==' }), /A value is missing after the comparison/);
  });

  it('a runaway regex stops the search with a message; a deleted topic mid-search is named; a partition added mid-search is reported', async () => {
    const evil = uniqueTopic('search-evil');
    others.push(evil);
    await createTopic(broker.bootstrap, evil, 1);
    await produce(broker.bootstrap, evil, [{ value: `${'a'.repeat(30_000)}!` }]);
    await assert.rejects(searchTopic(client, { topic: evil, query: '/(a+)+$/', regexBudgetMs: 500 }), (e: unknown) => e instanceof KafkaWorkbenchError && /stopped after 500 ms.*Simplify the pattern/.test(e.message));

    const doomed = uniqueTopic('search-doomed');
    await createTopic(broker.bootstrap, doomed, 1);
    const small = join(dir, 'small.txt');
    await writeLines(small, 20_000, 100, (n) => `small ${n}`);
    await kcatProduceFile(broker.bootstrap, doomed, small);
    let deleting: Promise<void> | undefined;
    await assert.rejects(
      // The scan waits for the progress hook: the topic is deleted while it runs.
      searchTopic(client, { topic: doomed, query: 'never', progressIntervalMs: 0, maxBytesPerPartition: 16_384, onProgress: () => (deleting ??= deleteTopic(broker.bootstrap, doomed)) }),
      (e: unknown) => e instanceof KafkaWorkbenchError && e.reason === 'unknown-topic' && /does not exist/.test(e.message),
    );
    await deleting;

    const growing = uniqueTopic('search-growing');
    others.push(growing);
    await createTopic(broker.bootstrap, growing, 1);
    await produce(broker.bootstrap, growing, Array.from({ length: 5000 }, (_, n) => ({ value: `v${n}` })));
    let adding: Promise<void> | undefined;
    const grown = await searchTopic(client, {
      topic: growing,
      query: '/v4999$/',
      progressIntervalMs: 0,
      // The scan waits for the progress hook: the partition is added while it runs.
      onProgress: () =>
        (adding ??= (async () => {
          const admin = rawKafka(broker.bootstrap).admin();
          await admin.connect();
          await admin.createPartitions({ topicPartitions: [{ topic: growing, count: 2 }] });
          await admin.disconnect();
        })()),
    });
    assert.equal(grown.matches, 1);
    assert.match(grown.notes.join(' '), /Partitions 1 were added while the search ran and were not searched/);
  });
});
