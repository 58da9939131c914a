// .kafka files in the real extension host: the CodeLenses of a file run its producer through the
// produce command and kcat reads the records back from the real broker; the delivery report shows
// as a lens; a scheduled producer starts, stops, and stops when its file closes; a consumer block
// opens the viewer with its settings; problems are diagnostics at their place.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import type { ConsumeViewerHandle } from '../../src/host/consume/consumeViewer';
import type { SavedBlock } from '../../src/host/kafkaFile/saveAsKafka';
import { defaultFormValues } from '../../src/host/produce/produceForm';
import type { ProduceCommandResult } from '../../src/host/produce/produceRunner';
import { fastavroDecode } from '../fixtures/avro/fastavro';
import { kcatRead, kcatValues } from '../support/produceTools';
import { plainClient } from '../support/plainClient';
import { findRepoRoot } from '../support/repoRoot';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const EXTENSION_ID = 'kafka-workbench.kafka-workbench';
const CONNECTION = 'it-kafka-file';
const run = promisify(execFile);

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
}

async function lens(doc: vscode.TextDocument, line: number, title: RegExp): Promise<vscode.CodeLens> {
  const all = await lenses(doc);
  const found = all.find((l) => l.range.start.line === line && l.command && title.test(l.command.title));
  assert.ok(found, `a lens ${title} on line ${line}; there are: ${all.map((l) => `${l.range.start.line}:${l.command?.title}`).join(' | ')}`);
  return found;
}

async function click<T>(l: vscode.CodeLens): Promise<T> {
  return vscode.commands.executeCommand<T>(l.command!.command, ...(l.command!.arguments ?? []));
}

/** Polls a condition the extension updates on its own schedule (a timer in the scheduled producer). */
async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('.kafka files in the real extension host', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  let admin: KafkaClient;
  let dir: string;
  const topics: string[] = [];

  async function newTopic(partitions = 1): Promise<string> {
    const name = `it-kfile-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name, partitions, replicationFactor: 1 }, 1);
    topics.push(name);
    return name;
  }

  async function openFile(text: string): Promise<vscode.TextDocument> {
    const file = join(dir, `f-${randomUUID().slice(0, 6)}.kafka`);
    writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'kafka');
    await vscode.commands.executeCommand('kafkaWorkbench.kafkaFile.selectConnection', doc.uri, CONNECTION);
    return doc;
  }

  before(async () => {
    broker = await testBroker();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap] });
    admin = await plainClient(broker.bootstrap, 'it-kfile-admin', 15_000);
    mkdirSync(join(findRepoRoot(), '.cache'), { recursive: true });
    dir = mkdtempSync(join(findRepoRoot(), '.cache', 'it-kafka-file-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await admin?.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin?.close();
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', CONNECTION, { confirmed: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('"Produce record ×10" on a documented-syntax producer sends 10 faker records (key, header and value from one seed per record); kcat reads them; the report shows as a lens', async () => {
    const topic = await newTopic(2);
    const doc = await openFile(
      [
        '-- written for Tools for Apache Kafka',
        'PRODUCER people',
        `topic: ${topic}`,
        'key: {{person.firstName}}',
        'headers: who={{person.firstName}}, source=kafka-file',
        '{"name": "{{person.firstName}}", "n": {{i}}, "dept": {{random.number(5)}}}',
        '',
        '###',
      ].join('\n'),
    );
    const top = await lens(doc, 0, new RegExp(CONNECTION));
    assert.match(top.command!.title, /\$\(plug\)/);
    const result = await click<ProduceCommandResult>(await lens(doc, 1, /^Produce record ×10$/));
    assert.equal(result.ok && result.delivered, 10, JSON.stringify(result).slice(0, 400));
    const read = (await kcatRead(broker.bootstrap, topic)).sort((a, b) => JSON.parse(a.value).n - JSON.parse(b.value).n);
    assert.equal(read.length, 10);
    read.forEach((r, i) => {
      const value = JSON.parse(r.value) as { name: string; n: number; dept: number };
      assert.equal(value.n, i);
      assert.equal(value.name, r.key, 'the value and the key share the record\'s seed');
      assert.equal(r.headers, `who=${r.key},source=kafka-file`);
      assert.ok(value.dept >= 0 && value.dept <= 5);
    });
    assert.ok(new Set(read.map((r) => r.key)).size > 3, 'records differ');
    const report = await lens(doc, 7, /delivered/);
    assert.match(report.command!.title, /^\$\(pass\) 10 delivered · \d@\d+ … \d@\d+ · avg \d+ ms \(partition@offset\)$/);
  });

  it('number formats go out big-endian like Kafka\'s Java serializers (kcat unpacks them); an unknown topic shows its error as the block\'s lens', async () => {
    const topic = await newTopic(1);
    const doc = await openFile([`PRODUCER numbers`, `topic: ${topic}`, 'key: 9007199254740993', 'key-format: long', 'value-format: integer', '-42', '###', 'PRODUCER nowhere', 'topic: it-kfile-missing-topic', 'x', '###'].join('\n'));
    await click(await lens(doc, 0, /^\$\(play\) Produce record$/));
    const { stdout } = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-s', 'key=>q', '-s', 'value=>i', '-f', '%k|%s\n'], { timeout: 30_000 });
    assert.equal(stdout.trim(), '9007199254740993|-42');
    const refused = await click<ProduceCommandResult>(await lens(doc, 7, /^\$\(play\) Produce record$/));
    assert.equal(refused.ok, false);
    assert.match((await lens(doc, 10, /\$\(error\)/)).command!.title, /does not exist/);
  });

  it('avro(/file.avsc) beside the .kafka file, string(base64) and a committed transaction: fastavro and kcat (read_committed) read what was sent', async () => {
    const topic = await newTopic(1);
    const schema = { type: 'record', name: 'Ping', fields: [{ name: 'n', type: 'int' }, { name: 'who', type: 'string' }] };
    writeFileSync(join(dir, 'ping.avsc'), JSON.stringify(schema));
    const doc = await openFile(
      [
        'PRODUCER avro-ping',
        `topic: ${topic}`,
        'key: aGVsbG8=',
        'key-format: string(base64)',
        'value-format: avro(/ping.avsc)',
        'count: 3',
        'transaction: commit',
        '{"n": {{i}}, "who": "{{person.firstName}}"}',
        '###',
      ].join('\n'),
    );
    const result = await click<ProduceCommandResult>(await lens(doc, 0, /Produce 3 records/));
    assert.equal(result.ok && result.transactionOutcome, 'committed', JSON.stringify(result).slice(0, 400));
    const committed = await kcatRead(broker.bootstrap, topic, 'read_committed');
    assert.deepEqual(committed.map((r) => r.key), ['hello', 'hello', 'hello']);
    const values = await kcatValues(broker.bootstrap, topic);
    const decoded = await Promise.all(values.map((v) => fastavroDecode(v, { schema })));
    assert.deepEqual(decoded.map((d) => (d.value as { n: number }).n), [0, 1, 2]);
    assert.ok(decoded.every((d) => typeof (d.value as { who: string }).who === 'string' && (d.value as { who: string }).who.length > 0));
  });

  it('a scheduled producer (every:) starts from its lens, sends until stopped, and stops when its file is closed or its connection drops', async () => {
    const topic = await newTopic(1);
    const doc = await openFile(['PRODUCER ticker', `topic: ${topic}`, 'every: 200ms', 'tick {{i}}', '###'].join('\n'));
    // The lens counts what was sent; kcat reads only once the producer is stopped (with -e it
    // would chase a topic that keeps growing).
    const sent = async () => Number(/\((\d+) sent\)/.exec((await lenses(doc)).map((l) => l.command?.title ?? '').join(' '))?.[1] ?? -1);
    await click(await lens(doc, 0, /Start scheduled producer/));
    await until('3 sends', async () => (await sent()) >= 3);
    await click(await lens(doc, 0, /Stop scheduled producer \(\d+ sent\)/));
    await lens(doc, 0, /Start scheduled producer/);
    const afterStop = (await kcatRead(broker.bootstrap, topic)).map((r) => r.value);
    assert.ok(afterStop.length >= 3);
    assert.deepEqual(afterStop, afterStop.map((_, i) => `tick ${i}`));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, afterStop.length, 'nothing is sent after Stop');

    await click(await lens(doc, 0, /Start scheduled producer/));
    await until('2 more sends', async () => (await sent()) >= 2);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await lens(doc, 0, /Start scheduled producer/);
    const afterClose = (await kcatRead(broker.bootstrap, topic)).length;
    assert.ok(afterClose >= afterStop.length + 2);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, afterClose, 'nothing is sent after the file closed');

    // The connection drops: the producer stops too.
    const again = await vscode.workspace.openTextDocument(doc.uri);
    await vscode.window.showTextDocument(again);
    await click(await lens(again, 0, /Start scheduled producer/));
    await until('a send', async () => (await sent()) >= 1);
    await vscode.commands.executeCommand('kafkaWorkbench.disconnect', CONNECTION);
    await lens(again, 0, /Start scheduled producer/);
  });

  it('a CONSUMER block opens the viewer with its group, start and partitions; Stop consumer closes it', async () => {
    const topic = await newTopic(3);
    const group = `it-kfile-group-${randomUUID().slice(0, 6)}`;
    const doc = await openFile([`PRODUCER seed`, `topic: ${topic}`, 'partition: 1', 'count: 4', 'm{{i}}', '###', `CONSUMER ${group}`, `topic: ${topic}`, 'from: earliest', 'partitions: 1-2'].join('\n'));
    await click(await lens(doc, 0, /Produce 4 records/));
    const handle = await click<ConsumeViewerHandle>(await lens(doc, 6, /Start consumer/));
    assert.ok(handle, 'the viewer opened');
    assert.equal(handle.groupId, group);
    await handle.waitForReceived(4, 30_000);
    assert.deepEqual(handle.records().map((r) => r.value), ['m0', 'm1', 'm2', 'm3']);
    await click(await lens(doc, 6, /Stop consumer/));
    await handle.closed;
    await lens(doc, 6, /Start consumer/);
  });

  it('completes property names, values, topics of the connected cluster and faker methods after {{', async () => {
    const topic = await newTopic(1);
    await vscode.commands.executeCommand('kafkaWorkbench.connect', CONNECTION);
    const doc = await openFile(['PRODUCER p', 'topic: ', 'key: {{per', 'acks: ', '', '###'].join('\n'));
    const labels = async (line: number, character: number) => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, character));
      return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    assert.ok((await labels(1, 7)).includes(topic), 'the new topic is offered');
    const faker = await labels(2, 10);
    assert.ok(faker.includes('person.firstName') && faker.includes('$timestamp'), faker.slice(0, 10).join(', '));
    assert.deepEqual((await labels(3, 6)).filter((l) => ['all', '1', '0'].includes(l)).sort(), ['0', '1', 'all']);
    const names = await labels(4, 0);
    assert.ok(names.includes('headers') && names.includes('every') && names.includes('value-format'));
    assert.ok(!names.includes('topic') && !names.includes('acks'), 'properties already set are not offered again');
  });

  it('puts problems where they are: an unknown topic (when connected), an unknown consumer property, a bad interval and a bad faker call; that block gets no run lens', async () => {
    const doc = await openFile(['PRODUCER p', 'topic: t', 'every: soon', '{{person.nope}}', '###', 'CONSUMER g', 'topik: t'].join('\n'));
    // With the connection up, the topic is looked up (in the background) and flagged as unknown.
    await vscode.commands.executeCommand('kafkaWorkbench.connect', CONNECTION);
    await until('the unknown-topic warning', async () => vscode.languages.getDiagnostics(doc.uri).some((d) => /Topic "t" does not exist on "it-kafka-file"/.test(d.message)));
    const diagnostics = vscode.languages.getDiagnostics(doc.uri).map((d) => [d.range.start.line, d.range.start.character, d.severity, d.message.slice(0, 20)]);
    assert.deepEqual(
      diagnostics.sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [1, 7, vscode.DiagnosticSeverity.Warning, 'Topic "t" does not e'],
        [2, 7, vscode.DiagnosticSeverity.Error, '"soon" is not an int'],
        [3, 0, vscode.DiagnosticSeverity.Error, "{{person.nope}}: fak"],
        [5, 0, vscode.DiagnosticSeverity.Error, 'A CONSUMER needs "to'],
        [6, 0, vscode.DiagnosticSeverity.Error, 'Unknown consumer pro'],
      ],
    );
    await lens(doc, 0, /Fix the problems/);
    assert.ok(!(await lenses(doc)).some((l) => l.range.start.line === 0 && /Produce/.test(l.command?.title ?? '')));
  });

  it('a value that does not match its format is a warning at the value: JSON syntax, and the Avro schema of avro(<file>) (record 0, templates filled)', async () => {
    writeFileSync(join(dir, 'point.avsc'), JSON.stringify({ type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }] }));
    const doc = await openFile(['PRODUCER j', 'topic: t', 'value-format: json', '{"a": {{i}},}', '###', 'PRODUCER a', 'topic: t', 'value-format: avro(/point.avsc)', '{"x": "{{i}}"}', '###', 'PRODUCER ok', 'topic: t', 'value-format: avro(/point.avsc)', '{"x": {{i}}}', '###'].join('\n'));
    await until('the schema check', async () => vscode.languages.getDiagnostics(doc.uri).some((d) => /does not match Point/.test(d.message)));
    // Inside avro( the workspace's .avsc files are offered; a template's hover says what it renders.
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(7, 20));
    assert.ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label).endsWith('point.avsc')), 'the schema file is offered');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(3, 9));
    assert.match(hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join(' ')).join(' '), /\{\{i\}\}.*record index/);
    const found = vscode.languages.getDiagnostics(doc.uri).filter((d) => !/does not exist/.test(d.message)).map((d) => [d.range.start.line, d.severity, d.message.replace(/:.*/s, '')]);
    assert.deepEqual(found, [
      [3, vscode.DiagnosticSeverity.Warning, 'The value is not valid JSON (record 0, templates filled)'],
      [8, vscode.DiagnosticSeverity.Warning, 'The value does not match Point (record 0, templates filled)'],
    ]);
  });

  it('Save as .kafka: a viewer record (bytes that are not UTF-8, {{ and edge spaces in the key, a comma in a header) and the produce form become blocks whose lens sends the same record again (kcat compares the bytes)', async () => {
    const topic = await newTopic(1);
    // kcat writes the original: key " k{{x}} ", value with a 0xff byte, headers with "," and "=".
    const original = Buffer.concat([Buffer.from(' k{{x}} \t'), Buffer.from([0xff, 0x00]), Buffer.from('{{v}} ###')]);
    await new Promise<void>((resolve, reject) => {
      const child = execFile('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-K', '\t', '-H', 'h=a, b = c', '-H', 'trace=1'], { timeout: 30_000 }, (e) => (e ? reject(e) : resolve()));
      child.stdin!.end(Buffer.concat([original, Buffer.from('\n')]));
    });
    const viewer = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic, start: { kind: 'earliest' } });
    await viewer.waitForReceived(1, 30_000);
    const target = vscode.Uri.file(join(dir, 'saved.kafka'));
    const saved = (await viewer.saveAsKafka(viewer.records()[0], target)) as SavedBlock;
    await viewer.close();
    assert.ok(existsSync(target.fsPath));
    assert.match(saved.notes.join(' '), /not UTF-8 text: written as base64/);
    // The form: another block in the same file.
    const form = { ...defaultFormValues(CONNECTION), topic, key: 'form-{{i}}', value: '{"n": {{i}}}', valueFormat: 'json', count: '2', headers: [{ name: 'src', value: 'form' }] };
    const fromForm = await vscode.commands.executeCommand<{ ok: boolean; text: string; saved: SavedBlock }>('kafkaWorkbench.kafkaFile.saveForm', form, target);
    assert.ok(fromForm.ok, fromForm.text);
    const doc = await vscode.workspace.openTextDocument(target);
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
    // Both blocks saved (the save reaches the disk through the workbench: polled).
    await until('both blocks on disk', async () => /^PRODUCER [\s\S]*^###[\s\S]*^PRODUCER [\s\S]*^###/m.test(readFileSync(target.fsPath, 'utf8')), 10_000);
    assert.equal(doc.isDirty, false);
    await vscode.commands.executeCommand('kafkaWorkbench.kafkaFile.selectConnection', doc.uri, CONNECTION);
    await click(await lens(doc, saved.line, /^\$\(play\) Produce record$/));
    await click(await lens(doc, fromForm.saved.line, /^\$\(play\) Produce 2 records$/));
    const { stdout } = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\t%h\x1e'], { encoding: 'buffer', timeout: 30_000 });
    const records = (stdout as unknown as Buffer).toString('latin1').split('\x1e').filter((r) => r.length > 0);
    assert.equal(records.length, 4);
    assert.equal(records[1], records[0], 'the saved block sent the same key, value and headers');
    assert.equal(Buffer.from(records[0], 'latin1').subarray(0, original.length).toString('hex'), original.toString('hex'));
    assert.deepEqual(records.slice(2), ['form-0\t{"n": 0}\tsrc=form', 'form-1\t{"n": 1}\tsrc=form']);
  });
});
