// The Add Connection form, clicked in the real workbench: validation, Test Connection against the
// real broker, Save, and the new connection in the tree.
import * as assert from 'node:assert/strict';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { clickActivityBarItem, openWorkbench, runCommand, screenshot, treeItem, webviewFrame, type Workbench, fillField } from './support/workbench';

describe('Add Connection form (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;

  before(async () => {
    broker = await testBroker();
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('rejects an empty bootstrap list, tests the connection against the broker, saves it and shows it in the tree', async () => {
    const { page } = wb!;
    await runCommand(page, 'Kafka: Add Connection');
    const form = webviewFrame(page);
    await form.locator('h2', { hasText: 'Add Kafka Connection' }).waitFor({ timeout: 30_000 });

    await fillField(form, 'name', 'ui-local');
    await fillField(form, 'bootstrapServers', '');
    await form.locator('vscode-button#save').click();
    const serverError = form.locator('[data-field="bootstrapServers"] ~ .field-error, .field:has(#bootstrapServers) .field-error');
    await serverError.first().waitFor({ state: 'visible' });
    assert.match(await serverError.first().innerText(), /bootstrap server list is empty/);

    await fillField(form, 'bootstrapServers', broker.bootstrap);
    await serverError.first().waitFor({ state: 'hidden' });
    await form.locator('vscode-button#test').click();
    const status = form.locator('#status');
    await status.filter({ hasText: /reachable|failed|No answer|Nothing/ }).waitFor({ timeout: 20_000 });
    assert.match(await status.innerText(), new RegExp(`is reachable: cluster ${broker.clusterId}, controller 1 .*1 broker\\(s\\), round trip`));
    await screenshot(page, 'connection-form-tested');

    await form.locator('vscode-button#save').click();
    await clickActivityBarItem(page, 'Kafka');
    await treeItem(page, 'ui-local').waitFor({ state: 'visible', timeout: 20_000 });
    await screenshot(page, 'connection-form-saved');
  });

  it('shows the SASL fields only for SASL and reports a wrong password from the real SASL listener', async () => {
    const { page } = wb!;
    assert.ok(broker.sasl);
    await runCommand(page, 'Kafka: Add Connection');
    const form = webviewFrame(page);
    await form.locator('h2', { hasText: 'Add Kafka Connection' }).waitFor({ timeout: 30_000 });
    assert.equal(await form.locator('vscode-text-field#username').isVisible(), false, 'no user field without SASL');
    await fillField(form, 'name', 'ui-sasl');
    await fillField(form, 'bootstrapServers', broker.sasl.bootstrap);
    await form.locator('vscode-dropdown#mechanism').click();
    await form.locator('vscode-option', { hasText: 'SASL/SCRAM-SHA-256' }).click();
    await form.locator('vscode-text-field#username').waitFor({ state: 'visible' });
    await fillField(form, 'username', broker.sasl.users.scram256.username);
    await fillField(form, 'password', 'definitely-wrong');
    await form.locator('vscode-button#test').click();
    const status = form.locator('#status');
    await status.filter({ hasText: /Authentication failed/ }).waitFor({ timeout: 20_000 });
    await fillField(form, 'password', broker.sasl.users.scram256.password);
    await form.locator('vscode-button#test').click();
    await status.filter({ hasText: /is reachable/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'connection-form-sasl');
    await form.locator('vscode-button#cancel').click();
  });
});
