// A dedicated local broker (a real Kafka JVM in .cache), for what needs one to itself:
// - admin reads during an outage (the broker frozen with SIGSTOP): repeated list-topics reads, as
//   the tree's auto-refresh makes them, join the one in flight instead of piling up;
// - a broker shared by two processes: the closing window (this test process) leaves the broker
//   running while another live process (a kcat consumer reading from it) holds a lease, and the
//   last window to leave stops it, sweeping the lease of a user that crashed without leaving.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { brokerHolders, joinBroker, leaveBroker } from '../../src/core/broker/brokerLease';
import { isAlive, startLocalBroker, stopBrokerInDir, type RunningBroker } from '../../src/core/broker/localBroker';
import { listTopicInfos } from '../../src/core/kafka/topics';
import { plainClient } from '../support/plainClient';
import { findRepoRoot } from '../support/repoRoot';
import { testClasspath } from '../support/testBroker';

describe('Local broker lifecycle: admin reads during an outage, a broker shared by two processes', function () {
  this.timeout(180_000);
  let dir: string;
  let broker: RunningBroker | undefined;
  let reader: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(findRepoRoot(), '.cache', 'lease-broker-'));
    broker = await startLocalBroker({ dataDir: dir, classpath: await testClasspath(), heapMb: 256 });
  });

  after(async () => {
    reader?.kill('SIGKILL');
    await broker?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('during an outage (the broker frozen), eight list-topics reads each time out but join the admin request in flight (at most 3 started, one at a time); after it, reads work again', async () => {
    const client = await plainClient(broker!.bootstrap, 'outage-reader', 1_500);
    try {
      await listTopicInfos(client);
      const before = client.sharedReadsStarted;
      process.kill(broker!.pid, 'SIGSTOP');
      try {
        const outcomes: Promise<string>[] = [];
        for (let i = 0; i < 8; i++) {
          outcomes.push(listTopicInfos(client).then(() => 'answered', (e: Error) => e.message));
          await new Promise((r) => setTimeout(r, 250));
          assert.ok(client.sharedReadsInFlight <= 1, `at most one admin read in flight, not ${client.sharedReadsInFlight}`);
        }
        const settled = await Promise.all(outcomes);
        assert.ok(settled.every((m) => m !== 'answered' && m.length > 0), settled.join('\n'));
        // A read that gave up (kafkajs' own request time-out) lets the next caller start a fresh one.
        const started = client.sharedReadsStarted - before;
        assert.ok(started >= 1 && started <= 3, `eight callers started ${started} admin reads, not one each`);
      } finally {
        process.kill(broker!.pid, 'SIGCONT');
      }
      const deadline = Date.now() + 60_000;
      while (!(await listTopicInfos(client).then(() => true, () => false))) {
        assert.ok(Date.now() < deadline, 'reads work again after the outage');
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await client.close();
    }
  });

  it('one window leaving keeps the broker for the other; the last one to leave stops it, even after the other crashed', async () => {
    // Window A (this process) starts the broker and holds a lease.
    await joinBroker(dir);
    // Window B: another process using the broker (a kcat consumer reading from it) with its own lease.
    reader = spawn('kcat', ['-C', '-b', broker!.bootstrap, '-t', '__consumer_offsets', '-o', 'end', '-q'], { stdio: 'ignore' });
    await joinBroker(dir, reader.pid);
    assert.deepEqual((await brokerHolders(dir)).sort(), [process.pid, reader.pid!].sort());

    // A closes: B still holds a lease, so A must not stop the broker.
    assert.equal(await leaveBroker(dir), false, 'another process still uses the broker');
    assert.ok(isAlive(broker!.pid), 'the broker keeps running for B');
    assert.equal(reader.exitCode, null, 'B is still reading');

    // B crashes without leaving; A opens again and closes last: the stale lease is swept and A stops it.
    reader.kill('SIGKILL');
    await new Promise((r) => reader!.once('exit', r));
    await joinBroker(dir);
    assert.equal(await leaveBroker(dir), true, 'the last live user');
    assert.deepEqual(await brokerHolders(dir), []);
    assert.equal(await stopBrokerInDir(dir), true);
    assert.ok(!isAlive(broker!.pid), 'stopped by the last user');
    broker = undefined;
  });
});
