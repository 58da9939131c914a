// Import from client.properties and the shared workspace file, in the real extension host against
// the real broker. Proves: a Java SSL config with PKCS12 trust and key stores imports to a connection
// that connects; unused keys are reported (in the result and the log) with secret values masked;
// secrets go to SecretStorage only (never settings, the log or the shared file); exporting and
// re-importing the shared file asks for (here: is given) the secret and connects again.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import type { ImportPropertiesResult } from '../../src/host/connections/connectionSharing';
import { extensionLogText } from '../support/extensionLogs';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const EXTENSION_ID = 'kafka-workbench.kafka-workbench';
const STORE_PASSWORD = 'p12-store-secret-41';
const UNUSED_SECRET = 'unused-secret-value-77';

function settingsText(): string {
  return JSON.stringify(vscode.workspace.getConfiguration('kafkaWorkbench').get('connections'));
}

async function test(name: string): Promise<TestConnectionResult> {
  return (await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', name, { quiet: true }))!;
}

describe('Connections: import client.properties and share without secrets (extension host)', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let dir: string;

  before(async () => {
    broker = await testBroker();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kw-import-'));
    const tls = broker.tls!;
    // The stores a Java team would hand over, made by openssl.
    execFileSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', tls.caFile, '-out', path.join(dir, 'truststore.p12'), '-passout', `pass:${STORE_PASSWORD}`]);
    execFileSync('openssl', ['pkcs12', '-export', '-in', tls.clientCertFile, '-inkey', tls.clientKeyFile, '-name', 'client', '-out', path.join(dir, 'keystore.p12'), '-passout', `pass:${STORE_PASSWORD}`]);
  });

  after(async () => {
    for (const name of ['it-import-ssl', 'it-import-scram', 'it-oauth-secrets']) await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', name, { confirmed: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports an SSL client.properties with PKCS12 stores (relative paths), lists unused keys and keeps secrets out of settings and the log', async () => {
    const file = path.join(dir, 'team.properties');
    writeFileSync(
      file,
      [
        `bootstrap.servers=${broker.tls!.bootstrap}`,
        'security.protocol=SSL',
        'ssl.truststore.location=truststore.p12',
        'ssl.truststore.type=PKCS12',
        `ssl.truststore.password=${STORE_PASSWORD}`,
        'ssl.keystore.location=keystore.p12',
        'ssl.keystore.type=PKCS12',
        `ssl.keystore.password=${STORE_PASSWORD}`,
        'acks=all',
        `my.secret.password=${UNUSED_SECRET}`,
      ].join('\n'),
    );
    const result = await vscode.commands.executeCommand<ImportPropertiesResult>('kafkaWorkbench.importConnectionProperties', { file, name: 'it-import-ssl' });
    assert.equal(result?.name, 'it-import-ssl');
    assert.deepEqual(result.unmapped.map((u) => u.key).sort(), ['acks', 'my.secret.password']);
    assert.ok(!JSON.stringify(result.unmapped).includes(UNUSED_SECRET));
    const ok = await test('it-import-ssl');
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.ok(settingsText().includes(path.join(dir, 'keystore.p12')), 'relative paths resolved next to the file');
    assert.ok(!settingsText().includes(STORE_PASSWORD), 'store password not in settings');
    const logText = await extensionLogText();
    assert.match(logText, /not imported: acks=all \(producer\/consumer tuning/);
    assert.match(logText, /not imported: my\.secret\.password=\(secret, not shown\)/);
    assert.ok(!logText.includes(STORE_PASSWORD) && !logText.includes(UNUSED_SECRET), 'no secret in the log');
  });

  it('an OAUTHBEARER connection keeps its client secret in SecretStorage only, not in settings or the log', async () => {
    const clientSecret = 'oauth-client-secret-93';
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', {
      name: 'it-oauth-secrets',
      bootstrapServers: ['127.0.0.1:1'],
      sasl: { mechanism: 'oauthbearer', oauth: { mode: 'client-credentials', tokenEndpoint: 'http://127.0.0.1:1/token', clientId: 'c', scope: 'kafka' } },
      secrets: { oauthClientSecret: clientSecret },
    });
    const saved = settingsText();
    assert.match(saved, /"mechanism":"oauthbearer"/);
    assert.match(saved, /"tokenEndpoint":"http:\/\/127\.0\.0\.1:1\/token"/);
    assert.ok(!saved.includes(clientSecret), 'the client secret is not in settings');
    const result = await test('it-oauth-secrets');
    assert.ok(!result.ok);
    assert.match(result.message, /Nothing is listening at 127\.0\.0\.1:1/, 'the broker is dialled first; the failure names it');
    assert.ok(!(await extensionLogText()).includes(clientSecret), 'the client secret is not in the log');
  });

  it('exports to .vscode/kafka-connections.json without secrets; importing it back with the secret connects', async () => {
    const { username, password } = broker.sasl!.users.scram256;
    const file = path.join(dir, 'scram.properties');
    writeFileSync(
      file,
      `bootstrap.servers=${broker.sasl!.bootstrap}\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\n` +
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";\n`,
    );
    await vscode.commands.executeCommand('kafkaWorkbench.importConnectionProperties', { file, name: 'it-import-scram' });
    assert.ok((await test('it-import-scram')).ok);

    const target = await vscode.commands.executeCommand<string>('kafkaWorkbench.exportConnections', ['it-import-scram']);
    assert.ok(target?.endsWith(path.join('.vscode', 'kafka-connections.json')));
    const shared = readFileSync(target, 'utf8');
    assert.ok(!shared.includes(password), 'no password in the shared file');
    const entry = (JSON.parse(shared) as { connections: { name: string; secrets: string[] }[] }).connections[0];
    assert.equal(entry.name, 'it-import-scram');
    assert.deepEqual(entry.secrets, ['saslPassword']);

    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', 'it-import-scram', { confirmed: true });
    const imported = await vscode.commands.executeCommand<string[]>('kafkaWorkbench.importSharedConnections', {
      secrets: { 'it-import-scram': { saslPassword: password } },
    });
    assert.deepEqual(imported, ['it-import-scram']);
    assert.ok((await test('it-import-scram')).ok);
    assert.ok(!settingsText().includes(password));
    assert.ok(!(await extensionLogText()).includes(password), 'no SASL password in the log');
    rmSync(target);
  });
});
