// The local broker module against the real thing: a Kafka 3.9.1 JVM and kcat (librdkafka), a client
// nobody in this project wrote.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import {
  ensureKafkaJars,
  findJava,
  jarFileName,
  jarRepositoryPath,
  JAVA_MISSING_MESSAGE,
  KAFKA_JARS,
  parseJavaMajorVersion,
} from '../../src/core/broker/kafkaJars';
import { findFreePort, isPortFree, newClusterId, readBrokerInfo, startLocalBroker, stopBrokerInDir } from '../../src/core/broker/localBroker';
import { testBroker, testClasspath, testJarsDir, type BrokerInfo } from '../support/testBroker';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kcat(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (!err) resolve({ code: 0, stdout, stderr });
      else if (typeof err.code === 'number') resolve({ code: err.code, stdout, stderr });
      // librdkafka sometimes aborts on its way out after a failed TLS handshake: a run ended by a
      // signal (not by our timeout) is a failed run, as a shell would report it (128 + signal).
      else if (err.signal && !err.killed) resolve({ code: 128 + (constants.signals[err.signal] ?? 0), stdout, stderr });
      else reject(err);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `kcat -L -J` against a listener, with extra librdkafka properties. */
async function metadata(bootstrap: string, props: Record<string, string> = {}, timeoutS = 15): Promise<Run> {
  const args = ['-b', bootstrap, '-L', '-J', '-m', String(timeoutS)];
  for (const [k, v] of Object.entries(props)) args.push('-X', `${k}=${v}`);
  return kcat(args);
}

function brokersOf(run: Run): { id: number; name: string }[] {
  assert.equal(run.code, 0, `kcat failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { brokers: { id: number; name: string }[] }).brokers;
}

describe('local Kafka broker (real JVM, checked with kcat)', function () {
  this.timeout(240_000);
  let broker: BrokerInfo;

  before(async () => {
    broker = await testBroker();
  });

  it('lists itself over PLAINTEXT', async () => {
    const brokers = brokersOf(await metadata(broker.bootstrap));
    assert.deepEqual(brokers, [{ id: 1, name: broker.bootstrap }]);
  });

  it('wrote broker.json with everything a client needs', async () => {
    const info = await readBrokerInfo(broker.dataDir);
    assert.ok(info);
    assert.equal(info.bootstrap, broker.bootstrap);
    assert.equal(info.clusterId, broker.clusterId);
    assert.equal(info.kafkaVersion, '3.9.1');
    assert.match(info.bootstrap, /^127\.0\.0\.1:\d+$/);
    assert.equal(Number((await fsp.readFile(path.join(broker.dataDir, 'broker.pid'), 'utf8')).trim()), info.pid);
  });

  for (const [mechanism, key] of [
    ['PLAIN', 'plain'],
    ['SCRAM-SHA-256', 'scram256'],
    ['SCRAM-SHA-512', 'scram512'],
  ] as const) {
    it(`accepts SASL ${mechanism} with the right password and refuses a wrong one`, async () => {
      assert.ok(broker.sasl);
      const { username, password } = broker.sasl.users[key];
      const base = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': mechanism, 'sasl.username': username };
      const ok = await metadata(broker.sasl.bootstrap, { ...base, 'sasl.password': password });
      assert.deepEqual(brokersOf(ok), [{ id: 1, name: broker.sasl.bootstrap }]);

      const bad = await metadata(broker.sasl.bootstrap, { ...base, 'sasl.password': `${password}-wrong` }, 4);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Authentication failed|invalid credentials/i);
    });
  }

  it('serves TLS with the local CA, with and without a client certificate', async () => {
    assert.ok(broker.tls);
    const tls = { 'security.protocol': 'SSL', 'ssl.ca.location': broker.tls.caFile };
    assert.deepEqual(brokersOf(await metadata(broker.tls.bootstrap, tls)), [{ id: 1, name: broker.tls.bootstrap }]);
    const mutual = { ...tls, 'ssl.certificate.location': broker.tls.clientCertFile, 'ssl.key.location': broker.tls.clientKeyFile };
    assert.deepEqual(brokersOf(await metadata(broker.tls.bootstrap, mutual)), [{ id: 1, name: broker.tls.bootstrap }]);
    // The certificate names 127.0.0.1, so hostname verification passes too.
    const strict = { ...tls, 'ssl.endpoint.identification.algorithm': 'https' };
    assert.equal((await metadata(broker.tls.bootstrap, strict)).code, 0);
  });

  it('refuses TLS when the client does not trust the local CA', async () => {
    assert.ok(broker.tls);
    const run = await metadata(broker.tls.bootstrap, { 'security.protocol': 'SSL', 'ssl.ca.location': '/etc/ssl/certs/ca-certificates.crt' }, 4);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /certificate verify failed/);
  });

  it('stores what kcat produces and gives it back (topic created with kafkajs admin)', async () => {
    const topic = `local-broker-${Date.now()}`;
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'local-broker-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }), true);
    } finally {
      await admin.disconnect();
    }
    const lines = ['one', 'two', 'three'];
    const produced = await kcat(['-b', broker.bootstrap, '-P', '-t', topic], `${lines.join('\n')}\n`);
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), lines);
    // The broker is shared by every layer (the UI tests show its topics): leave nothing behind.
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('does not create topics on demand', async () => {
    const run = await kcat(['-b', broker.bootstrap, '-P', '-t', `no-such-topic-${Date.now()}`, '-X', 'message.timeout.ms=3000'], 'x\n');
    const listed = await metadata(broker.bootstrap);
    assert.ok(!listed.stdout.includes('no-such-topic-'), `auto-created a topic (kcat: ${run.stderr})`);
  });
});

describe('stopBrokerInDir', function () {
  this.timeout(30_000);

  it('does not kill a process that is not a Kafka broker', async () => {
    const dir = await fsp.mkdtemp(path.join(tmpdir(), 'kw-not-a-broker-'));
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await fsp.writeFile(path.join(dir, 'broker.pid'), `${sleeper.pid}\n`);
      assert.equal(await stopBrokerInDir(dir), false);
      assert.equal(sleeper.exitCode, null);
      assert.equal(sleeper.signalCode, null);
      process.kill(sleeper.pid!, 0); // still alive
    } finally {
      sleeper.kill('SIGKILL');
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('returns false for a folder without a broker', async () => {
    const dir = await fsp.mkdtemp(path.join(tmpdir(), 'kw-empty-'));
    try {
      assert.equal(await stopBrokerInDir(dir), false);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ports', () => {
  it('finds a free loopback port and notices one in use', async () => {
    const port = await findFreePort();
    assert.ok(port > 0 && port < 65536);
    assert.equal(await isPortFree(port), true);
    const broker = await testBroker();
    assert.equal(await isPortFree(Number(broker.bootstrap.split(':')[1])), false);
  });
});

describe('Java', function () {
  this.timeout(30_000);

  it('finds Java 17 or newer', async () => {
    const java = await findJava();
    assert.ok(java, 'java is installed on test machines');
    assert.ok(java.majorVersion >= 17, `found Java ${java.majorVersion}`);
    assert.ok(path.isAbsolute(java.path));
  });

  it('reads old and new version strings', () => {
    assert.equal(parseJavaMajorVersion('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(parseJavaMajorVersion('java version "1.8.0_392"'), 8);
    assert.equal(parseJavaMajorVersion('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajorVersion('nothing here'), undefined);
  });
});

describe('ensureKafkaJars', function () {
  this.timeout(240_000);
  let scratch: string;

  before(async () => {
    await testBroker(); // the shared jar folder is complete once the broker runs
    scratch = await fsp.mkdtemp(path.join(tmpdir(), 'kw-jars-'));
  });

  after(async () => {
    await fsp.rm(scratch, { recursive: true, force: true });
  });

  it('downloads nothing on a second run, and returns the full classpath', async () => {
    let fetched = 0;
    // A repository that does not exist: any fetch would fail.
    const classpath = await ensureKafkaJars({
      repositoryUrl: pathToFileURL(path.join(scratch, 'no-such-repository')).href,
      targetDir: testJarsDir(),
      onProgress: () => fetched++,
    });
    assert.equal(fetched, 0);
    assert.equal(classpath.length, KAFKA_JARS.jars.length);
    for (const jar of classpath) assert.ok(path.isAbsolute(jar) && jar.endsWith('.jar'));
    assert.ok(classpath.some((j) => path.basename(j) === 'org.apache.kafka__kafka_2.13-3.9.1.jar'));
  });

  it('copies from a file:// repository and refuses a tampered jar', async () => {
    // A Maven-layout repository holding the pinned jars, one of them altered.
    const repo = path.join(scratch, 'repo');
    const victim = KAFKA_JARS.jars.find((j) => j.artifactId === 'kafka-raft');
    assert.ok(victim);
    for (const jar of KAFKA_JARS.jars) {
      const file = path.join(repo, jarRepositoryPath(jar));
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const source = path.join(testJarsDir(), jarFileName(jar));
      if (jar === victim) {
        const bytes = await fsp.readFile(source);
        bytes[bytes.length >> 1] ^= 0xff;
        await fsp.writeFile(file, bytes);
      } else {
        await fsp.symlink(source, file);
      }
    }
    const target = path.join(scratch, 'target');
    // Seed the target with everything but a few jars, so the run copies a handful and meets the bad one.
    const copied = new Set([victim, ...KAFKA_JARS.jars.filter((j) => j.groupId === 'org.slf4j')]);
    await fsp.mkdir(target);
    for (const jar of KAFKA_JARS.jars) {
      if (!copied.has(jar)) await fsp.copyFile(path.join(testJarsDir(), jarFileName(jar)), path.join(target, jarFileName(jar)));
    }

    const progress: string[] = [];
    await assert.rejects(
      ensureKafkaJars({ repositoryUrl: pathToFileURL(repo).href, targetDir: target, onProgress: (_d, _t, a) => progress.push(a) }),
      (err: Error) => {
        assert.match(
          err.message,
          /^checksum mismatch for org\.apache\.kafka:kafka-raft:3\.9\.1: expected [0-9a-f]{64} got [0-9a-f]{64}; the download was corrupted or the repository serves a different file$/,
        );
        return true;
      },
    );
    const left = await fsp.readdir(target);
    assert.ok(!left.includes(jarFileName(victim)), 'the tampered jar was deleted');
    assert.deepEqual(left.filter((f) => !f.endsWith('.jar')), [], 'no temp files are left');
    assert.ok(!progress.includes('org.apache.kafka:kafka-raft:3.9.1'));

    // With the right jar in the repository the same call completes, fetching only what is missing.
    await fsp.rm(path.join(repo, jarRepositoryPath(victim)));
    await fsp.symlink(path.join(testJarsDir(), jarFileName(victim)), path.join(repo, jarRepositoryPath(victim)));
    const fetched: string[] = [];
    const classpath = await ensureKafkaJars({ repositoryUrl: pathToFileURL(repo).href, targetDir: target, onProgress: (_d, _t, a) => fetched.push(a) });
    assert.equal(classpath.length, KAFKA_JARS.jars.length);
    assert.ok(fetched.includes('org.apache.kafka:kafka-raft:3.9.1'));
    assert.ok(fetched.length <= copied.size);
  });
});

describe('startLocalBroker failures', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(tmpdir(), 'kw-broker-fail-'));
  });

  afterEach(async () => {
    await stopBrokerInDir(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('says how to get Java when there is none', async () => {
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = '';
    delete process.env.JAVA_HOME;
    try {
      assert.equal(await findJava(), undefined);
      await assert.rejects(startLocalBroker({ dataDir: dir, classpath: ['/x.jar'] }), { message: JAVA_MISSING_MESSAGE });
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
  });

  it('refuses a port that is in use', async () => {
    const broker = await testBroker();
    const port = Number(broker.bootstrap.split(':')[1]);
    await assert.rejects(startLocalBroker({ dataDir: dir, classpath: await testClasspath(), plaintextPort: port }), /Port \d+ on 127\.0\.0\.1 is already in use/);
  });

  it('reports a broker that exits before it is ready, with the tail of its output', async () => {
    // Formatted already (so the format step is skipped), but the classpath lacks the broker.
    await fsp.mkdir(path.join(dir, 'kraft-logs'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'kraft-logs', 'meta.properties'), `cluster.id=${newClusterId()}\nnode.id=1\nversion=1\n`);
    const classpath = (await testClasspath()).filter((j) => !/kafka_2\.13/.test(j));
    await assert.rejects(startLocalBroker({ dataDir: dir, classpath }), (err: Error) => {
      assert.match(err.message, /^The Kafka broker exited \(code 1\) before it was ready/);
      assert.match(err.message, /kafka\.Kafka/); // "Could not find or load main class kafka.Kafka"
      return true;
    });
    assert.equal(await readBrokerInfo(dir), undefined);
  });
});
