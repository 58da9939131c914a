// SASL/OAUTHBEARER against a real broker whose OAUTH listener validates JWTs with Kafka's own
// OAuthBearerValidatorCallbackHandler, the tokens coming from a real OpenID provider (oidc-provider)
// on loopback. Proves: the client-credentials flow connects and caches/refreshes its token; a wrong
// secret, an endpoint that is down, a token for another audience, an expired static token and a
// failing token command each end in bounded time with a message that says what to fix.
import * as assert from 'node:assert/strict';
import type { ConnectionProfile, ConnectionSecrets, OAuthSettings } from '../../src/core/connection/profile';
import { OAuthTokenSource, jwtClaims, oauthRefusalHint } from '../../src/core/connection/oauth';
import { findFreePort } from '../../src/core/broker/localBroker';
import { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { oauthRig, type OAuthRig } from '../support/oauthBroker';
import { KAFKA_AUDIENCE, KAFKA_SCOPE, OIDC_CLIENTS, OTHER_AUDIENCE } from '../support/oidcProvider';

const TIMEOUT_MS = 8000;

function profile(rig: OAuthRig, oauth: OAuthSettings): ConnectionProfile {
  return {
    name: 'oauth-test',
    bootstrapServers: [rig.oauthBootstrap],
    clientId: 'kw-oauth-test',
    sasl: { mechanism: 'oauthbearer', oauth },
    tls: { enabled: false, verifyHostname: true },
  };
}

async function connect(p: ConnectionProfile, secrets: ConnectionSecrets) {
  const client = await KafkaClient.create(p, secrets, { timeoutMs: TIMEOUT_MS });
  try {
    return await client.describeCluster();
  } finally {
    await client.close();
  }
}

async function failure(p: ConnectionProfile, secrets: ConnectionSecrets): Promise<{ error: KafkaWorkbenchError; ms: number }> {
  const started = Date.now();
  try {
    await connect(p, secrets);
  } catch (e) {
    assert.ok(e instanceof KafkaWorkbenchError, `expected a KafkaWorkbenchError, got ${String(e)}`);
    return { error: e, ms: Date.now() - started };
  }
  assert.fail('connecting should have failed');
}

describe('connections: SASL/OAUTHBEARER with a real OpenID provider and broker', function () {
  this.timeout(180_000);
  let rig: OAuthRig;
  const good = (): OAuthSettings => ({
    mode: 'client-credentials',
    tokenEndpoint: rig.oidc.tokenEndpoint,
    clientId: OIDC_CLIENTS.good.id,
    scope: KAFKA_SCOPE,
  });

  before(async () => {
    rig = await oauthRig();
  });

  it('client credentials: fetches a JWT for the broker audience and connects; neither token nor secret reaches the log', async () => {
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const p = profile(rig, { ...good(), extensions: { traceId: 'kw-test' } });
    const client = await KafkaClient.create(p, { oauthClientSecret: OIDC_CLIENTS.good.secret }, { timeoutMs: TIMEOUT_MS, logger });
    try {
      const summary = await client.describeCluster();
      assert.ok(summary.clusterId.length > 0);
      assert.equal(summary.brokers.length, 1);
    } finally {
      await client.close();
    }
    const text = lines.join('\n');
    assert.match(text, /OAuth token obtained \(audience "urn:kafka:workbench-test"/);
    assert.ok(!text.includes(OIDC_CLIENTS.good.secret), 'no client secret in the log');
    assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(text), 'no JWT in the log');
  });

  it('client credentials: the token is cached and fetched again only when 80% of its life has passed', async () => {
    let now = Date.now();
    const source = new OAuthTokenSource(good(), { clientSecret: OIDC_CLIENTS.good.secret }, { timeoutMs: TIMEOUT_MS, now: () => now });
    const before = rig.oidc.tokenRequests();
    const first = await source.token();
    const again = await Promise.all([source.token(), source.token()]);
    assert.equal(rig.oidc.tokenRequests() - before, 1, 'one request for three calls');
    assert.deepEqual(again.map((t) => t.value), [first.value, first.value]);
    const claims = jwtClaims(first.value)!;
    assert.equal(claims.aud, KAFKA_AUDIENCE);
    now += rig.oidc.tokenTtlSeconds * 1000 * 0.81;
    const refreshed = await source.token();
    assert.equal(rig.oidc.tokenRequests() - before, 2, 'refreshed after 80% of the lifetime');
    assert.ok(refreshed.value.length > 0);
  });

  it('wrong client secret: says the endpoint refused the client, and what to check', async () => {
    const { error, ms } = await failure(profile(rig, good()), { oauthClientSecret: 'not-the-secret' });
    assert.match(error.message, /refused client "kafka-client" \(invalid_client.*check the client id and client secret/);
    assert.equal(error.reason, 'authentication-failed');
    assert.ok(ms < TIMEOUT_MS, `took ${ms} ms`);
  });

  it('token endpoint down: says nothing listens there, within the timeout', async () => {
    const port = await findFreePort();
    const { error, ms } = await failure(profile(rig, { ...good(), tokenEndpoint: `http://127.0.0.1:${port}/token` }), {
      oauthClientSecret: OIDC_CLIENTS.good.secret,
    });
    assert.match(error.message, /Nothing listens at the OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/token/);
    assert.equal(error.reason, 'connection-refused');
    assert.ok(ms < TIMEOUT_MS, `took ${ms} ms`);
  });

  it('token for another audience: the broker rejects it and the message names the audience', async () => {
    const { error, ms } = await failure(profile(rig, { ...good(), audience: OTHER_AUDIENCE }), { oauthClientSecret: OIDC_CLIENTS.good.secret });
    assert.match(error.message, /rejected the OAuth token/, error.detail);
    assert.ok(error.message.includes(`audience "${OTHER_AUDIENCE}"`), error.message);
    assert.ok(ms < TIMEOUT_MS + 2000, `took ${ms} ms`);
  });

  it('static token: a valid token connects; an expired one is refused before connecting, with its expiry', async () => {
    const source = new OAuthTokenSource(good(), { clientSecret: OIDC_CLIENTS.good.secret }, { timeoutMs: TIMEOUT_MS });
    const { value } = await source.token();
    await connect(profile(rig, { mode: 'static-token' }), { oauthToken: value });
    // The same token, read by a clock one hour ahead: expired.
    const later = new OAuthTokenSource({ mode: 'static-token' }, { token: value }, { timeoutMs: TIMEOUT_MS, now: () => Date.now() + 3_600_000 });
    await assert.rejects(later.token(), /The OAuth token expired .*\(\d+ s ago\): paste a fresh token/);
  });

  it('clock skew: a token issued "in the future" for this machine is used, logged, and named in a refusal', async () => {
    const lines: string[] = [];
    // This machine's clock ten minutes behind the provider's.
    const source = new OAuthTokenSource(good(), { clientSecret: OIDC_CLIENTS.good.secret }, {
      timeoutMs: TIMEOUT_MS,
      now: () => Date.now() - 600_000,
      log: (m) => lines.push(m),
    });
    await source.token();
    assert.ok(Math.abs(source.facts()!.clockSkewMs! - 600_000) < 5_000, `skew ${source.facts()!.clockSkewMs}`);
    assert.match(lines.join('\n'), /the token issuer's clock differs from this machine's by (59|60)\d s/);
    assert.match(oauthRefusalHint(source)!, /clock differs from the token issuer's by (59|60)\d s: .*fix the clock/);
  });

  it('token command: its output is the token; a failing command says so with its last error line', async () => {
    const source = new OAuthTokenSource(good(), { clientSecret: OIDC_CLIENTS.good.secret }, { timeoutMs: TIMEOUT_MS });
    const { value } = await source.token();
    await connect(profile(rig, { mode: 'token-command', tokenCommand: `echo '{"access_token":"${value}"}'` }), {});
    const { error } = await failure(profile(rig, { mode: 'token-command', tokenCommand: 'echo "login required" >&2; exit 3' }), {});
    assert.match(error.message, /token command failed \(exit code 3\): login required/);
  });
});
