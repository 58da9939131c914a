// Independent clients for checking what the producer wrote: kcat (librdkafka) and python3-kafka.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: string;
  /** The record's timestamp (CreateTime or LogAppendTime) in ms. */
  timestamp: number;
}

/** Reads a whole topic with kcat; `isolation` picks read_committed or read_uncommitted. */
export async function kcatRead(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_uncommitted'): Promise<ReadRecord[]> {
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%p\x1f%o\x1f%k\x1f%s\x1f%h\x1f%T\x1e'],
    { maxBuffer: 512 * 1024 * 1024, timeout: 60_000 },
  );
  return stdout
    .split('\x1e')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [partition, offset, key, value, headers, timestamp] = line.split('\x1f');
      return { partition: Number(partition), offset: Number(offset), key, value, headers, timestamp: Number(timestamp) };
    });
}

/** python3-kafka lives in Debian's python, which may not be the python3 first on PATH. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** The partition python3-kafka's default (Java-compatible murmur2) partitioner picks for each key. */
export async function pythonPartitions(keys: string[], partitions: number): Promise<number[]> {
  const script = [
    'import json, sys',
    'from kafka.partitioner.default import DefaultPartitioner',
    'keys = json.loads(sys.stdin.read())',
    `parts = list(range(${partitions}))`,
    'print(json.dumps([DefaultPartitioner()(k.encode("utf-8"), parts, parts) for k in keys]))',
  ].join('\n');
  const child = run(python(), ['-c', script], { timeout: 30_000 });
  child.child.stdin?.end(JSON.stringify(keys));
  const { stdout } = await child;
  return JSON.parse(stdout) as number[];
}

/**
 * A responder for request/reply written with python3-kafka: reads one request from `requestTopic`
 * and answers "pong: <value>" on the topic named in its kafka_replyTopic header, echoing
 * kafka_correlationId. Resolves once it has answered (or rejects after `timeoutMs`).
 */
export function pythonResponder(bootstrap: string, requestTopic: string, timeoutMs = 30_000): Promise<void> {
  const script = [
    'import sys',
    'from kafka import KafkaConsumer, KafkaProducer',
    `c = KafkaConsumer(${JSON.stringify(requestTopic)}, bootstrap_servers=${JSON.stringify(bootstrap)}, auto_offset_reset="earliest", consumer_timeout_ms=${timeoutMs})`,
    `p = KafkaProducer(bootstrap_servers=${JSON.stringify(bootstrap)})`,
    'for m in c:',
    '    h = dict(m.headers or [])',
    '    if "kafka_replyTopic" in h:',
    '        p.send(h["kafka_replyTopic"].decode(), value=b"pong: " + m.value, headers=[("kafka_correlationId", h["kafka_correlationId"])])',
    '        p.flush()',
    '        sys.exit(0)',
    'sys.exit(3)',
  ].join('\n');
  return run(python(), ['-c', script], { timeout: timeoutMs + 10_000 }).then(() => undefined);
}

/** Record values as kcat reads them, byte for byte (`%S` is the value's length, so binary is safe). */
export function kcatValues(bootstrap: string, topic: string): Promise<Buffer[]> {
  return kcatBytes(bootstrap, topic, 'value');
}

/** Every record's key as raw bytes, in order (a null key as an empty buffer). */
export function kcatKeys(bootstrap: string, topic: string): Promise<Buffer[]> {
  return kcatBytes(bootstrap, topic, 'key');
}

function kcatBytes(bootstrap: string, topic: string, which: 'key' | 'value'): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    execFile('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', which === 'key' ? '%K:%k' : '%S:%s'], { encoding: 'buffer', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      const values: Buffer[] = [];
      let at = 0;
      while (at < stdout.length) {
        const colon = stdout.indexOf(0x3a, at);
        // kcat prints -1 as the length of a null key.
        const length = Math.max(0, Number(stdout.subarray(at, colon).toString('latin1')));
        values.push(stdout.subarray(colon + 1, colon + 1 + length));
        at = colon + 1 + length;
      }
      resolve(values);
    });
  });
}
