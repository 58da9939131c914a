import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import type { FormMessage, FormRequest } from '../../../webview/src/connectionForm/protocol';
import { log } from '../log';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { formValuesOf, profileFromForm } from './connectionForm';
import { describeTestResult, type ConnectionManager } from './connectionManager';

const openPanels = new Map<string, vscode.WebviewPanel>();

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
        case 'ready':
          post({
            type: 'init',
            mode: editing ? 'edit' : 'add',
            values: formValuesOf(editing),
            stored: {
              password: editing ? await manager.store.hasSecret(editing.name, 'saslPassword') : false,
              registryPassword: editing ? await manager.store.hasSecret(editing.name, 'registryPassword') : false,
            },
          });
          break;
        case 'test': {
          const { profile, errors } = profileFromForm(message.values, []);
          if (!profile) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors, message: 'Fix the fields marked above, then test again.' });
            post({ type: 'testResult', requestId: message.requestId, ok: false, text: 'Not tested: the form has errors.' });
            break;
          }
          const stored = editing ? await manager.store.secretsFor(editing.name) : {};
          const result = await manager.test({
            profile,
            secrets: {
              saslPassword: message.values.password || stored.saslPassword,
              registryPassword: message.values.registryPassword || stored.registryPassword,
            },
          });
          post({ type: 'testResult', requestId: message.requestId, ok: result.ok, text: describeTestResult(result) });
          break;
        }
        case 'save': {
          const { profile, errors } = profileFromForm(message.values, takenNames());
          if (!profile) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors });
            break;
          }
          try {
            // An empty password field keeps the stored secret.
            await manager.save(
              profile,
              { saslPassword: message.values.password || undefined, registryPassword: message.values.registryPassword || undefined },
              editing?.name,
            );
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
          const files = await vscode.window.showOpenDialog({
            canSelectMany: false,
            title: 'Choose a PEM file',
            filters: { PEM: ['pem', 'crt', 'cer', 'key'], 'All files': ['*'] },
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
