import * as vscode from 'vscode';
import { secretsInUse, type ConnectionProfile, type ConnectionSecrets } from '../../core/connection/profile';
import type { ConnectionFormValues, FieldErrors, FormMessage, FormRequest, SecretField } from '../../../webview/src/connectionForm/protocol';
import { staleSecrets } from '../../../webview/src/connectionForm/secretScope';
import { CONNECTION_PRESETS } from '../../core/connection/presets';
import { log } from '../log';
import { onCheckedMessage } from '../webviews/messageGuard';
import { webviewHtml, webviewRoots } from '../webviews/webviewHtml';
import { FORM_REQUEST_SCHEMA } from './connectionFormSchema';
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
 * The stored secrets Test and Save may use for these form values: a secret whose endpoint,
 * mechanism or user changed in this edit is left out, and if the new profile needs it and nothing
 * was typed, that field gets an error asking for it again.
 */
async function usableStoredSecrets(
  manager: ConnectionManager,
  editing: ConnectionProfile | undefined,
  values: ConnectionFormValues,
): Promise<{ secrets: ConnectionSecrets; staleErrors: (profile: ConnectionProfile) => FieldErrors }> {
  if (!editing) return { secrets: {}, staleErrors: () => ({}) };
  const secrets = await manager.store.secretsFor(editing.name);
  const stale = staleSecrets(formValuesOf(editing), values);
  const dropped: SecretField[] = [];
  // The field's hint already says why (secretScope.ts, shown as the user edits); the error asks.
  for (const field of Object.keys(stale) as SecretField[]) {
    const secret = FORM_SECRETS[field];
    if (secrets[secret] === undefined) continue;
    secrets[secret] = undefined;
    if (!values[field]) dropped.push(field);
  }
  return {
    secrets,
    staleErrors: (profile) => {
      const inUse = secretsInUse(profile);
      const errors: FieldErrors = {};
      for (const field of dropped) if (inUse[FORM_SECRETS[field]]) errors[field] = 'Enter it again: the stored one is not sent to the changed settings.';
      return errors;
    },
  };
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
    const handle = async (message: FormRequest): Promise<void> => {
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
          const { secrets: storedNow, staleErrors } = await usableStoredSecrets(manager, editing, message.values);
          const built = profileFromForm(message.values, [], presence(storedNow));
          const errors = built.profile ? staleErrors(built.profile) : built.errors;
          if (!built.profile || Object.keys(errors).length > 0) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors, message: 'Fix the fields marked above, then test again.' });
            post({ type: 'testResult', requestId: message.requestId, ok: false, text: 'Not tested: the form has errors.' });
            break;
          }
          const typed = secretsFromForm(message.values);
          const secrets = { ...storedNow };
          for (const [key, value] of Object.entries(typed)) if (value !== undefined) secrets[key as keyof typeof secrets] = value;
          const result = await manager.test({ profile: built.profile, secrets });
          post({ type: 'testResult', requestId: message.requestId, ok: result.ok, text: describeTestResult(result) });
          break;
        }
        case 'save': {
          const { secrets: storedNow, staleErrors } = await usableStoredSecrets(manager, editing, message.values);
          const built = profileFromForm(message.values, takenNames(), presence(storedNow));
          const errors = built.profile ? staleErrors(built.profile) : built.errors;
          const profile = built.profile;
          if (!profile || Object.keys(errors).length > 0) {
            post({ type: 'saveResult', requestId: message.requestId, ok: false, errors });
            break;
          }
          try {
            // An empty password field keeps the stored secret (the store drops one whose endpoint changed).
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
    };
    // Every request gets an answer, even when handling it fails, so the form never stays at "Testing…".
    const onMessage = onCheckedMessage(panel.webview, FORM_REQUEST_SCHEMA, 'connection form', log(), async (message) => {
      try {
        await handle(message);
      } catch (e) {
        const text = `${message.type === 'test' ? 'Testing' : 'This step'} failed: ${e instanceof Error ? e.message : String(e)}. See the Kafka Workbench log.`;
        log().error(`connection form: handling "${message.type}" failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (message.type === 'test') post({ type: 'testResult', requestId: message.requestId, ok: false, text });
        if (message.type === 'save') post({ type: 'saveResult', requestId: message.requestId, ok: false, errors: {}, message: text });
      }
    });
    panel.onDidDispose(() => {
      onMessage.dispose();
      openPanels.delete(key);
      resolve(saved);
    });
  });
}
