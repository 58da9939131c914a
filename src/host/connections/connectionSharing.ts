// Getting connections in and out without retyping them:
//   Kafka: Import Connection from client.properties…   a Java (or librdkafka) client config
//   Kafka: Export Connections to Workspace              .vscode/kafka-connections.json, no secrets
//   Kafka: Import Shared Connections                    that file, asking each teammate for the secrets
// A workspace holding the shared file is offered the import once (until the file changes).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { importClientProperties, type ImportedConnection } from '../../core/connection/clientProperties';
import type { ConnectionProfile, ConnectionSecrets } from '../../core/connection/profile';
import { SHARED_FILE, fromSharedFile, secretPrompt, toSharedFile } from '../../core/connection/sharedFile';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import { log } from '../log';
import type { ConnectionManager } from './connectionManager';
import { normalizeProfile } from './connectionStore';

/** For scripts and tests: everything the interactive flow would ask. */
export interface ImportPropertiesArgs {
  file: string;
  name?: string;
}

export interface ImportPropertiesResult {
  name: string;
  unmapped: ImportedConnection['unmapped'];
}

export interface ImportSharedArgs {
  /** Secrets per connection name; a connection missing here is asked for (or skipped when `noPrompt`). */
  secrets?: Record<string, ConnectionSecrets>;
  noPrompt?: boolean;
  /** Accept token commands without asking (tests). */
  trustCommands?: boolean;
}

const DECLINED_KEY = 'kafkaWorkbench.sharedConnections.declined';

function uniqueName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base} (${i})`)) return `${base} (${i})`;
}

/** Relative store and certificate paths in a properties file mean "next to that file". */
function resolvePaths(profile: Omit<ConnectionProfile, 'name'>, dir: string): void {
  const abs = (p: string | undefined) => (p && !path.isAbsolute(p) ? path.resolve(dir, p) : p);
  const t = profile.tls;
  t.caFile = abs(t.caFile);
  t.certFile = abs(t.certFile);
  t.keyFile = abs(t.keyFile);
  if (t.truststore) t.truststore.path = abs(t.truststore.path)!;
  if (t.keystore) t.keystore.path = abs(t.keystore.path)!;
  if (profile.schemaRegistry) profile.schemaRegistry.caFile = abs(profile.schemaRegistry.caFile);
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function importProperties(manager: ConnectionManager, args?: ImportPropertiesArgs): Promise<ImportPropertiesResult | undefined> {
  let file = args?.file;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      title: 'Import a Kafka client configuration (client.properties, librdkafka .conf)',
      filters: { 'Client configuration': ['properties', 'conf', 'config', 'cfg'], 'All files': ['*'] },
    });
    file = picked?.[0]?.fsPath;
    if (!file) return undefined;
  }
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new KafkaWorkbenchError(`Cannot read ${file}: ${(e as Error).message}`, 'invalid-input');
  }
  const imported = importClientProperties(text);
  if (imported.profile.bootstrapServers.length === 0) {
    throw new KafkaWorkbenchError(`${path.basename(file)} has no bootstrap.servers: it is not a Kafka client configuration.`, 'invalid-input');
  }
  resolvePaths(imported.profile, path.dirname(file));
  const taken = manager.profiles().map((p) => p.name);
  let name = args?.name;
  if (!name) {
    name = await vscode.window.showInputBox({
      title: 'Name of the imported connection',
      value: uniqueName(path.basename(file).replace(/\.(properties|conf|config|cfg)$/i, ''), taken),
      validateInput: (v) => (!v.trim() ? 'Enter a name.' : taken.includes(v.trim()) ? `A connection named "${v.trim()}" exists.` : undefined),
    });
    if (!name) return undefined;
  }
  name = name.trim();
  if (taken.includes(name)) throw new KafkaWorkbenchError(`A connection named "${name}" exists: choose another name.`, 'invalid-input');
  const profile = normalizeProfile({ name, ...imported.profile });
  if (!profile) throw new KafkaWorkbenchError('The imported connection has no name.', 'invalid-input');
  await manager.save(profile, imported.secrets);
  const stored = Object.keys(imported.secrets);
  log().info(
    `imported connection "${name}" from ${file}: ${imported.mapped.length} setting(s) used` +
      (stored.length > 0 ? `, ${stored.length} secret(s) put in secret storage (${stored.join(', ')})` : ''),
  );
  // Never silently dropped: every unused line is listed (secret values masked by the parser).
  for (const u of imported.unmapped) log().warn(`  not imported: ${u.key}=${u.value} (${u.reason})`);
  const summary =
    imported.unmapped.length === 0
      ? `Imported "${name}": every setting was used.`
      : `Imported "${name}". ${imported.unmapped.length} setting(s) not used: ${imported.unmapped
          .slice(0, 6)
          .map((u) => u.key)
          .join(', ')}${imported.unmapped.length > 6 ? ', …' : ''} (reasons in the log).`;
  if (!args) {
    void vscode.window.showInformationMessage(summary, 'Test Connection', 'Edit Connection', 'Show Log').then((action) => {
      if (action === 'Test Connection') void vscode.commands.executeCommand('kafkaWorkbench.testConnection', name);
      if (action === 'Edit Connection') void vscode.commands.executeCommand('kafkaWorkbench.editConnection', name);
      if (action === 'Show Log') log().show(true);
    });
  }
  return { name, unmapped: imported.unmapped };
}

async function exportShared(manager: ConnectionManager, names?: string[]): Promise<string | undefined> {
  const root = workspaceRoot();
  if (!root) throw new KafkaWorkbenchError('Open a folder first: the connections are written to its .vscode/kafka-connections.json.', 'invalid-input');
  const all = manager.profiles();
  if (all.length === 0) throw new KafkaWorkbenchError('There is no connection to export.', 'invalid-input');
  let chosen = names ? all.filter((p) => names.includes(p.name)) : undefined;
  if (!chosen) {
    const picks = await vscode.window.showQuickPick(
      all.map((p) => ({ label: p.name, description: p.bootstrapServers.join(', '), picked: true })),
      { canPickMany: true, title: 'Export connections to .vscode/kafka-connections.json (without secrets)' },
    );
    if (!picks || picks.length === 0) return undefined;
    chosen = all.filter((p) => picks.some((x) => x.label === p.name));
  }
  const target = path.join(root, SHARED_FILE);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  await fsp.writeFile(target, toSharedFile(chosen, root));
  log().info(`exported ${chosen.length} connection(s) to ${target} (no secrets)`);
  if (!names) {
    void vscode.window.showInformationMessage(`Wrote ${chosen.length} connection(s) to ${SHARED_FILE}, without secrets: commit it for your team.`);
  }
  return target;
}

async function importShared(manager: ConnectionManager, args?: ImportSharedArgs): Promise<string[]> {
  const root = workspaceRoot();
  if (!root) return [];
  const file = path.join(root, SHARED_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    throw new KafkaWorkbenchError(`This workspace has no ${SHARED_FILE}: a teammate makes it with "Kafka: Export Connections to Workspace".`, 'invalid-input');
  }
  const shared = fromSharedFile(text, root);
  const taken = new Set(manager.profiles().map((p) => p.name));
  const imported: string[] = [];
  for (const { profile: raw, secrets: needed } of shared) {
    const profile = normalizeProfile(raw);
    if (!profile || taken.has(profile.name)) continue;
    // A shared file comes with the repository: a token command in it is code someone else wrote,
    // run on this machine at connect time. Show it and ask.
    const command = profile.sasl.oauth?.mode === 'token-command' ? profile.sasl.oauth.tokenCommand : undefined;
    if (command && !args?.trustCommands) {
      const answer = await vscode.window.showWarningMessage(
        `The shared connection "${profile.name}" gets its OAuth token by running this command on your machine:\n\n${command}\n\nImport it only if you trust this command.`,
        { modal: true },
        'Import',
      );
      if (answer !== 'Import') continue;
    }
    const secrets: ConnectionSecrets = { ...(args?.secrets?.[profile.name] ?? {}) };
    for (const secret of needed) {
      if (secrets[secret] !== undefined || args?.noPrompt) continue;
      const value = await vscode.window.showInputBox({
        title: `Import "${profile.name}" (${profile.bootstrapServers.join(', ')})`,
        prompt: secretPrompt(profile, secret),
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return imported; // Escape: stop here; what was imported stays
      if (value) secrets[secret] = value;
    }
    await manager.save(profile, secrets);
    imported.push(profile.name);
    log().info(`imported shared connection "${profile.name}" from ${SHARED_FILE}`);
  }
  return imported;
}

/** Offers the shared file's connections that are not here yet, once per version of the file. */
async function offerShared(context: vscode.ExtensionContext, manager: ConnectionManager): Promise<void> {
  const root = workspaceRoot();
  if (!root) return;
  let text: string;
  try {
    text = await fsp.readFile(path.join(root, SHARED_FILE), 'utf8');
  } catch {
    return;
  }
  const hash = createHash('sha256').update(text).digest('hex');
  if (context.workspaceState.get<string>(DECLINED_KEY) === hash) return;
  let names: string[];
  try {
    const taken = new Set(manager.profiles().map((p) => p.name));
    names = fromSharedFile(text, root).map((c) => c.profile.name).filter((n) => !taken.has(n));
  } catch (e) {
    log().warn(String((e as Error).message));
    return;
  }
  if (names.length === 0) return;
  const answer = await vscode.window.showInformationMessage(
    `This workspace shares ${names.length} Kafka connection(s) in ${SHARED_FILE}: ${names.join(', ')}. Import them? You will be asked for your own secrets.`,
    'Import',
    'Not for This File',
  );
  if (answer === 'Import') await vscode.commands.executeCommand('kafkaWorkbench.importSharedConnections');
  else if (answer === 'Not for This File') await context.workspaceState.update(DECLINED_KEY, hash);
}

export function registerConnectionSharing(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  // Looked at after activation, not during it: a file read, no network.
  setTimeout(() => void offerShared(context, manager).catch((e: unknown) => log().warn(`shared connections: ${String(e)}`)), 1500);
  return [
    registerCommand('kafkaWorkbench.importConnectionProperties', 'Import Connection from client.properties', (args?: ImportPropertiesArgs) =>
      importProperties(manager, args),
    ),
    registerCommand('kafkaWorkbench.exportConnections', 'Export Connections to Workspace', (names?: string[]) => exportShared(manager, names)),
    registerCommand('kafkaWorkbench.importSharedConnections', 'Import Shared Connections', (args?: ImportSharedArgs) => importShared(manager, args)),
  ];
}
