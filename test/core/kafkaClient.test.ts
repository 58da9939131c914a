import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { ConnectionProfile } from '../../src/core/connection/profile';
import { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError, type FailureCause } from '../../src/core/kafka/errors';
import { openedSince, socketsTo } from '../support/sockets';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const TIMEOUT_MS = 6000;

function profile(overrides: Partial<ConnectionProfile> & { bootstrapServers: string[] }): ConnectionProfile {
  return {
    name: 'test',
    clientId: 'kafka-workbench-test',
    sasl: { mechanism: 'none' },
    tls: { enabled: false, verifyHostname: true },
    ...overrides,
  };
}

/** A loopback port that nothing listens on: bound, read, and released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function describeFails(p: ConnectionProfile, password?: string): Promise<{ error: KafkaWorkbenchError; elapsedMs: number }> {
  const started = Date.now();
  const client = await KafkaClient.create(p, { saslPassword: password }, { timeoutMs: TIMEOUT_MS }).catch((e: unknown) => e);
  try {
    if (client instanceof KafkaClient) await client.describeCluster();
    else throw client;
  } catch (e) {
    assert.ok(e instanceof KafkaWorkbenchError, `expected a KafkaWorkbenchError, got ${String(e)}`);
    return { error: e, elapsedMs: Date.now() - started };
  } finally {
    if (client instanceof KafkaClient) await client.close();
  }
  assert.fail('describeCluster succeeded where it should have failed');
}

function assertFailure(result: { error: KafkaWorkbenchError; elapsedMs: number }, reasons: FailureCause[], mentions: RegExp): void {
  assert.ok(reasons.includes(result.error.reason), `reason ${result.error.reason} not in ${reasons.join(', ')}: ${result.error.message}`);
  assert.match(result.error.message, mentions);
  // Bounded: the configured deadline plus slack for closing sockets, never kafkajs' default 30 s+ retries.
  assert.ok(result.elapsedMs < TIMEOUT_MS + 3000, `took ${result.elapsedMs} ms`);
}

describe('KafkaClient against the real broker', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;

  before(async () => {
    broker = await testBroker();
  });

  it('describes the cluster over PLAINTEXT: cluster id, controller, one broker, round trip', async () => {
    const client = await KafkaClient.create(profile({ bootstrapServers: [broker.bootstrap] }), {}, { timeoutMs: TIMEOUT_MS });
    try {
      const summary = await client.describeCluster();
      assert.equal(summary.clusterId, broker.clusterId);
      assert.equal(summary.brokers.length, 1);
      assert.equal(summary.controllerId, summary.brokers[0].nodeId);
      assert.equal(summary.brokers[0].isController, true);
      assert.equal(`${summary.brokers[0].host}:${summary.brokers[0].port}`, broker.bootstrap);
      assert.ok(summary.roundTripMs >= 0 && summary.roundTripMs < TIMEOUT_MS);
    } finally {
      await client.close();
    }
  });

  for (const [mechanism, userKey] of [
    ['plain', 'plain'],
    ['scram-sha-256', 'scram256'],
    ['scram-sha-512', 'scram512'],
  ] as const) {
    it(`authenticates with SASL ${mechanism} and rejects a wrong password with a clear message`, async () => {
      assert.ok(broker.sasl, 'the test broker has a SASL listener');
      const user = broker.sasl.users[userKey];
      const p = profile({ bootstrapServers: [broker.sasl.bootstrap], sasl: { mechanism, username: user.username } });
      const client = await KafkaClient.create(p, { saslPassword: user.password }, { timeoutMs: TIMEOUT_MS });
      try {
        assert.equal((await client.describeCluster()).clusterId, broker.clusterId);
      } finally {
        await client.close();
      }
      const wrong = await describeFails(p, `${user.password}-wrong`);
      assertFailure(wrong, ['authentication-failed'], /Authentication failed.*user name or password/);
      assert.ok(!wrong.error.message.includes(user.password), 'the password never appears in a message');
    });
  }

  it('connects over TLS with the CA, and with a client certificate (mutual TLS)', async () => {
    assert.ok(broker.tls, 'the test broker has a TLS listener');
    const tls = { enabled: true, caFile: broker.tls.caFile, verifyHostname: true };
    for (const extra of [{}, { certFile: broker.tls.clientCertFile, keyFile: broker.tls.clientKeyFile }]) {
      const client = await KafkaClient.create(profile({ bootstrapServers: [broker.tls.bootstrap], tls: { ...tls, ...extra } }), {}, { timeoutMs: TIMEOUT_MS });
      try {
        assert.equal((await client.describeCluster()).clusterId, broker.clusterId);
      } finally {
        await client.close();
      }
    }
  });

  it('refuses a TLS certificate signed by an unknown CA and says to set the CA file', async () => {
    assert.ok(broker.tls);
    const result = await describeFails(profile({ bootstrapServers: [broker.tls.bootstrap], tls: { enabled: true, verifyHostname: true } }));
    assertFailure(result, ['tls-certificate'], /CA file/);
  });

  it('SASL against a listener without SASL says to set authentication to None', async () => {
    const p = profile({ bootstrapServers: [broker.bootstrap], sasl: { mechanism: 'plain', username: 'alice' } });
    const result = await describeFails(p, 'alice-secret');
    assertFailure(result, ['listener-mismatch'], /does not use SASL.*authentication to None/);
  });

  it('a port nobody listens on (a broker that is down) fails fast with "connection refused"', async () => {
    const port = await closedPort();
    const result = await describeFails(profile({ bootstrapServers: [`127.0.0.1:${port}`] }));
    assertFailure(result, ['connection-refused'], /Nothing is listening at 127\.0\.0\.1:\d+.*broker is down/);
  });

  it('an unknown host fails with "host not found"', async () => {
    const result = await describeFails(profile({ bootstrapServers: ['no-such-broker.invalid:9092'] }));
    assertFailure(result, ['unknown-host'], /Host not found/);
  });

  it('TLS against a plaintext port says the port does not speak TLS', async () => {
    const result = await describeFails(profile({ bootstrapServers: [broker.bootstrap], tls: { enabled: true, verifyHostname: true } }));
    assertFailure(result, ['tls-to-plaintext-port', 'timeout'], /TLS/);
  });

  it('plaintext against a TLS port fails within the deadline and suggests turning TLS on', async () => {
    assert.ok(broker.tls);
    const result = await describeFails(profile({ bootstrapServers: [broker.tls.bootstrap] }));
    assertFailure(result, ['listener-mismatch', 'timeout'], /turn TLS on/);
  });

  it('no SASL against a SASL port fails within the deadline and suggests setting the mechanism', async () => {
    assert.ok(broker.sasl);
    const result = await describeFails(profile({ bootstrapServers: [broker.sasl.bootstrap] }));
    assertFailure(result, ['listener-mismatch', 'timeout'], /SASL|TLS/);
  });

  it('an empty bootstrap list is refused before any socket opens', async () => {
    const result = await describeFails(profile({ bootstrapServers: [] }));
    assertFailure(result, ['invalid-input'], /bootstrap server list is empty/);
    assert.ok(result.elapsedMs < 500);
  });

  it('a missing CA file is named in the message', async () => {
    const result = await describeFails(
      profile({ bootstrapServers: [broker.bootstrap], tls: { enabled: true, caFile: '/nonexistent/ca.pem', verifyHostname: true } }),
    );
    assertFailure(result, ['invalid-input'], /\/nonexistent\/ca\.pem/);
  });

  it('close() closes every socket the client opened to the broker', async () => {
    const port = Number(broker.bootstrap.split(':')[1]);
    const before = await socketsTo(port);
    const client = await KafkaClient.create(profile({ bootstrapServers: [broker.bootstrap] }), {}, { timeoutMs: TIMEOUT_MS });
    await client.describeCluster();
    assert.ok((await openedSince(port, before, 0)).length > 0, 'the client holds a socket while connected');
    await client.close();
    assert.deepEqual(await openedSince(port, before), [], 'every socket the client opened is closed');
    await assert.rejects(client.describeCluster(), /connection was closed/);
  });
});
