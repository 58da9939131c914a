// The Schema Registry tree with all three schema types, and "Compare Schema Versions…" clicked
// from a subject's context menu: the subject rows show their type, and two versions open side by
// side in the diff editor — at 1400x900 and in a narrow window.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker } from '../support/testBroker';
import { clickActivityBarItem, openWorkbench, runContextMenuItem, screenshot, treeItem, type Workbench } from './support/workbench';

const fixtures = join(findRepoRoot(), 'test', 'fixtures');

describe('Schema Registry tree: Avro, Protobuf and JSON Schema subjects (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let registry: SchemaRegistryClient | undefined;
  // "0" sorts before letters: these rows come first however many subjects other tests registered.
  const run = `0ui-${randomUUID().slice(0, 6)}`;
  const subjects = { avro: `${run}-avro-value`, proto: `${run}-proto-value`, json: `${run}-json-value` };

  before(async () => {
    const [broker, r] = await Promise.all([testBroker(), schemaRegistry()]);
    registry = new SchemaRegistryClient({ url: r.url, timeoutMs: 15_000 });
    await registry.register(subjects.avro, readFileSync(join(fixtures, 'avro', 'contact-v1-fax.avsc'), 'utf8'));
    await registry.register(subjects.proto, readFileSync(join(fixtures, 'protobuf', 'acme', 'common.proto'), 'utf8'), 'PROTOBUF');
    const base = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Customer', type: 'object', properties: { name: { type: 'string' } } };
    await registry.register(subjects.json, JSON.stringify(base), 'JSON');
    await registry.register(subjects.json, JSON.stringify({ ...base, properties: { ...base.properties, email: { type: 'string', format: 'email' } } }), 'JSON');
    wb = await openWorkbench({ userSettings: { 'kafkaWorkbench.connections': [{ name: 'ui-registry-types', bootstrapServers: [broker.bootstrap], schemaRegistry: { url: r.url } }] } });
  });

  after(async () => {
    await wb?.close();
    registry?.dispose();
  });

  it('each subject row shows its schema type, and Compare Schema Versions opens the two JSON Schema versions in the diff editor', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    await treeItem(page, 'ui-registry-types').click();
    const registryRow = treeItem(page, 'Schema Registry');
    await registryRow.waitFor({ state: 'visible', timeout: 30_000 });
    await registryRow.click();
    const viewport = page.viewportSize()!;
    for (const [subject, type] of [
      [subjects.avro, 'AVRO'],
      [subjects.proto, 'PROTOBUF'],
      [subjects.json, 'JSON'],
    ]) {
      const row = treeItem(page, subject);
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await row.innerText();
      assert.match(text, new RegExp(`${subject}\\s*${type}\\s*$`), `the ${subject} row names its type: ${JSON.stringify(text)}`);
      const box = (await row.boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `${subject} row is inside the viewport`);
    }
    await screenshot(page, 'schema-registry-types-tree');

    const jsonRow = treeItem(page, subjects.json);
    const diff = page.locator('.monaco-diff-editor').first();
    // On a subject: its latest version against the one before.
    await runContextMenuItem(page, jsonRow, 'Compare Schema Versions', () => diff.isVisible());
    await diff.waitFor({ state: 'visible', timeout: 30_000 });
    const added = page.locator('.monaco-diff-editor .editor.modified .view-line').filter({ hasText: '"email"' }).first();
    await added.waitFor({ state: 'visible', timeout: 15_000 });
    const tab = page.locator('.tabs-container .tab.active');
    assert.match(await tab.innerText(), new RegExp(`${subjects.json}: version 1 ↔ 2`));
    await screenshot(page, 'schema-registry-types-diff');

    await page.setViewportSize({ width: 760, height: 900 });
    await added.waitFor({ state: 'visible', timeout: 15_000 });
    const box = (await added.boundingBox())!;
    assert.ok(box.x >= 0 && box.x < 760, 'the added line is still painted in the narrow window');
    await screenshot(page, 'schema-registry-types-diff-narrow');
  });
});
