// A second real broker for the connection tests (core layer): besides the usual listeners it has
//   OAUTH  SASL_PLAINTEXT with OAUTHBEARER, validating JWTs from test/support/oidcProvider.ts through
//          Kafka's own OAuthBearerValidatorCallbackHandler (JWKS, expected audience, 5 s clock skew);
//   MTLS   SSL that REQUIRES a client certificate (the keystore tests: no client cert, no connection);
//   SASLSSL SASL_SSL with PLAIN, the shape of Confluent Cloud's listeners.
// It lives in .cache/oauth-broker of this worktree and is stopped when the process exits, unless
// KW_KEEP_TEST_BROKER=1 (then a later run reuses it while the provider's port is the same).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LOCAL_BROKER_USERS, findFreePort, findRunningBroker, startLocalBroker, stopBrokerInDir, type BrokerInfo } from '../../src/core/broker/localBroker';
import { KAFKA_AUDIENCE, startOidcProvider, type OidcProvider } from './oidcProvider';
import { repoRoot, testClasspath } from './testBroker';

export interface OAuthRig {
  broker: BrokerInfo;
  /** 127.0.0.1:port of the OAUTHBEARER listener. */
  oauthBootstrap: string;
  /** 127.0.0.1:port of the SSL listener that requires client certificates. */
  mtlsBootstrap: string;
  /** 127.0.0.1:port of a SASL_SSL listener with PLAIN (user LOCAL_BROKER_USERS.plain), as Confluent Cloud has. */
  saslSslBootstrap: string;
  /** PEM files of the broker's CA and a client certificate it trusts. */
  certs: { ca: string; clientCert: string; clientKey: string; dir: string };
  oidc: OidcProvider;
}

export function oauthBrokerDir(): string {
  return path.join(repoRoot(), '.cache', 'oauth-broker');
}

let pending: Promise<OAuthRig> | undefined;

/** The OIDC provider plus the broker validating its tokens (started once per process). */
export function oauthRig(): Promise<OAuthRig> {
  pending ??= start().catch((e: unknown) => {
    pending = undefined;
    throw e;
  });
  return pending;
}

interface Saved {
  oauthPort: number;
  mtlsPort: number;
  saslSslPort: number;
  jwksUri: string;
}

async function start(): Promise<OAuthRig> {
  const dir = oauthBrokerDir();
  await fsp.mkdir(dir, { recursive: true });
  const oidc = await startOidcProvider(path.join(dir, 'oidc'));
  const savedFile = path.join(dir, 'listeners.json');
  const saved = await fsp.readFile(savedFile, 'utf8').then((t) => JSON.parse(t) as Saved).catch(() => undefined);
  const dataDir = path.join(dir, 'data');
  let broker: BrokerInfo | undefined = await findRunningBroker(dataDir);
  if (broker && (saved?.jwksUri !== oidc.jwksUri || !saved.saslSslPort)) {
    await stopBrokerInDir(dataDir);
    broker = undefined;
  }
  let listeners = saved;
  if (!broker || !listeners) {
    listeners = { oauthPort: await findFreePort(), mtlsPort: await findFreePort(), saslSslPort: await findFreePort(), jwksUri: oidc.jwksUri };
    const { plain } = LOCAL_BROKER_USERS;
    const certsDir = path.join(dataDir, 'certs');
    const started = await startLocalBroker({
      dataDir,
      classpath: await testClasspath(),
      tls: true,
      heapMb: 384,
      extraListeners: [
        {
          name: 'OAUTH',
          securityProtocol: 'SASL_PLAINTEXT',
          port: listeners.oauthPort,
          properties: [
            'listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER',
            'listener.name.oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;',
            'listener.name.oauth.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
            `listener.name.oauth.oauthbearer.sasl.oauthbearer.jwks.endpoint.url=${oidc.jwksUri}`,
            `listener.name.oauth.oauthbearer.sasl.oauthbearer.expected.audience=${KAFKA_AUDIENCE}`,
            `listener.name.oauth.oauthbearer.sasl.oauthbearer.expected.issuer=${oidc.issuer}`,
            'listener.name.oauth.oauthbearer.sasl.oauthbearer.clock.skew.seconds=5',
            `sasl.oauthbearer.jwks.endpoint.url=${oidc.jwksUri}`,
          ],
        },
        {
          name: 'MTLS',
          securityProtocol: 'SSL',
          port: listeners.mtlsPort,
          properties: [
            'listener.name.mtls.ssl.keystore.type=PEM',
            `listener.name.mtls.ssl.keystore.location=${path.join(certsDir, 'server.pem')}`,
            'listener.name.mtls.ssl.truststore.type=PEM',
            `listener.name.mtls.ssl.truststore.location=${path.join(certsDir, 'ca.crt')}`,
            'listener.name.mtls.ssl.client.auth=required',
          ],
        },
        {
          name: 'SASLSSL',
          securityProtocol: 'SASL_SSL',
          port: listeners.saslSslPort,
          properties: [
            'listener.name.saslssl.sasl.enabled.mechanisms=PLAIN',
            `listener.name.saslssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plain.username}="${plain.password}";`,
            'listener.name.saslssl.ssl.keystore.type=PEM',
            `listener.name.saslssl.ssl.keystore.location=${path.join(certsDir, 'server.pem')}`,
          ],
        },
      ],
    });
    const { stop: _stop, ...info } = started;
    broker = info;
    await fsp.writeFile(savedFile, JSON.stringify(listeners));
    if (process.env.KW_KEEP_TEST_BROKER !== '1') {
      process.once('exit', () => {
        try {
          process.kill(started.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      });
    }
  }
  if (!broker.tls) throw new Error('The OAuth test broker has no TLS listener');
  return {
    broker,
    oauthBootstrap: `127.0.0.1:${listeners.oauthPort}`,
    mtlsBootstrap: `127.0.0.1:${listeners.mtlsPort}`,
    saslSslBootstrap: `127.0.0.1:${listeners.saslSslPort}`,
    certs: { ca: broker.tls.caFile, clientCert: broker.tls.clientCertFile, clientKey: broker.tls.clientKeyFile, dir: path.dirname(broker.tls.caFile) },
    oidc,
  };
}
