// The rule that ties each stored secret to what it was entered for, and the clear-text warnings, on
// plain form values (the UI and extension tests show them at work in the real form and store).
import * as assert from 'node:assert/strict';
import type { ConnectionFormValues } from '../../webview/src/connectionForm/protocol';
import { cleartextWarnings, staleSecrets } from '../../webview/src/connectionForm/secretScope';
import { formValuesOf } from '../../src/host/connections/connectionForm';
import { FORM_REQUEST_SCHEMA } from '../../src/host/connections/connectionFormSchema';
import { checkMessage } from '../../src/host/webviews/messageGuard';

const base: ConnectionFormValues = {
  ...formValuesOf(undefined),
  name: 'c',
  bootstrapServers: 'a:9092, b:9092',
  mechanism: 'scram-sha-512',
  username: 'u',
  registryUrl: 'https://registry.example.com/',
  registryUsername: 'r',
};

describe('connections: secret scope and webview message schema', () => {
  it('a secret goes stale only when its own endpoint, mechanism or user changes', () => {
    assert.deepEqual(staleSecrets(base, { ...base, bootstrapServers: 'B:9092 a:9092', clientId: 'x', name: 'd' }), {}, 'order, case and renames do not count');
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, bootstrapServers: 'a:9092, evil:9092' })).sort(), ['oauthToken', 'password']);
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, mechanism: 'scram-sha-256' })).sort(), ['oauthClientSecret', 'oauthToken', 'password']);
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, registryUrl: 'http://registry.example.com' })), ['registryPassword']);
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, registryUrl: 'https://REGISTRY.example.com' })), [], 'a trailing slash or case is the same registry');
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, tokenEndpoint: 'https://idp.evil/token' })), ['oauthClientSecret']);
    assert.deepEqual(Object.keys(staleSecrets(base, { ...base, keystoreFile: '/other.p12' })).sort(), ['keyPassword', 'keystorePassword']);
    assert.match(staleSecrets(base, { ...base, username: 'v' }).password ?? '', /^The user name changed: enter this secret again/);
  });

  it('warns for SASL/PLAIN without TLS and registry basic auth over http, not otherwise', () => {
    assert.deepEqual(cleartextWarnings(base), {});
    assert.match(cleartextWarnings({ ...base, mechanism: 'plain' }).mechanism ?? '', /clear text/);
    assert.deepEqual(cleartextWarnings({ ...base, mechanism: 'plain', tlsEnabled: true }), {});
    assert.match(cleartextWarnings({ ...base, registryUrl: 'HTTP://reg:8081' }).registryUsername ?? '', /clear text/);
    assert.deepEqual(cleartextWarnings({ ...base, registryUrl: 'http://reg:8081', registryUsername: '' }), {});
  });

  it('the form schema accepts what the form sends and names the first problem of anything else', () => {
    assert.ok('message' in checkMessage(FORM_REQUEST_SCHEMA, { type: 'test', requestId: 3, values: base }));
    assert.ok('message' in checkMessage(FORM_REQUEST_SCHEMA, { type: 'ready' }));
    const problem = (m: unknown) => {
      const r = checkMessage(FORM_REQUEST_SCHEMA, m);
      return 'problem' in r ? r.problem : 'accepted';
    };
    assert.equal(problem({ type: 'save', requestId: 1, values: { ...base, tlsEnabled: 'yes' } }), 'message.values.tlsEnabled should be true or false, not a string of 3 characters');
    assert.equal(problem({ type: 'save', requestId: 1, values: { ...base, extra: 1 } }), 'message.values.extra is not part of the message');
    assert.equal(problem({ type: 'pickFile', requestId: 1, field: 'caFile', path: '/etc/shadow' }), 'message.path is not part of the message');
    assert.equal(problem({ type: 'test', requestId: -1, values: base }), 'message.requestId should be an integer >= 0');
    assert.equal(problem({ type: 'toString' }), 'unknown message type "toString"');
    assert.equal(problem({ type: 'test', requestId: 1, values: { ...base, name: 'x'.repeat(5000) } }), 'message.values.name is longer than 4096 characters');
    assert.equal(problem(null), 'the message should be an object, not null');
  });
});
