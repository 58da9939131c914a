// The real Kafka broker every test layer talks to.
//
// - KW_TEST_BROKER=/path/to/broker.json: the test runner started one broker (SASL + TLS) for the
//   whole run; testBroker() just reads that file.
// - Otherwise testBroker() starts one (SASL + TLS) in .cache/test-broker, or reuses the one already
//   running there. A broker this process started is stopped when the process exits, unless
//   KW_KEEP_TEST_BROKER=1 (handy for fast reruns; stop it with `npm run broker -- stop --dir .cache/test-broker`).
// - Jars: .cache/kafka-<version>, from KW_MAVEN_REPOSITORY (a Maven repository URL, https:// or
//   file://) or Maven Central.
import { promises as fsp, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAVEN_REPOSITORY, ensureKafkaJars, KAFKA_VERSION } from '../../src/core/broker/kafkaJars';
import {
  findRunningBroker,
  startLocalBroker,
  stopBrokerInDir,
  type BrokerInfo,
} from '../../src/core/broker/localBroker';

export type { BrokerInfo };

export { findRepoRoot as repoRoot } from './repoRoot';
import { findRepoRoot as repoRoot } from './repoRoot';

/** Where the test broker's jars live. */
export function testJarsDir(): string {
  return path.join(repoRoot(), '.cache', `kafka-${KAFKA_VERSION}`);
}

/** Where testBroker() runs its own broker. */
export function testBrokerDir(): string {
  return path.join(repoRoot(), '.cache', 'test-broker');
}

/** The classpath of the test broker (fetching jars when missing). */
export function testClasspath(): Promise<string[]> {
  return ensureKafkaJars({
    repositoryUrl: process.env.KW_MAVEN_REPOSITORY || DEFAULT_MAVEN_REPOSITORY,
    targetDir: testJarsDir(),
  });
}

let pending: Promise<BrokerInfo> | undefined;
let startedPid: number | undefined;

/** The broker the tests use: the runner's (KW_TEST_BROKER) or one in .cache/test-broker. */
export function testBroker(): Promise<BrokerInfo> {
  pending ??= obtain().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

async function obtain(): Promise<BrokerInfo> {
  const named = process.env.KW_TEST_BROKER;
  if (named) {
    try {
      return JSON.parse(await fsp.readFile(named, 'utf8')) as BrokerInfo;
    } catch (err) {
      throw new Error(`KW_TEST_BROKER names ${named}, which could not be read: ${(err as Error).message}`);
    }
  }
  const dir = testBrokerDir();
  await fsp.mkdir(dir, { recursive: true });
  return withLock(path.join(dir, '.start.lock'), async () => {
    const running = await findRunningBroker(dir);
    if (running?.sasl && running.tls) return running;
    if (running) await stopBrokerInDir(dir); // started without SASL/TLS: restart with them
    const classpath = await testClasspath();
    // A broker started for this run begins empty: topics left by earlier runs would lengthen the
    // Kafka view's lists past the fold where the UI tests look for rows.
    rmSync(path.join(dir, 'kraft-logs'), { recursive: true, force: true });
    const broker = await startLocalBroker({ dataDir: dir, classpath, sasl: true, tls: true });
    startedPid = broker.pid;
    if (process.env.KW_KEEP_TEST_BROKER !== '1') process.once('exit', killStartedBroker);
    const { stop: _stop, ...info } = broker;
    return info;
  });
}

function killStartedBroker(): void {
  if (startedPid === undefined) return;
  try {
    process.kill(startedPid, 'SIGTERM');
  } catch {
    // already gone
  }
  startedPid = undefined;
  rmSync(path.join(testBrokerDir(), 'broker.pid'), { force: true });
}

/** Stops the broker in .cache/test-broker (the runner calls this at the end of a run). */
export async function stopTestBroker(): Promise<void> {
  process.removeListener('exit', killStartedBroker);
  startedPid = undefined;
  pending = undefined;
  await stopBrokerInDir(testBrokerDir());
}

/**
 * Runs `fn` holding a lock file, so that two test processes starting at once do not both start a
 * broker in the same folder. A lock older than 5 minutes, or whose owner is gone, is taken over.
 */
async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      const handle = await fsp.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await lockIsStale(lockFile)) {
        await fsp.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lockFile, { force: true });
  }
}

async function lockIsStale(lockFile: string): Promise<boolean> {
  try {
    const [stat, text] = await Promise.all([fsp.stat(lockFile), fsp.readFile(lockFile, 'utf8')]);
    if (Date.now() - stat.mtimeMs > 5 * 60_000) return true;
    const pid = Number(text.trim());
    if (!pid) return Date.now() - stat.mtimeMs > 5_000; // being written
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return true; // vanished meanwhile: try again
  }
}
