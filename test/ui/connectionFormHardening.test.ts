// The connection form under hostile or mistaken input, in the real workbench: a stored password is
// asked for again once the bootstrap servers change (said on the field, refused on Test), SASL/PLAIN
// without TLS is warned about but still saved, messages of the wrong shape posted into the real
// webview host are logged and dropped, and a Test whose CA file cannot be read reports it and gives
// the Test button back.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { chooseOption, fillField, openWorkbench, pickQuickItem, postRawToWebview, quickInput, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';

const NAME = 'ui-secret-scope';

/** The few DOM members the checks read (the tests compile without the DOM library). */
interface Boxed {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  ownerDocument: { documentElement: { clientWidth: number; clientHeight: number } };
}

async function assertPainted(form: FrameLocator, selector: string): Promise<void> {
  const { x, y, width, height, w, h } = await form.locator(selector).evaluate((e: Boxed) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height, w: e.ownerDocument.documentElement.clientWidth, h: e.ownerDocument.documentElement.clientHeight };
  });
  assert.ok(width > 20 && height > 5, `${selector} is painted (${width}x${height})`);
  assert.ok(x >= 0 && x + width <= w + 1 && y >= 0 && y + height <= h + 1, `${selector} lies inside the view`);
}

async function openAddForm(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Kafka: Add Connection');
  const form = webviewFrame(page);
  await form.locator('h2', { hasText: 'Add Kafka Connection' }).waitFor({ timeout: 30_000 });
  return form;
}

const postRaw = postRawToWebview;

describe('Connection form hardening (UI)', function () {
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

  it('warns about SASL/PLAIN without TLS, and asks for the stored password again once the bootstrap servers change', async () => {
    const { page } = wb!;
    assert.ok(broker.sasl);
    const { username, password } = broker.sasl.users.plain;
    let form = await openAddForm(page);
    await fillField(form, 'name', NAME);
    await fillField(form, 'bootstrapServers', broker.sasl.bootstrap);
    await chooseOption(form, 'mechanism', 'SASL/PLAIN');
    const plainWarning = form.locator('#mechanism-warning');
    await plainWarning.filter({ hasText: 'SASL/PLAIN without TLS sends the password in clear text' }).waitFor();
    await assertPainted(form, '#mechanism-warning');
    await fillField(form, 'username', username);
    await fillField(form, 'password', password);
    await screenshot(page, 'connection-form-plain-warning');
    await form.locator('vscode-button#save').click(); // a warning, not a block
    await page.locator('.tab', { hasText: 'Add Kafka Connection' }).waitFor({ state: 'detached', timeout: 20_000 });

    await runCommand(page, 'Kafka: Edit Connection');
    await pickQuickItem(page, NAME);
    form = webviewFrame(page);
    await form.locator('h2', { hasText: 'Edit Kafka Connection' }).waitFor({ timeout: 30_000 });
    const passwordHint = form.locator('.field:has(#password) .field-hint');
    await passwordHint.filter({ hasText: 'Leave empty to keep the stored value.' }).waitFor();
    const status = form.locator('#status');
    await form.locator('vscode-button#test').click();
    await status.filter({ hasText: /is reachable/ }).waitFor({ timeout: 20_000 });

    const port = broker.sasl.bootstrap.split(':')[1];
    await fillField(form, 'bootstrapServers', `localhost:${port}`);
    await passwordHint.filter({ hasText: 'The bootstrap servers changed: enter this secret again' }).waitFor();
    await assertPainted(form, '.field:has(#password) .field-hint');
    await form.locator('vscode-button#test').click();
    const passwordError = form.locator('.field:has(#password) .field-error');
    await passwordError.filter({ hasText: 'Enter it again: the stored one is not sent to the changed settings.' }).waitFor({ timeout: 10_000 });
    await status.filter({ hasText: 'Not tested: the form has errors.' }).waitFor();
    await screenshot(page, 'connection-form-secret-stale');

    await fillField(form, 'password', password);
    await form.locator('vscode-button#test').click();
    await status.filter({ hasText: /is reachable/ }).waitFor({ timeout: 20_000 });
    await form.locator('vscode-button#cancel').click();
  });

  it('drops wrong-shaped messages posted into the webview host (logged), and a CA file that cannot be read is reported with Test enabled again', async () => {
    const { page } = wb!;
    // In a narrow editor group, the clear-text warning wraps inside the form.
    await runCommand(page, 'File: New Untitled Text File');
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'View: Split Editor Right');
    const form = await openAddForm(page);
    await chooseOption(form, 'mechanism', 'SASL/PLAIN');
    await form.locator('#mechanism-warning').waitFor();
    await assertPainted(form, '#mechanism-warning');
    await screenshot(page, 'connection-form-plain-warning-narrow');
    await chooseOption(form, 'mechanism', 'None');
    // A field name that is not one of the form's file fields, a path smuggled in, a test with broken values.
    await postRaw(page, { type: 'pickFile', requestId: 900, field: '/etc/passwd' });
    await postRaw(page, { type: 'test', requestId: 901, values: { name: 5 } });
    await postRaw(page, { type: 'readFile', path: '/etc/shadow' });

    await fillField(form, 'name', 'ui-bad-ca');
    await fillField(form, 'bootstrapServers', broker.bootstrap);
    await form.locator('vscode-checkbox#tlsEnabled').click();
    await chooseOption(form, 'trustSource', 'CA certificate (PEM file)');
    await fillField(form, 'caFile', '/nonexistent/kw-ca.pem');
    const testButton = form.locator('vscode-button#test');
    await testButton.click();
    const status = form.locator('#status');
    await status.filter({ hasText: /Cannot read the CA certificate file \/nonexistent\/kw-ca\.pem/ }).waitFor({ timeout: 20_000 });
    assert.equal(await testButton.evaluate((b: { disabled: boolean }) => b.disabled), false, 'Test is enabled again');
    await assertPainted(form, '#status');
    // The host answered the real Test after the forged messages, so it has handled them: none opened a picker.
    assert.equal(await quickInput(page).isVisible(), false, 'no file picker opened for the forged pickFile');
    await screenshot(page, 'connection-form-bad-ca');
    await form.locator('vscode-button#cancel').click();

    await runCommand(page, 'Output: Show Output Channels...');
    await pickQuickItem(page, 'Kafka Workbench');
    const output = page.locator('.part.panel .view-lines');
    await output.filter({ hasText: 'dropped a message from the connection form webview: message.field should be one of' }).waitFor({ timeout: 10_000 });
    await output.filter({ hasText: /message\.values\.\w+\sshould\sbe\sa\sstring/ }).waitFor();
    await output.filter({ hasText: 'unknown message type "readFile"' }).waitFor();
    await screenshot(page, 'connection-form-dropped-log');
  });
});
