// Produce benchmark: N records of S bytes with acks=1 to a local broker, through
//   1. our path (template → serializer → RecordProducer's batching → kafkajs, patched),
//   2. raw kafkajs 2.2.4 as this project installs it (patches/ applied; producer.send with pre-built batches),
//   3. raw kafkajs 2.2.4 unpatched (the kafkajs-upstream alias), the same sends,
//   4. kcat -P (librdkafka),
//   5. Kafka's own ProducerPerformance (the Java client),
// each into a fresh one-partition topic, in the same run, printed side by side. The three Node
// contenders alternate for --runs rounds and the median of each is shown.
//
//   npm run bench:produce                       # the broker in .cache/test-broker (started if needed)
//   npm run bench:produce -- --records 200000 --size 100 --runs 3 --bootstrap 127.0.0.1:9092
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Kafka as UpstreamKafka } from 'kafkajs-upstream';
import { DEFAULT_MAVEN_REPOSITORY, ensureKafkaJars, findJava, KAFKA_VERSION } from '../../src/core/broker/kafkaJars';
import { findRunningBroker, startLocalBroker, type RunningBroker } from '../../src/core/broker/localBroker';
import type { KafkaClient } from '../../src/core/kafka/client';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic } from '../../src/core/kafka/topics';
import { produce } from '../../src/core/produce/produceService';
import { findRepoRoot } from '../../test/support/repoRoot';
import { plainClient } from '../../test/support/plainClient';

const run = promisify(execFile);

/**
 * Bytes per produce request for the kafkajs contenders. Unpatched kafkajs groups a request's
 * messages per partition with a copy per message (quadratic in the batch), so ~256 KB beats 1 MB
 * there; the same size for all keeps the comparison fair.
 */
const BATCH_BYTES = 262_144;

interface Args {
  records: number;
  size: number;
  runs: number;
  lingerMs: number;
  /** Only our path (for trying producer settings quickly). */
  oursOnly: boolean;
  bootstrap?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { records: 1_000_000, size: 100, runs: 3, lingerMs: 5, oursOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? '';
    if (argv[i] === '--records') args.records = Number(value());
    else if (argv[i] === '--size') args.size = Number(value());
    else if (argv[i] === '--runs') args.runs = Math.max(1, Number(value()));
    else if (argv[i] === '--linger') args.lingerMs = Number(value());
    else if (argv[i] === '--ours-only') args.oursOnly = true;
    else if (argv[i] === '--bootstrap') args.bootstrap = value();
    else throw new Error(`unknown argument ${argv[i]}; use --records N --size BYTES --runs N --bootstrap HOST:PORT`);
  }
  return args;
}

interface Result {
  name: string;
  seconds: number;
  recordsPerSecond: number;
  written: number;
  note: string;
}

async function endOffset(client: KafkaClient, topic: string): Promise<number> {
  const offsets = await client.withAdmin('offsets', (admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = findRepoRoot();
  let started: RunningBroker | undefined;
  let bootstrap = args.bootstrap;
  const classpath = await ensureKafkaJars({ repositoryUrl: DEFAULT_MAVEN_REPOSITORY, targetDir: path.join(root, '.cache', `kafka-${KAFKA_VERSION}`) });
  if (!bootstrap) {
    const running = await findRunningBroker(path.join(root, '.cache', 'test-broker'));
    if (running) bootstrap = running.bootstrap;
    else {
      started = await startLocalBroker({ dataDir: path.join(root, '.cache', 'bench-broker'), classpath });
      bootstrap = started.bootstrap;
    }
  }
  const { records: N, size: S } = args;
  console.log(`produce benchmark: ${N.toLocaleString('en')} records of ${S} bytes, acks=1, one-partition topics, broker ${bootstrap}`);
  const client = await plainClient(bootstrap, 'kafka-workbench-bench', 30_000);
  const stamp = Date.now();
  const topics: string[] = [];
  const newTopic = async (name: string) => {
    const topic = `bench-${name}-${stamp}-${topics.length}`;
    await createTopic(client, { name: topic, partitions: 1, replicationFactor: 1 }, 1);
    topics.push(topic);
    return topic;
  };
  const payload = 'x'.repeat(S);
  const results: Result[] = [];
  let oneInFlight: Result | undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'kw-bench-'));

  try {
    const ourPath = async (): Promise<Result> => {
      const topic = await newTopic('ours');
      const batchSize = BATCH_BYTES;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const outcome = await produce(
        client,
        {
          topic,
          keyFormat: 'none',
          valueFormat: 'string',
          value: payload,
          count: N,
          partitionMode: 'any',
          settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 1, batchSize, lingerMs: args.lingerMs, maxInFlightRequests: 5, compression: 'none' },
          sendStyle: 'asynchronous',
        },
        { keepReports: 0 },
      );
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      if (outcome.failed > 0) console.log(`  our path: ${outcome.failed} failed`);
      const cpuPerRecord = (cpu.user + cpu.system) / N;
      return { name: 'our path (template → serializer → RecordProducer)', seconds, recordsPerSecond: N / seconds, written: await endOffset(client, topic), note: `asynchronous, batch ${batchSize} B, linger ${args.lingerMs} ms, 5 in flight, a report per record; ${cpuPerRecord.toFixed(2)} µs CPU per record (this process, incl. the kafkajs client)` };
    };

    // Raw kafkajs, same batching: BATCH_BYTES per send, 5 sends in flight.
    const rawKafkajs = async (label: string, name: string, KafkaClass: typeof Kafka, inFlight = 5): Promise<Result> => {
      const topic = await newTopic(label);
      const kafka = new KafkaClass({ clientId: `bench-${label}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const value = Buffer.from(payload);
      const perSend = Math.max(1, Math.floor(BATCH_BYTES / (S + 70)));
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < N) {
          const count = Math.min(perSend, N - next);
          next += count;
          const messages = new Array(count);
          for (let i = 0; i < count; i++) messages[i] = { value, partition: 0 };
          await producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages });
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const seconds = (performance.now() - t0) / 1000;
      await producer.disconnect();
      return { name, seconds, recordsPerSecond: N / seconds, written: await endOffset(client, topic), note: `${perSend} records per send, ${inFlight} send${inFlight === 1 ? '' : 's'} in flight` };
    };

    // 1-3, alternating, so no contender always gets the warm (or the busy) moment; medians below.
    const rounds: Result[][] = [[], [], []];
    if (args.oursOnly) {
      for (let run = 0; run < args.runs; run++) {
        const r = await ourPath();
        console.log(`  our path: ${Math.round(r.recordsPerSecond).toLocaleString('en')} records/s (${r.note})`);
      }
      return;
    }
    for (let run = 0; run < args.runs; run++) {
      rounds[0].push(await ourPath());
      rounds[1].push(await rawKafkajs('kafkajs', 'raw kafkajs 2.2.4, patched (patches/)', Kafka));
      rounds[2].push(await rawKafkajs('upstream', 'raw kafkajs 2.2.4, unpatched (kafkajs-upstream)', UpstreamKafka as unknown as typeof Kafka));
      console.log(`  run ${run + 1}/${args.runs}: ${rounds.map((r) => Math.round(r[run].recordsPerSecond).toLocaleString('en')).join(' / ')} records/s (ours / patched / unpatched)`);
    }
    const median = (runs: Result[]) => [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)[Math.floor(runs.length / 2)];
    for (const r of rounds) results.push({ ...median(r), note: `${median(r).note}; median of ${r.length}` });
    // Our RecordProducer keeps one request per partition outstanding (Kafka's per-partition order,
    // see producer.ts); raw kafkajs with one send at a time shows what that alone costs.
    oneInFlight = await rawKafkajs('kafkajs-1', 'raw kafkajs 2.2.4, patched, 1 send in flight', Kafka, 1);

    // 3. kcat -P from a file of N lines.
    {
      const topic = await newTopic('kcat');
      const file = path.join(scratch, 'records.txt');
      const out = createWriteStream(file);
      const line = `${payload}\n`;
      const chunk = line.repeat(10_000);
      for (let i = 0; i < N; i += 10_000) {
        const text = i + 10_000 <= N ? chunk : line.repeat(N - i);
        if (!out.write(text)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      const t0 = performance.now();
      await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'acks=1', '-l', file], { maxBuffer: 64 * 1024 * 1024 });
      const seconds = (performance.now() - t0) / 1000;
      const { stdout } = await run('kcat', ['-V']);
      const version = /Version (\S+)/.exec(stdout)?.[1] ?? '?';
      const librdkafka = /librdkafka (\S+)/.exec(stdout)?.[1];
      results.push({ name: `kcat -P ${version}${librdkafka ? ` (librdkafka ${librdkafka})` : ''}`, seconds, recordsPerSecond: N / seconds, written: await endOffset(client, topic), note: 'librdkafka defaults, includes process start' });
    }

    // 4. Kafka's ProducerPerformance (Java client).
    {
      const topic = await newTopic('java');
      const java = await findJava();
      if (!java) throw new Error('Java 17+ is needed for ProducerPerformance');
      const t0 = performance.now();
      const child = spawn(java.path, ['-Xmx512m', '-cp', classpath.join(path.delimiter), 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(N), '--record-size', String(S), '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1', `batch.size=${BATCH_BYTES}`, 'linger.ms=5'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      const seconds = (performance.now() - t0) / 1000;
      const final = output.split('\n').filter((l) => /records sent, .* records\/sec/.test(l)).pop() ?? '';
      const reported = Number(/([\d.]+) records\/sec/.exec(final)?.[1] ?? NaN);
      if (code !== 0) console.log(output);
      results.push({ name: `Java ProducerPerformance ${KAFKA_VERSION}`, seconds, recordsPerSecond: reported || N / seconds, written: await endOffset(client, topic), note: `batch.size ${BATCH_BYTES}, linger 5 ms; its own figure (excl. JVM start); wall incl. JVM start: ${Math.round(N / seconds).toLocaleString('en')}/s` });
    }
  } finally {
    await client.withAdmin('delete', (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
    await client.close();
    rmSync(scratch, { recursive: true, force: true });
    await started?.stop();
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log('');
  console.log(`${pad('contender', 54)}${pad('records/s', 12)}${pad('seconds', 9)}${pad('written', 10)}note`);
  for (const r of results) {
    console.log(`${pad(r.name, 54)}${pad(Math.round(r.recordsPerSecond).toLocaleString('en'), 12)}${pad(r.seconds.toFixed(2), 9)}${pad(r.written.toLocaleString('en'), 10)}${r.note}`);
  }
  const ours = results[0].recordsPerSecond;
  const raw = results[1].recordsPerSecond;
  const upstream = results[2].recordsPerSecond;
  const kcat = results[3].recordsPerSecond;
  const java = results[4].recordsPerSecond;
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log('');
  console.log(`our path / patched kafkajs:   ${pct(ours, raw)} (target: ≥ 90%, i.e. ≤ 10% overhead)`);
  console.log(`our path / unpatched kafkajs: ${(ours / upstream).toFixed(1)}× (target: ≥ 3×)`);
  console.log(`patched / unpatched kafkajs:  ${(raw / upstream).toFixed(1)}×`);
  console.log(`our path / kcat -P:           ${pct(ours, kcat)} (goal: ≥ 50%)`);
  console.log(`our path / ProducerPerformance: ${pct(ours, java)} (target: ≥ 50%)`);
  if (oneInFlight) console.log(`raw kafkajs (patched) with 1 send in flight, as our path has per partition: ${Math.round(oneInFlight.recordsPerSecond).toLocaleString('en')} records/s; our path / that: ${pct(ours, oneInFlight.recordsPerSecond)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
