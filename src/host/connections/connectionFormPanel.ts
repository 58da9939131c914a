import * as vscode from 'vscode';
import type { ConnectionProfile, ConnectionSecrets } from '../../core/connection/profile';
import type { FormMessage, FormRequest, SecretField } from '../../../webview/src/connectionForm/protocol';
import { CONNECTION_PRESETS } from '../../core/connection/presets';
import { log } from '../log';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { FORM_SECRETS, formValuesOf, profileFromForm, secretsFromForm } from './connectionForm';
import { describeTestResult, type ConnectionManager } from './connectionManager';

const openPanels = new Map<string, vscode.WebviewPanel>();

/** Which secrets exist, without their values. */
function presence(secrets: ConnectionSecrets): Partial<Record<keyof ConnectionSecrets, boolean>> {
  const out: Partial<Record<keyof ConnectionSecrets, boolean>> = {};
  for (const [key, value] of Object.entries(secrets)) out[key as keyof ConnectionSecrets] = value !== undefined;
  return out;
}

/**
 * The Add/Edit Connection form. Resolves with the saved connection's name, or undefined when the
 * user closes the form without saving.
 */
export function openConnectionForm(
  extensionUri: vscode.Uri,
  manager: ConnectionManager,
  editing?: ConnectionProfile,
): Promise<string | undefined> {
  const key = editing ? `edit:${editing.name}` : 'add';
  const existing = openPanels.get(key);
  if (existing) {
    existing.reveal();
    return Promise.resolve(undefined);
  }
  const panel = vscode.window.createWebviewPanel(
    'kafkaWorkbench.connectionForm',
    editing ? `Edit Connection: ${editing.name}` : 'Add Kafka Connection',
    vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: webviewRoots(extensionUri), retainContextWhenHidden: true },
  );
  openPanels.set(key, panel);
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'connectionForm', panel.title);
  const post = (message: FormMessage) => void panel.webview.postMessage(message);
  const takenNames = () => manager.profiles().map((p) => p.name).filter((n) => n !== editing?.name);

  return new Promise((resolve) => {
    let saved: string | undefined;
    const onMessage = panel.webview.onDidReceiveMessage(async (message: FormRequest) => {
      switch (message.type) {
        case 'ready': {
          const stored: Partial<Record<SecretField, boolean>> = {};
          for (const [field, secret] of Object.entries(FORM_SECRETS) as [SecretField, keyof ConnectionSecrets][]) {
            stored[field] = editing ? await manager.store.hasSecret(editing.name, secret) : false;
          }
          post({
            type: 'init',
            mode: editing ? 'edit' : 'add',
            values: formValuesOf(editing),
            stored,
            presets: CONNECTION_PRESETS.map((p) => ({ ...p })),
          });
          break;
        }
        case 'test': {
          const storedNow = editing ? await manager.store.secretsFor(editing.name) : {};
          const { profile, errors } = profileFromForm(message.values, [], presence(storedNow));
          if (!profile) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors, message: 'Fix the fields marked above, then test again.' });
            post({ type: 'testResult', requestId: message.requestId, ok: false, text: 'Not tested: the form has errors.' });
            break;
          }
          const typed = secretsFromForm(message.values);
          const secrets = { ...storedNow };
          for (const [key, value] of Object.entries(typed)) if (value !== undefined) secrets[key as keyof typeof secrets] = value;
          const result = await manager.test({ profile, secrets });
          post({ type: 'testResult', requestId: message.requestId, ok: result.ok, text: describeTestResult(result) });
          break;
        }
        case 'save': {
          const storedNow = editing ? await manager.store.secretsFor(editing.name) : {};
          const { profile, errors } = profileFromForm(message.values, takenNames(), presence(storedNow));
          if (!profile) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors });
            break;
          }
          try {
            // An empty password field keeps the stored secret.
            await manager.save(profile, secretsFromForm(message.values), editing?.name);
          } catch (e) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors: {}, message: `Saving failed: ${String(e)}` });
            break;
          }
          log().info(`${editing ? 'updated' : 'added'} connection "${profile.name}" (${profile.bootstrapServers.join(', ')})`);
          post({ type: 'saveResult', requestId: message.requestId, ok: true, errors: {} });
          saved = profile.name;
          panel.dispose();
          break;
        }
        case 'pickFile': {
          const store = message.field === 'truststoreFile' || message.field === 'keystoreFile';
          const files = await vscode.window.showOpenDialog({
            canSelectMany: false,
            title: store ? 'Choose a key or trust store (PKCS12 or JKS)' : 'Choose a PEM file',
            filters: store
              ? { 'Key stores': ['p12', 'pfx', 'jks', 'keystore', 'truststore'], 'All files': ['*'] }
              : { PEM: ['pem', 'crt', 'cer', 'key'], 'All files': ['*'] },
          });
          post({ type: 'filePicked', requestId: message.requestId, field: message.field, path: files?.[0]?.fsPath });
          break;
        }
        case 'cancel':
          panel.dispose();
          break;
      }
    });
    panel.onDidDispose(() => {
      onMessage.dispose();
      openPanels.delete(key);
      resolve(saved);
    });
  });
}
