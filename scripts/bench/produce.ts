// Produce benchmark: N records of S bytes with acks=1 to a local broker, through
//   1. our path (template → serializer → RecordProducer's batching → kafkajs, patched),
//   2. raw kafkajs 2.2.4 as this project installs it (patches/ applied; producer.send with pre-built
//      batches), 5 sends in flight (the issue's reference) and 1 in flight (per-partition order kept
//      under retries, as our path keeps it),
//   3. raw kafkajs 2.2.4 unpatched (the kafkajs-upstream alias), the same sends,
//   4. kcat -P (librdkafka),
//   5. Kafka's own ProducerPerformance (the Java client),
// each into a fresh one-partition topic, in the same run, printed side by side. All five alternate
// for --runs rounds (3 by default) and the median round of each is shown; for our path also the
// CPU time per record and the heap's peak growth while the whole bulk send is under way. Our path
// has one request per partition in flight (RecordProducer), whatever its retries (5 by default).
//
//   npm run bench:produce                       # the broker in .cache/test-broker (started if needed)
//   npm run bench:produce -- --records 200000 --size 1024 --runs 3 --bootstrap 127.0.0.1:9092
//   npm run bench:produce -- --ours-only --retries 0   # only our path, for trying settings
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

/** Main-thread GC pauses (ms) from now until the returned function is called. */
function gcPauses(): () => number {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) ms += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return ms;
  };
}
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Kafka as UpstreamKafka } from 'kafkajs-upstream';
import { DEFAULT_MAVEN_REPOSITORY, ensureKafkaJars, findJava, KAFKA_VERSION } from '../../src/core/broker/kafkaJars';
import { findRunningBroker, startLocalBroker, type RunningBroker } from '../../src/core/broker/localBroker';
import type { KafkaClient } from '../../src/core/kafka/client';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic } from '../../src/core/kafka/topics';
import { prepareProduce, runProduce } from '../../src/core/produce/produceService';
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
  /** Our path's retries. */
  retries: number;
  /** Only these contenders (ours, patched, unpatched, kcat, java), for trying settings quickly. */
  only?: string[];
  bootstrap?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { records: 1_000_000, size: 100, runs: 3, lingerMs: 5, retries: 5 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? '';
    if (argv[i] === '--records') args.records = Number(value());
    else if (argv[i] === '--size') args.size = Number(value());
    else if (argv[i] === '--runs') args.runs = Math.max(1, Number(value()));
    else if (argv[i] === '--linger') args.lingerMs = Number(value());
    else if (argv[i] === '--retries') args.retries = Number(value());
    else if (argv[i] === '--ours-only') args.only = ['ours'];
    else if (argv[i] === '--only') args.only = value().split(',');
    else if (argv[i] === '--bootstrap') args.bootstrap = value();
    else throw new Error(`unknown argument ${argv[i]}; use --records N --size BYTES --runs N --linger MS --retries N --only ours,patched,patched1,unpatched,kcat,java --bootstrap HOST:PORT`);
  }
  return args;
}

interface Result {
  name: string;
  seconds: number;
  recordsPerSecond: number;
  written: number;
  note: string;
  /** Our path: µs of this process's CPU per record, and the heap's peak growth during the send. */
  cpuPerRecord?: number;
  heapPeakMiB?: number;
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
  /** Our path / patched kafkajs within each round (they run back to back, so the machine's load drifts less between them). */
  let roundRatios: number[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'kw-bench-'));

  try {
    const ourPath = async (retries = args.retries): Promise<Result> => {
      const topic = await newTopic('ours');
      const batchSize = BATCH_BYTES;
      // The heap while the whole bulk send is queued: sampled, peak above the heap before it.
      // (v8's heap figure: process.memoryUsage() also reads the RSS from /proc, which costs.)
      const heap0 = getHeapStatistics().used_heap_size;
      let heapPeak = heap0;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size)), 50);
      // prepareProduce (topic lookup, settings and first-record checks) runs before the clock, as
      // the form runs it before Send; runProduce (connect, send, reports, disconnect) is timed, as
      // is connect to disconnect for raw kafkajs.
      const prepared = await prepareProduce(
        client,
        {
          topic,
          keyFormat: 'none',
          valueFormat: 'string',
          value: payload,
          count: N,
          partitionMode: 'any',
          settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 1, batchSize, lingerMs: args.lingerMs, maxInFlightRequests: 5, compression: 'none', retries },
          sendStyle: 'asynchronous',
        },
      );
      const gc = gcPauses();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const outcome = await runProduce(client, prepared, { keepReports: 0 });
      const gcMs = gc();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(sampler);
      if (outcome.failed > 0) console.log(`  our path: ${outcome.failed} failed`);
      const cpuPerRecord = (cpu.user + cpu.system) / N;
      return {
        name: `our path (template→serializer→RecordProducer), retries ${retries}`,
        seconds,
        recordsPerSecond: N / seconds,
        written: await endOffset(client, topic),
        cpuPerRecord,
        heapPeakMiB: (heapPeak - heap0) / 1048576,
        note: `asynchronous, batch ${batchSize} B, linger ${args.lingerMs} ms, one request in flight per partition (peak ${outcome.peakPartitionInFlight}), ${Math.round(N / (outcome.requests ?? 1))} records per request, a report per record; ${cpuPerRecord.toFixed(2)} µs CPU/record (this process, incl. kafkajs), GC pauses ${(gcMs / 1000).toFixed(2)} s; heap peak +${((heapPeak - heap0) / 1048576).toFixed(0)} MiB with ${N.toLocaleString('en')} queued`,
      };
    };

    // Raw kafkajs, same batching: BATCH_BYTES per send, 5 sends in flight.
    const rawKafkajs = async (label: string, name: string, KafkaClass: typeof Kafka, inFlight = 5): Promise<Result> => {
      const topic = await newTopic(label);
      const kafka = new KafkaClass({ clientId: `bench-${label}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
      const value = Buffer.from(payload);
      const perSend = Math.max(1, Math.floor(BATCH_BYTES / (S + 70)));
      const gc = gcPauses();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
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
      await producer.disconnect();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuPerRecord = (cpu.user + cpu.system) / N;
      const gcMs = gc();
      return { name, seconds, recordsPerSecond: N / seconds, written: await endOffset(client, topic), cpuPerRecord, note: `${perSend} records per send, ${inFlight} send${inFlight === 1 ? '' : 's'} in flight; ${cpuPerRecord.toFixed(2)} µs CPU/record, GC pauses ${(gcMs / 1000).toFixed(2)} s` };
    };

    // 3. kcat -P from a file of N lines (written once, before the rounds).
    const file = path.join(scratch, 'records.txt');
    {
      const out = createWriteStream(file);
      const line = `${payload}\n`;
      const chunk = line.repeat(10_000);
      for (let i = 0; i < N; i += 10_000) {
        const text = i + 10_000 <= N ? chunk : line.repeat(N - i);
        if (!out.write(text)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    }
    const { stdout: kcatVersion } = await run('kcat', ['-V']);
    const kcatName = `kcat -P ${/Version (\S+)/.exec(kcatVersion)?.[1] ?? '?'}${/librdkafka (\S+)/.exec(kcatVersion)?.[1] ? ` (librdkafka ${/librdkafka (\S+)/.exec(kcatVersion)?.[1]})` : ''}`;
    const kcat = async (): Promise<Result> => {
      const topic = await newTopic('kcat');
      const t0 = performance.now();
      await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'acks=1', '-l', file], { maxBuffer: 64 * 1024 * 1024 });
      const seconds = (performance.now() - t0) / 1000;
      return { name: kcatName, seconds, recordsPerSecond: N / seconds, written: await endOffset(client, topic), note: 'librdkafka defaults, includes process start' };
    };

    // 4. Kafka's ProducerPerformance (Java client).
    const java = await findJava();
    if (!java) throw new Error('Java 17+ is needed for ProducerPerformance');
    const producerPerformance = async (): Promise<Result> => {
      const topic = await newTopic('java');
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
      return { name: `Java ProducerPerformance ${KAFKA_VERSION}`, seconds, recordsPerSecond: reported || N / seconds, written: await endOffset(client, topic), note: `batch.size ${BATCH_BYTES}, linger 5 ms; its own figure (excl. JVM start); wall incl. JVM start: ${Math.round(N / seconds).toLocaleString('en')}/s` };
    };

    // Every contender once per round, alternating, so none always gets the warm (or the busy)
    // moment of a shared machine; the table shows each one's median round.
    const all: [string, () => Promise<Result>][] = [
      ['ours', () => ourPath()],
      ['patched', () => rawKafkajs('kafkajs', 'raw kafkajs 2.2.4, patched (patches/)', Kafka)],
      ['patched1', () => rawKafkajs('kafkajs1', 'raw kafkajs 2.2.4, patched, 1 send in flight', Kafka, 1)],
      ['unpatched', () => rawKafkajs('upstream', 'raw kafkajs 2.2.4, unpatched (kafkajs-upstream)', UpstreamKafka as unknown as typeof Kafka)],
      ['kcat', kcat],
      ['java', producerPerformance],
    ];
    if (args.only) {
      for (let run = 0; run < args.runs; run++) {
        for (const [key, contender] of all) {
          if (!args.only.includes(key)) continue;
          const r = await contender();
          console.log(`  ${r.name}: ${Math.round(r.recordsPerSecond).toLocaleString('en')} records/s (${r.note})`);
        }
      }
      return;
    }
    const contenders = all.map(([, c]) => c);
    const rounds: Result[][] = contenders.map(() => []);
    for (let run = 0; run < args.runs; run++) {
      for (let c = 0; c < contenders.length; c++) rounds[c].push(await contenders[c]());
      console.log(`  run ${run + 1}/${args.runs}: ${rounds.map((r) => Math.round(r[run].recordsPerSecond).toLocaleString('en')).join(' / ')} records/s (ours / patched / patched 1 in flight / unpatched / kcat / Java)`);
    }
    const median = (runs: Result[]) => [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)[Math.floor(runs.length / 2)];
    for (const r of rounds) results.push({ ...median(r), note: `${median(r).note}; median of ${r.length}` });
    roundRatios = rounds[0].map((r, i) => r.recordsPerSecond / rounds[1][i].recordsPerSecond);
  } finally {
    await client.withAdmin('delete', (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
    await client.close();
    rmSync(scratch, { recursive: true, force: true });
    await started?.stop();
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log('');
  console.log(`${pad('contender', 58)}${pad('records/s', 12)}${pad('seconds', 9)}${pad('written', 10)}note`);
  for (const r of results) {
    console.log(`${pad(r.name, 58)}${pad(Math.round(r.recordsPerSecond).toLocaleString('en'), 12)}${pad(r.seconds.toFixed(2), 9)}${pad(r.written.toLocaleString('en'), 10)}${r.note}`);
  }
  const ours = results[0].recordsPerSecond;
  const raw = results[1].recordsPerSecond;
  const raw1 = results[2].recordsPerSecond;
  const upstream = results[3].recordsPerSecond;
  const kcat = results[4].recordsPerSecond;
  const java = results[5].recordsPerSecond;
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log('');
  console.log(`our path / patched kafkajs:   ${pct(ours, raw)} (target: ≥ 90%, i.e. ≤ 10% overhead)`);
  const sortedRatios = [...roundRatios].sort((a, b) => a - b);
  console.log(`  same, round by round: ${roundRatios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}; median ${((sortedRatios[Math.floor(sortedRatios.length / 2)] ?? NaN) * 100).toFixed(0)}%`);
  console.log(`our path / patched kafkajs with 1 send in flight (order kept like ours): ${pct(ours, raw1)}`);
  console.log(`our path / unpatched kafkajs: ${(ours / upstream).toFixed(1)}× (target: ≥ 3×)`);
  console.log(`patched / unpatched kafkajs:  ${(raw / upstream).toFixed(1)}×`);
  console.log(`our path / kcat -P:           ${pct(ours, kcat)} (goal: ≥ 50%)`);
  console.log(`our path / ProducerPerformance: ${pct(ours, java)} (target: ≥ 50%)`);
  console.log(`CPU per record: our path ${results[0].cpuPerRecord?.toFixed(2)} µs, patched kafkajs ${results[1].cpuPerRecord?.toFixed(2)} µs (this process; on a loaded machine the wall-clock ratio follows this one)`);
  console.log(`our path heap: peak +${results[0].heapPeakMiB?.toFixed(0)} MiB while sending ${N.toLocaleString('en')} records (median round)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
