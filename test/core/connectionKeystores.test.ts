// TLS with Java key and trust stores (PKCS12 and JKS, made by openssl and keytool) against a real
// broker's SSL listener that REQUIRES a client certificate. Proves the stores are read in memory and
// used (connects only with the client key), and that a wrong store password, a wrong key password
// and a wrong or missing alias are each said plainly before any socket opens.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ConnectionProfile, ConnectionSecrets, TlsSettings } from '../../src/core/connection/profile';
import { readKeystore } from '../../src/core/connection/keystore';
import { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { oauthBrokerDir, oauthRig, type OAuthRig } from '../support/oauthBroker';
import { CLIENT_ALIAS, JKS_KEY_PASSWORD, STORE_PASSWORD, makeKeystores, type Keystores } from '../support/keystores';
import { promises as fsp } from 'node:fs';

const TIMEOUT_MS = 8000;

describe('connections: TLS with PKCS12 and JKS stores against a listener requiring client certificates', function () {
  this.timeout(180_000);
  let rig: OAuthRig;
  let stores: Keystores;

  const profile = (tls: Partial<TlsSettings>): ConnectionProfile => ({
    name: 'stores-test',
    bootstrapServers: [rig.mtlsBootstrap],
    clientId: 'kw-stores-test',
    sasl: { mechanism: 'none' },
    tls: { enabled: true, verifyHostname: true, ...tls },
  });

  async function connect(p: ConnectionProfile, secrets: ConnectionSecrets) {
    const client = await KafkaClient.create(p, secrets, { timeoutMs: TIMEOUT_MS });
    try {
      return await client.describeCluster();
    } finally {
      await client.close();
    }
  }

  async function failure(p: ConnectionProfile, secrets: ConnectionSecrets): Promise<KafkaWorkbenchError> {
    try {
      await connect(p, secrets);
    } catch (e) {
      assert.ok(e instanceof KafkaWorkbenchError, String(e));
      return e;
    }
    assert.fail('should not connect');
  }

  before(async () => {
    rig = await oauthRig();
    stores = await makeKeystores({ ca: rig.certs.ca, clientCert: rig.certs.clientCert, clientKey: rig.certs.clientKey }, path.join(oauthBrokerDir(), 'stores'));
  });

  it('PKCS12 key store with a JKS trust store connects', async () => {
    const summary = await connect(
      profile({ keystore: { path: stores.clientP12, type: 'PKCS12' }, truststore: { path: stores.trustJks, type: 'JKS' } }),
      { keystorePassword: STORE_PASSWORD, truststorePassword: STORE_PASSWORD },
    );
    assert.equal(summary.brokers.length, 1);
  });

  it('JKS key store (named alias, own key password) with a PKCS12 trust store connects', async () => {
    await connect(
      profile({ keystore: { path: stores.clientJks, type: 'JKS', alias: CLIENT_ALIAS }, truststore: { path: stores.trustP12, type: 'PKCS12' } }),
      { keystorePassword: STORE_PASSWORD, keyPassword: JKS_KEY_PASSWORD, truststorePassword: STORE_PASSWORD },
    );
  });

  it('without the client key store the listener refuses: the key store is what got us in', async () => {
    const error = await failure(profile({ truststore: { path: stores.trustJks, type: 'JKS' } }), { truststorePassword: STORE_PASSWORD });
    assert.notEqual(error.reason, 'invalid-input');
  });

  it('the JKS reader gives the same key and certificates as keytool wrote (both aliases)', async () => {
    const entries = readKeystore(await fsp.readFile(stores.clientJks), 'JKS', STORE_PASSWORD, stores.clientJks, JKS_KEY_PASSWORD);
    assert.deepEqual(entries.keys.map((k) => k.alias).sort(), ['kafka-client', 'other']);
    const p12 = readKeystore(await fsp.readFile(stores.clientP12), 'PKCS12', STORE_PASSWORD, stores.clientP12);
    const jksClient = entries.keys.find((k) => k.alias === CLIENT_ALIAS)!;
    assert.equal(jksClient.keyPem().replace(/\s/g, ''), p12.keys[0].keyPem().replace(/\s/g, ''));
    assert.ok(entries.keys.find((k) => k.alias === 'other')!.keyPem().includes('PRIVATE KEY'), 'the other key opens with the store password');
    assert.equal(jksClient.chainPem[0], p12.keys[0].chainPem[0]);
  });

  it('wrong store passwords (PKCS12 and JKS) are said plainly', async () => {
    let error = await failure(profile({ keystore: { path: stores.clientP12, type: 'PKCS12' } }), { keystorePassword: 'nope' });
    assert.match(error.message, /The password of the PKCS12 store .*client\.keystore\.p12 is wrong/);
    error = await failure(profile({ truststore: { path: stores.trustJks, type: 'JKS' } }), { truststorePassword: 'nope' });
    assert.match(error.message, /The password of the JKS store .*client\.truststore\.jks is wrong/);
  });

  it('a wrong JKS key password, an unknown alias and an ambiguous store each name the fix', async () => {
    const jks = (alias?: string) => profile({ keystore: { path: stores.clientJks, type: 'JKS', alias }, truststore: { path: stores.trustJks, type: 'JKS' } });
    const base = { keystorePassword: STORE_PASSWORD, truststorePassword: STORE_PASSWORD };
    let error = await failure(jks(CLIENT_ALIAS), { ...base, keyPassword: 'nope' });
    assert.match(error.message, /The key password of "kafka-client" in .* is wrong/);
    error = await failure(jks('missing'), { ...base, keyPassword: JKS_KEY_PASSWORD });
    assert.match(error.message, /has no key named "missing"; it has: .*kafka-client/);
    error = await failure(jks(undefined), { ...base, keyPassword: JKS_KEY_PASSWORD });
    assert.match(error.message, /holds 2 keys .*name the alias/);
  });
});
