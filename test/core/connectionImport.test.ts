// Import from Java client.properties and librdkafka configs. The parser is checked on its own (escapes,
// JAAS options, store types, secrets kept out of the "unmapped" list), then a corpus of properties
// files (SCRAM, PLAIN over SASL_SSL, OAUTHBEARER, mutual TLS with JKS and PKCS12 stores) is imported
// and each resulting connection really connects to the rig's listeners.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { importClientProperties, parseJaas, parseProperties } from '../../src/core/connection/clientProperties';
import { SASL_MECHANISMS, validateBootstrapServers, type ConnectionProfile, type ConnectionSecrets } from '../../src/core/connection/profile';
import { CONNECTION_PRESETS } from '../../src/core/connection/presets';
import { fromSharedFile, toSharedFile } from '../../src/core/connection/sharedFile';
import { LOCAL_BROKER_USERS } from '../../src/core/broker/localBroker';
import { KafkaClient } from '../../src/core/kafka/client';
import { oauthBrokerDir, oauthRig, type OAuthRig } from '../support/oauthBroker';
import { KAFKA_SCOPE, OIDC_CLIENTS } from '../support/oidcProvider';
import { JKS_KEY_PASSWORD, STORE_PASSWORD, makeKeystores, type Keystores } from '../support/keystores';
import { testBroker, type BrokerInfo } from '../support/testBroker';

describe('connections: client.properties import (parser)', () => {
  it('reads Java properties syntax: separators, comments, continuations and escapes', () => {
    const props = parseProperties(
      '# comment\n! also a comment\nbootstrap.servers = a:9092,\\\n    b:9092\nclient.id:my\\u0041pp\nkey\\ with\\ space value\n  ssl.key.password=p\\\\w\n',
    );
    assert.equal(props.get('bootstrap.servers'), 'a:9092,b:9092');
    assert.equal(props.get('client.id'), 'myAApp'.replace('AA', 'A'));
    assert.equal(props.get('key with space'), 'value');
    assert.equal(props.get('ssl.key.password'), 'p\\w');
  });

  it('reads JAAS lines with quoted and bare options', () => {
    const jaas = parseJaas('org.apache.kafka.common.security.plain.PlainLoginModule required username="a\\"b" password=secret;');
    assert.deepEqual(jaas, { module: 'org.apache.kafka.common.security.plain.PlainLoginModule', options: { username: 'a"b', password: 'secret' } });
  });

  it('maps a Confluent Cloud file: SASL_SSL PLAIN, registry basic auth; secrets out of the unmapped list', () => {
    const imported = importClientProperties(
      [
        'bootstrap.servers=pkc-123.eu-west-1.aws.confluent.cloud:9092',
        'security.protocol=SASL_SSL',
        'sasl.mechanism=PLAIN',
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY' password='SECRET';".replace(/'/g, '"'),
        'client.dns.lookup=use_all_dns_ips',
        'session.timeout.ms=45000',
        'acks=all',
        'schema.registry.url=https://psrc-1.eu-central-1.aws.confluent.cloud',
        'basic.auth.credentials.source=USER_INFO',
        'basic.auth.user.info=SRKEY:SRSECRET',
        'some.unknown.password=hush',
      ].join('\n'),
    );
    assert.deepEqual(imported.profile.bootstrapServers, ['pkc-123.eu-west-1.aws.confluent.cloud:9092']);
    assert.equal(imported.profile.sasl.mechanism, 'plain');
    assert.equal(imported.profile.sasl.username, 'KEY');
    assert.equal(imported.profile.tls.enabled, true);
    assert.equal(imported.profile.tls.verifyHostname, true);
    assert.deepEqual(imported.secrets, { saslPassword: 'SECRET', registryPassword: 'SRSECRET' });
    assert.equal(imported.profile.schemaRegistry?.username, 'SRKEY');
    const unmapped = Object.fromEntries(imported.unmapped.map((u) => [u.key, u]));
    assert.deepEqual(Object.keys(unmapped).sort(), ['acks', 'client.dns.lookup', 'session.timeout.ms', 'some.unknown.password']);
    assert.equal(unmapped['some.unknown.password'].value, '(secret, not shown)');
    assert.ok(!JSON.stringify(imported.unmapped).includes('SECRET') && !JSON.stringify(imported.unmapped).includes('hush'));
  });

  it('maps OAUTHBEARER (JAAS clientId/clientSecret/scope/extensions) and says what it cannot: GSSAPI, MSK IAM', () => {
    const imported = importClientProperties(
      [
        'bootstrap.servers=b:9092',
        'security.protocol=SASL_SSL',
        'sasl.mechanism=OAUTHBEARER',
        'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
        'sasl.oauthbearer.token.endpoint.url=https://idp/token',
        'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="c" clientSecret="s" scope="kafka" extension_logicalCluster="lkc-1" extension_identityPoolId="pool-2";',
        'ssl.endpoint.identification.algorithm=',
      ].join('\n'),
    );
    assert.deepEqual(imported.profile.sasl.oauth, {
      mode: 'client-credentials',
      tokenEndpoint: 'https://idp/token',
      clientId: 'c',
      scope: 'kafka',
      audience: undefined,
      extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' },
    });
    assert.equal(imported.secrets.oauthClientSecret, 's');
    assert.equal(imported.profile.tls.verifyHostname, false);
    assert.deepEqual(imported.unmapped, []);
    const iam = importClientProperties('bootstrap.servers=b:9098\nsecurity.protocol=SASL_SSL\nsasl.mechanism=AWS_MSK_IAM\nsasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;');
    assert.match(iam.unmapped.map((u) => `${u.key}: ${u.reason}`).join('\n'), /sasl\.mechanism: AWS MSK IAM is not supported yet/);
    assert.equal(iam.profile.sasl.mechanism, 'none');
  });

  it('maps librdkafka names: sasl.mechanisms, sasl.username/password, ssl.ca.location, key location', () => {
    const imported = importClientProperties(
      'metadata.broker.list=r:9092\nsecurity.protocol=sasl_ssl\nsasl.mechanisms=SCRAM-SHA-256\nsasl.username=u\nsasl.password=p\nssl.ca.location=/ca.pem\nssl.certificate.location=/c.pem\nssl.key.location=/k.pem\nssl.key.password=kp',
    );
    assert.equal(imported.profile.sasl.mechanism, 'scram-sha-256');
    assert.equal(imported.profile.sasl.username, 'u');
    assert.deepEqual(
      { ca: imported.profile.tls.caFile, cert: imported.profile.tls.certFile, key: imported.profile.tls.keyFile },
      { ca: '/ca.pem', cert: '/c.pem', key: '/k.pem' },
    );
    assert.deepEqual(imported.secrets, { saslPassword: 'p', keyPassword: 'kp' });
  });
});

describe('connections: shared workspace file and presets', () => {
  it('writes no secret, names the secrets needed, and maps workspace paths both ways', () => {
    const root = path.join(path.sep, 'home', 'me', 'project');
    const text = toSharedFile(
      [
        {
          name: 'team',
          bootstrapServers: ['b:9093'],
          clientId: 'kw',
          sasl: { mechanism: 'oauthbearer', oauth: { mode: 'client-credentials', tokenEndpoint: 'https://idp/token', clientId: 'c' } },
          tls: { enabled: true, verifyHostname: true, truststore: { path: path.join(root, 'certs', 'trust.jks'), type: 'JKS' }, caFile: '/etc/ssl/ca.pem' },
        },
      ],
      root,
    );
    assert.match(text, /"path": "\$\{workspaceFolder\}\/certs\/trust\.jks"/);
    assert.match(text, /"caFile": "\/etc\/ssl\/ca\.pem"/, 'paths outside the workspace stay absolute');
    const [back] = fromSharedFile(text, path.join(path.sep, 'elsewhere'));
    assert.deepEqual(back.secrets, ['oauthClientSecret', 'truststorePassword']);
    assert.equal(back.profile.tls.truststore?.path, path.join(path.sep, 'elsewhere', 'certs', 'trust.jks'));
    assert.throws(() => fromSharedFile('{ nope', root), /not valid JSON/);
  });

  it('every preset uses TLS and a mechanism the client supports; MSK IAM is not offered', () => {
    for (const preset of CONNECTION_PRESETS) {
      assert.ok(preset.tls, preset.id);
      assert.ok(SASL_MECHANISMS.includes(preset.mechanism), preset.id);
      assert.equal(validateBootstrapServers([preset.bootstrapPlaceholder]), undefined, preset.id);
    }
    assert.deepEqual(CONNECTION_PRESETS.map((p) => p.id), ['confluent-cloud', 'redpanda', 'aiven-tls', 'aiven-scram', 'msk-scram']);
  });
});

describe('connections: client.properties corpus connects to real listeners', function () {
  this.timeout(180_000);
  let rig: OAuthRig;
  let broker: BrokerInfo;
  let stores: Keystores;

  before(async () => {
    [rig, broker] = await Promise.all([oauthRig(), testBroker()]);
    stores = await makeKeystores({ ca: rig.certs.ca, clientCert: rig.certs.clientCert, clientKey: rig.certs.clientKey }, path.join(oauthBrokerDir(), 'stores'));
  });

  async function importAndConnect(text: string, edit?: (p: ConnectionProfile) => void): Promise<void> {
    const imported = importClientProperties(text);
    assert.deepEqual(imported.unmapped, [], 'every line of these files is used');
    const profile: ConnectionProfile = { name: 'imported', ...imported.profile };
    edit?.(profile);
    const secrets: ConnectionSecrets = imported.secrets;
    const client = await KafkaClient.create(profile, secrets, { timeoutMs: 10_000 });
    try {
      assert.ok((await client.describeCluster()).clusterId);
    } finally {
      await client.close();
    }
  }

  it('SCRAM-SHA-512 over SASL_PLAINTEXT', () =>
    importAndConnect(
      `bootstrap.servers=${broker.sasl!.bootstrap}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n` +
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${LOCAL_BROKER_USERS.scram512.username}" password="${LOCAL_BROKER_USERS.scram512.password}";\n`,
    ));

  it('PLAIN over SASL_SSL with a JKS trust store (Confluent Cloud shape)', () =>
    importAndConnect(
      `bootstrap.servers=${rig.saslSslBootstrap}\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n` +
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${LOCAL_BROKER_USERS.plain.username}" password="${LOCAL_BROKER_USERS.plain.password}";\n` +
        `ssl.truststore.location=${stores.trustJks}\nssl.truststore.password=${STORE_PASSWORD}\nssl.truststore.type=JKS\nssl.endpoint.identification.algorithm=https\n`,
    ));

  it('OAUTHBEARER with the client-credentials login handler', () =>
    importAndConnect(
      `bootstrap.servers=${rig.oauthBootstrap}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=OAUTHBEARER\n` +
        'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler\n' +
        `sasl.oauthbearer.token.endpoint.url=${rig.oidc.tokenEndpoint}\n` +
        `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="${OIDC_CLIENTS.good.id}" clientSecret="${OIDC_CLIENTS.good.secret}" scope="${KAFKA_SCOPE}";\n`,
    ));

  it('mutual TLS with a JKS key store holding two keys: asks for the alias, then connects with it', async () => {
    const text =
      `bootstrap.servers=${rig.mtlsBootstrap}\nsecurity.protocol=SSL\n` +
      `ssl.truststore.location=${stores.trustP12}\nssl.truststore.password=${STORE_PASSWORD}\nssl.truststore.type=PKCS12\n` +
      `ssl.keystore.location=${stores.clientJks}\nssl.keystore.password=${STORE_PASSWORD}\nssl.keystore.type=JKS\nssl.key.password=${JKS_KEY_PASSWORD}\n`;
    await assert.rejects(importAndConnect(text), /holds 2 keys \(.*kafka-client.*\): name the alias/);
    await importAndConnect(text, (p) => (p.tls.keystore!.alias = 'kafka-client'));
  });

  it('mutual TLS with a PKCS12 key store', () =>
    importAndConnect(
      `bootstrap.servers=${rig.mtlsBootstrap}\nsecurity.protocol=SSL\n` +
        `ssl.truststore.location=${stores.trustJks}\nssl.truststore.password=${STORE_PASSWORD}\n` +
        `ssl.keystore.location=${stores.clientP12}\nssl.keystore.password=${STORE_PASSWORD}\nssl.keystore.type=PKCS12\n`,
    ));
});
