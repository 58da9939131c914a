import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConsumeCommandOptions } from '../../src/host/consume/consumeCommand';
import type { ConsumeViewerHandle } from '../../src/host/consume/consumeViewer';
import { extensionLogText } from '../support/extensionLogs';
import { createTopic, deleteTopic, produce, rawKafka, records, uniqueTopic, until } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const EXTENSION_ID = 'kafka-workbench.kafka-workbench';
const CONNECTION = 'it-consume';

function viewerTabs(topic: string): vscode.Tab[] {
  // A second viewer of one topic is titled apart: "Consume: topic (2)".
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === `Consume: ${topic}` || t.label.startsWith(`Consume: ${topic} (`));
}

async function groupMembers(bootstrap: string, groupId: string): Promise<{ state: string; members: number }> {
  const admin = rawKafka(bootstrap).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return { state: groups[0].state, members: groups[0].members.length };
  } finally {
    await admin.disconnect();
  }
}

describe('Consume from Offset in the real extension host', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  const topics: string[] = [];
  const handles: ConsumeViewerHandle[] = [];

  async function consume(options: Omit<ConsumeCommandOptions, 'connectionName'>): Promise<ConsumeViewerHandle> {
    const handle = await vscode.commands.executeCommand<ConsumeViewerHandle | undefined>('kafkaWorkbench.consumeFromOffset', {
      connectionName: CONNECTION,
      ...options,
    });
    assert.ok(handle, 'consumeFromOffset returns a handle');
    handles.push(handle);
    return handle;
  }

  async function newTopic(partitions: number, perPartition: number): Promise<string> {
    const topic = uniqueTopic('it-consume');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, partitions);
    if (perPartition) await produce(broker.bootstrap, topic, records(partitions, perPartition));
    return topic;
  }

  before(async () => {
    broker = await testBroker();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap] });
  });

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  after(async () => {
    for (const t of topics) await deleteTopic(broker.bootstrap, t);
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', CONNECTION, { confirmed: true });
  });

  it('opens a viewer from a full options object, the webview draws the records, and Commit commits the last record shown (checked with the admin API)', async () => {
    const topic = await newTopic(2, 20);
    const groupId = uniqueTopic('it-group');
    const viewer = await consume({ topic, start: { kind: 'earliest' }, group: { groupId, commit: 'manual' }, valueFormat: 'string' });
    await viewer.waitForReceived(40, 20_000);
    await until('one viewer tab', () => viewerTabs(topic).length === 1);
    await until('the webview drew every row', () => viewer.displayedUpToSeq() === 39, 20_000);
    const committed = await viewer.commit();
    assert.deepEqual(committed, { 0: '20', 1: '20' });
    const progress = await viewer.progress();
    assert.deepEqual(progress.map((p) => [p.partition, p.committed, p.lag]), [
      [0, '20', '0'],
      [1, '20', '0'],
    ]);
  });

  it('after display commits what the webview has drawn', async () => {
    const topic = await newTopic(1, 15);
    const groupId = uniqueTopic('it-display');
    const viewer = await consume({ topic, start: { kind: 'earliest' }, group: { groupId, commit: 'afterDisplay' } });
    await viewer.waitForReceived(15, 20_000);
    try {
      await until('the commit of the drawn rows', async () => (await viewer.progress())[0].committed === '15', 20_000, 250);
    } catch (e) {
      // What the viewer saw and did, so a failure says where the commit stopped.
      const lines = (await extensionLogText().catch((x: unknown) => String(x))).split('\n');
      const log = lines.slice(Math.max(0, lines.findIndex((l) => l.includes(topic))));
      const progress = JSON.stringify(await viewer.progress().catch((x: unknown) => String(x)));
      throw new Error(`${(e as Error).message}; drawn up to seq ${viewer.displayedUpToSeq()}, progress ${progress}; log:\n${log.join('\n')}`);
    }
  });

  it('viewers closed as soon as their rows are drawn: the next one opened at once draws its rows too, every time', async () => {
    // A webview closed with a request in flight used to stall VS Code's webview service worker for
    // 30 s, leaving the next viewer blank (see webview/src/components/stylesheet.ts).
    const topic = await newTopic(1, 15);
    for (let i = 0; i < 6; i++) {
      const viewer = await consume({ topic, start: { kind: 'earliest' } });
      await until(`viewer ${i + 1} of 6 drawing its 15 rows`, () => viewer.displayedUpToSeq() === 14, 10_000);
      await viewer.close();
    }
  });

  it('several viewers at once: two in one group split the partitions; closing one hands its partitions over; closing both leaves the group empty', async () => {
    const topic = await newTopic(4, 0);
    const groupId = uniqueTopic('it-queue');
    const a = await consume({ topic, start: { kind: 'latest' }, group: { groupId, commit: 'manual' } });
    const b = await consume({ topic, start: { kind: 'latest' }, group: { groupId, commit: 'manual' } });
    await until('a split of 2 + 2', () => a.assignedPartitions().length === 2 && b.assignedPartitions().length === 2, 30_000);
    await until('two viewer tabs', () => viewerTabs(topic).length === 2);
    assert.deepEqual(viewerTabs(topic).map((t) => t.label).sort(), [`Consume: ${topic}`, `Consume: ${topic} (2)`], 'two viewers of one topic are titled apart');
    await produce(broker.bootstrap, topic, records(4, 5));
    await until('20 records between them', () => a.stats().received + b.stats().received >= 20);
    const pa = new Set(a.records().map((r) => r.partition));
    const pb = new Set(b.records().map((r) => r.partition));
    assert.ok([...pa].every((p) => !pb.has(p)), 'no partition is read by both');
    await a.close();
    await until('closing the panel closed that viewer', () => viewerTabs(topic).length === 1);
    await until('b owns all four partitions', () => b.assignedPartitions().length === 4, 30_000);
    assert.equal((await groupMembers(broker.bootstrap, groupId)).members, 1);
    await b.close();
    assert.deepEqual(await groupMembers(broker.bootstrap, groupId), { state: 'Empty', members: 0 });
  });

  it('"Open in viewer" ({connectionName, topic, partition, offset}) starts at that record of that partition, with no group left behind', async () => {
    const topic = await newTopic(2, 10);
    const viewer = (await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', {
      connectionName: CONNECTION,
      topic,
      partition: 1,
      offset: 7,
    }))!;
    handles.push(viewer);
    await viewer.waitForReceived(3, 20_000);
    assert.deepEqual(
      viewer.records().map((r) => [r.partition, r.offset, r.value]),
      [
        [1, '7', 'p1-7'],
        [1, '8', 'p1-8'],
        [1, '9', 'p1-9'],
      ],
    );
    assert.equal(viewer.throwaway, true);
    assert.equal(viewer.groupId, '', 'read without a group');
    await viewer.close();
  });

  it('filters and JSON Lines export write exactly the matching records', async () => {
    const topic = await newTopic(2, 10);
    const viewer = await consume({ topic, start: { kind: 'earliest' } });
    await viewer.waitForReceived(20, 20_000);
    viewer.setFilter({ partitions: [1], text: 'p1-[2-4]', regex: true });
    const dir = mkdtempSync(join(tmpdir(), 'kw-export-'));
    try {
      const file = join(dir, 'out.jsonl');
      assert.equal(await viewer.exportJsonLines(file), 3);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: string; value: string });
      assert.deepEqual(lines.map((l) => [l.partition, l.offset, l.value]), [
        [1, '2', 'p1-2'],
        [1, '3', 'p1-3'],
        [1, '4', 'p1-4'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the search box runs in a worker: a JSON path matches a big integer exactly; a runaway regex is stopped and reported while VS Code keeps answering', async () => {
    const topic = await newTopic(1, 0);
    await produce(broker.bootstrap, topic, [
      { value: '{"customer":{"id":9007199254740993}}' },
      { value: '{"customer":{"id":9007199254740992}}' },
      { value: `${'a'.repeat(30_000)}!` },
    ]);
    const viewer = await consume({ topic, start: { kind: 'newest', count: 10 }, valueFormat: 'auto' });
    await viewer.waitForReceived(3, 20_000);
    const exact = await viewer.search('$.customer.id == 9007199254740993');
    assert.equal(exact?.status, 'done');
    assert.deepEqual(exact!.matches.map((seq) => viewer.records()[seq].value), ['{"customer":{"id":9007199254740993}}']);

    const running = viewer.search('/(a+)+$/', 1_500);
    const started = Date.now();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const roundTrip = Date.now() - started;
    assert.ok(roundTrip < 2_000, `a command round trip while the regex runs took ${roundTrip} ms`);
    const stopped = await running;
    assert.equal(stopped?.status, 'timeout');
    assert.match((stopped as { message: string }).message, /stopped after 1500 ms/);
  });

  it('an offset past the end, a negative offset and an unknown topic are refused with a message and open no viewer', async () => {
    const topic = await newTopic(1, 3);
    for (const start of [{ kind: 'offset', offset: '99' }, { kind: 'offset', offset: '-4' }] as const) {
      const result = await vscode.commands.executeCommand('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic, start });
      assert.equal(result, undefined);
    }
    const unknown = await vscode.commands.executeCommand('kafkaWorkbench.consumeFromOffset', {
      connectionName: CONNECTION,
      topic: 'it-consume-no-such-topic',
      start: { kind: 'earliest' },
    });
    assert.equal(unknown, undefined);
    assert.equal(viewerTabs(topic).length, 0);
  });
});
