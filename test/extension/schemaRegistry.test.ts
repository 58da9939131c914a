import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import type { RegisterResult } from '../../src/host/avro/registryCommands';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker } from '../support/testBroker';

const fixture = (name: string) => join(findRepoRoot(), 'test', 'fixtures', 'avro', name);

async function diagnosticsOf(uri: vscode.Uri, want: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  for (let i = 0; i < 50; i++) {
    const found = vscode.languages.getDiagnostics(uri);
    if (want(found)) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return vscode.languages.getDiagnostics(uri);
}

describe('Avro schemas and the Schema Registry in the real extension host', function () {
  this.timeout(180_000);
  const connectionName = 'it-registry';
  const subject = `contact-${Date.now()}-value`;
  let dir: string;

  before(async () => {
    const [broker, registry] = await Promise.all([testBroker(), schemaRegistry()]);
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', {
      name: connectionName,
      bootstrapServers: [broker.bootstrap],
      schemaRegistry: { url: registry.url },
    });
    dir = mkdtempSync(join(tmpdir(), 'kw-avsc-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', connectionName, { confirmed: true });
  });

  it('Test Connection also reaches the registry', async () => {
    const result = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', connectionName, { quiet: true });
    assert.ok(result?.ok, JSON.stringify(result));
    assert.ok(result.registry?.ok, JSON.stringify(result.registry));
    assert.equal(typeof result.registry.subjects, 'number');
  });

  it('registers a workspace .avsc, accepts a compatible evolution, refuses an incompatible one, and opens versions read-only', async () => {
    const v1 = await vscode.commands.executeCommand<RegisterResult>('kafkaWorkbench.registerSchema', {
      connectionName,
      subject,
      file: fixture('contact-v1-fax.avsc'),
    });
    assert.ok(v1 && v1.id > 0, `registered: ${JSON.stringify(v1)}`);
    // Confluent's default level; the test registry (Apicurio) defaults to none.
    const direct = new SchemaRegistryClient({ url: (await schemaRegistry()).url });
    await direct.setCompatibility('BACKWARD', subject);
    direct.dispose();
    const v2 = await vscode.commands.executeCommand<RegisterResult>('kafkaWorkbench.registerSchema', {
      connectionName,
      subject,
      file: fixture('contact-v2-email.avsc'),
    });
    assert.ok(v2 && v2.id !== v1.id, 'the email version is a new schema');
    const refused = await vscode.commands.executeCommand('kafkaWorkbench.registerSchema', {
      connectionName,
      subject,
      file: fixture('contact-v3-incompatible.avsc'),
    });
    assert.equal(refused, undefined, 'an incompatible version is not registered');

    const doc = await vscode.workspace.openTextDocument(
      vscode.Uri.from({ scheme: 'kafka-schema', path: `/${encodeURIComponent(connectionName)}/${encodeURIComponent(subject)}/v2.avsc` }),
    );
    assert.match(doc.getText(), /"email"/);
    const v3 = await vscode.workspace.openTextDocument(
      vscode.Uri.from({ scheme: 'kafka-schema', path: `/${encodeURIComponent(connectionName)}/${encodeURIComponent(subject)}/v3.avsc` }),
    ).then(
      () => 'opened',
      (e: unknown) => String(e),
    );
    assert.match(v3, /not in the Schema Registry|not found|404/i, 'there is no third version');
  });

  it('marks an invalid .avsc with a diagnostic at the fault, and clears it once fixed', async () => {
    const file = join(dir, 'broken.avsc');
    copyFileSync(fixture('invalid-unknown-type.avsc'), file);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'avro-schema');
    const found = await diagnosticsOf(uri, (d) => d.length > 0);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /fields\[1\]\.type|unknown|undefined type/i);
    assert.equal(found[0].range.start.line, 5, 'on the line of the bad type (line 6)');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), readFileSync(fixture('contact-v1-fax.avsc'), 'utf8'));
    await vscode.workspace.applyEdit(edit);
    assert.deepEqual(await diagnosticsOf(uri, (d) => d.length === 0), []);
  });
});
