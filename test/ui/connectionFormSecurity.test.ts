// The connection form's security sections, clicked in the real workbench: a preset fills what a
// managed service needs, OAUTHBEARER and key-store fields appear only when chosen and lie inside the
// view, a PKCS12 trust store typed into the form reaches the real broker's TLS listener, and the form
// still fits (no sideways scrolling) in a narrow editor group. Screenshots at 1400x900 and narrow.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { chooseOption, fillField, openWorkbench, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';

const STORE_PASSWORD = 'ui-store-secret';

async function openForm(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Kafka: Add Connection');
  const form = webviewFrame(page);
  await form.locator('h2', { hasText: 'Add Kafka Connection' }).waitFor({ timeout: 30_000 });
  return form;
}

/** The few DOM members the checks read (the tests compile without the DOM library). */
interface Boxed {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  ownerDocument: { documentElement: { clientWidth: number; scrollWidth: number } };
}

/** Asserts the field is painted and not cut off on the right of the form's own document. */
async function assertInside(form: FrameLocator, id: string): Promise<void> {
  const { x, width, height, docWidth } = await form.locator(`#${id}`).evaluate((e: Boxed) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, width: r.width, height: r.height, docWidth: e.ownerDocument.documentElement.clientWidth };
  });
  assert.ok(width > 20 && height > 10, `#${id} is painted (${width}x${height})`);
  assert.ok(x >= 0 && x + width <= docWidth + 1, `#${id} lies within the form's width (${x}+${width} <= ${docWidth})`);
}

describe('Connection form security sections (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let trustStore: string;

  before(async () => {
    broker = await testBroker();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kw-ui-stores-'));
    trustStore = path.join(dir, 'truststore.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', broker.tls!.caFile, '-out', trustStore, '-passout', `pass:${STORE_PASSWORD}`]);
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('Confluent Cloud preset fills SASL_SSL PLAIN with API key labels; OAUTHBEARER shows its own fields', async () => {
    const { page } = wb!;
    const form = await openForm(page);
    await chooseOption(form, 'preset', 'Confluent Cloud');
    await form.locator('#presetHelp', { hasText: 'API key is the user name' }).waitFor();
    assert.equal(await form.locator('vscode-dropdown#mechanism').evaluate((e: { value: string }) => e.value), 'plain');
    assert.equal(await form.locator('vscode-checkbox#tlsEnabled').evaluate((e: { checked: boolean }) => e.checked), true);
    await form.locator('.field-label', { hasText: 'API secret' }).waitFor({ state: 'visible' });
    await assertInside(form, 'username');
    await screenshot(page, 'connection-form-preset-confluent');

    await chooseOption(form, 'mechanism', 'SASL/OAUTHBEARER');
    await form.locator('vscode-text-field#tokenEndpoint').waitFor({ state: 'visible' });
    assert.equal(await form.locator('vscode-text-field#username').isVisible(), false, 'no user name for OAUTHBEARER');
    for (const id of ['tokenEndpoint', 'oauthClientId', 'oauthClientSecret', 'oauthScope', 'oauthAudience', 'oauthExtensions']) await assertInside(form, id);
    await chooseOption(form, 'oauthMode', 'A command that prints a token');
    await form.locator('vscode-text-field#tokenCommand').waitFor({ state: 'visible' });
    assert.equal(await form.locator('vscode-text-field#tokenEndpoint').isVisible(), false);
    await chooseOption(form, 'oauthMode', 'OAuth client credentials');
    await chooseOption(form, 'clientAuth', 'Key store (PKCS12)');
    await form.locator('vscode-text-field#keystoreFile').waitFor({ state: 'visible' });
    await form.locator('vscode-text-field#tokenEndpoint').scrollIntoViewIfNeeded();
    await screenshot(page, 'connection-form-oauth-keystore');
    await form.locator('vscode-button#cancel').click();
  });

  it('a PKCS12 trust store typed into the form reaches the TLS listener; a wrong store password is said plainly', async () => {
    const { page } = wb!;
    const form = await openForm(page);
    await fillField(form, 'name', 'ui-p12');
    await fillField(form, 'bootstrapServers', broker.tls!.bootstrap);
    await form.locator('vscode-checkbox#tlsEnabled').click();
    await chooseOption(form, 'trustSource', 'Trust store (PKCS12)');
    await fillField(form, 'truststoreFile', trustStore);
    await fillField(form, 'truststorePassword', 'wrong');
    const status = form.locator('#status');
    await form.locator('vscode-button#test').click();
    await status.filter({ hasText: /password of the PKCS12 store .* is wrong/ }).waitFor({ timeout: 20_000 });
    await fillField(form, 'truststorePassword', STORE_PASSWORD);
    await form.locator('vscode-button#test').click();
    await status.filter({ hasText: /is reachable/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'connection-form-truststore-tested');
    await form.locator('vscode-button#cancel').click();
  });

  it('fits a narrow editor group: fields wrap under each other, nothing scrolls sideways', async () => {
    const { page } = wb!;
    await runCommand(page, 'File: New Untitled Text File');
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'View: Split Editor Right');
    const form = await openForm(page);
    await chooseOption(form, 'mechanism', 'SASL/OAUTHBEARER');
    await form.locator('vscode-checkbox#tlsEnabled').click();
    await chooseOption(form, 'trustSource', 'Trust store (JKS)');
    const { scroll, client } = await form.locator('body').evaluate((e: Boxed) => ({
      scroll: e.ownerDocument.documentElement.scrollWidth,
      client: e.ownerDocument.documentElement.clientWidth,
    }));
    assert.ok(client < 520, `the group is narrow (${client} px)`);
    assert.ok(scroll <= client + 1, `no sideways scrolling (${scroll} > ${client})`);
    for (const id of ['bootstrapServers', 'oauthClientId', 'oauthClientSecret', 'truststoreFile']) await assertInside(form, id);
    const top = (id: string) => form.locator(`#${id}`).evaluate((e: Boxed) => e.getBoundingClientRect().y);
    assert.ok((await top('oauthClientSecret')) > (await top('oauthClientId')) + 20, 'client id and secret wrap under each other');
    await screenshot(page, 'connection-form-narrow');
    await form.locator('vscode-button#cancel').click();
  });
});
