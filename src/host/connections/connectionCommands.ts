import * as vscode from 'vscode';
import { validateBootstrapServers, type ConnectionProfile, type ConnectionSecrets } from '../../core/connection/profile';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand, showError } from '../commands';
import { log } from '../log';
import { describeTestResult, type ConnectionManager, type TestConnectionResult } from './connectionManager';
import { openConnectionForm } from './connectionFormPanel';
import { normalizeProfile } from './connectionStore';

/** Anything a command may be invoked with to name a connection: a tree node, a name, or nothing. */
type ConnectionArg = { connectionName: string } | string | undefined;

/** A connection given in full, as scripts and tests pass it to "Add Connection". */
export type ConnectionSpec = Partial<ConnectionProfile> & {
  name: string;
  password?: string;
  registryPassword?: string;
  /** Any other secret (OAuth client secret, store passwords, ...); they go to SecretStorage. */
  secrets?: ConnectionSecrets;
};

function specSecrets(spec: ConnectionSpec): ConnectionSecrets {
  return { ...spec.secrets, saslPassword: spec.password ?? spec.secrets?.saslPassword, registryPassword: spec.registryPassword ?? spec.secrets?.registryPassword };
}

async function pickConnection(manager: ConnectionManager, arg: ConnectionArg, purpose: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && typeof arg.connectionName === 'string') return arg.connectionName;
  const profiles = manager.profiles();
  if (profiles.length === 0) {
    const add = await vscode.window.showInformationMessage('There is no Kafka connection yet.', 'Add Connection', 'Start Local Broker');
    if (add === 'Add Connection') await vscode.commands.executeCommand('kafkaWorkbench.addConnection');
    if (add === 'Start Local Broker') await vscode.commands.executeCommand('kafkaWorkbench.startLocalBroker');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: p.bootstrapServers.join(', '), detail: manager.status(p.name).state })),
    { title: purpose, placeHolder: 'Choose a connection' },
  );
  return pick?.label;
}

function profileFromSpec(spec: ConnectionSpec): ConnectionProfile {
  const profile = normalizeProfile(spec);
  if (!profile) throw new KafkaWorkbenchError('A connection needs a name.', 'invalid-input');
  const problem = validateBootstrapServers(profile.bootstrapServers);
  if (problem) throw new KafkaWorkbenchError(problem, 'invalid-input');
  return profile;
}

export function registerConnectionCommands(extensionUri: vscode.Uri, manager: ConnectionManager): vscode.Disposable[] {
  const showTestResult = async (result: TestConnectionResult): Promise<void> => {
    if (result.ok) {
      log().info(describeTestResult(result));
      void vscode.window.showInformationMessage(describeTestResult(result));
    } else {
      await showError(new KafkaWorkbenchError(describeTestResult(result), result.reason), 'Test Connection');
    }
  };

  return [
    registerCommand('kafkaWorkbench.addConnection', 'Add Connection', async (spec?: ConnectionSpec) => {
      if (spec) {
        const profile = profileFromSpec(spec);
        await manager.save(profile, specSecrets(spec));
        return profile.name;
      }
      const name = await openConnectionForm(extensionUri, manager);
      if (name) await showTestResult(await manager.test(name));
      return name;
    }),

    registerCommand('kafkaWorkbench.editConnection', 'Edit Connection', async (arg?: ConnectionArg, spec?: ConnectionSpec) => {
      const name = await pickConnection(manager, arg, 'Edit Kafka Connection');
      if (!name) return undefined;
      const current = manager.store.get(name);
      if (!current) throw new KafkaWorkbenchError(`There is no connection named "${name}".`, 'invalid-input');
      if (spec) {
        await manager.save(profileFromSpec({ ...current, ...spec }), specSecrets(spec), name);
        return spec.name;
      }
      return openConnectionForm(extensionUri, manager, current);
    }),

    registerCommand('kafkaWorkbench.removeConnection', 'Remove Connection', async (arg?: ConnectionArg, options?: { confirmed?: boolean }) => {
      const name = await pickConnection(manager, arg, 'Remove Kafka Connection');
      if (!name) return false;
      if (!options?.confirmed) {
        const answer = await vscode.window.showWarningMessage(
          `Remove the connection "${name}"? Its stored password is deleted too; the cluster is not touched.`,
          { modal: true },
          'Remove',
        );
        if (answer !== 'Remove') return false;
      }
      await manager.remove(name);
      return true;
    }),

    registerCommand('kafkaWorkbench.connect', 'Connect', async (arg?: ConnectionArg) => {
      const name = await pickConnection(manager, arg, 'Connect to Kafka');
      if (!name) return undefined;
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Connecting to ${name}…` },
        () => manager.connect(name),
      );
    }),

    registerCommand('kafkaWorkbench.disconnect', 'Disconnect', async (arg?: ConnectionArg) => {
      const name = await pickConnection(manager, arg, 'Disconnect from Kafka');
      if (name) await manager.disconnect(name);
      return name;
    }),

    registerCommand(
      'kafkaWorkbench.testConnection',
      'Test Connection',
      async (arg?: ConnectionArg | { profile: ConnectionSpec }, options?: { quiet?: boolean }) => {
        let result: TestConnectionResult;
        if (arg && typeof arg === 'object' && 'profile' in arg) {
          const profile = normalizeProfile(arg.profile);
          if (!profile) throw new KafkaWorkbenchError('A connection needs a name.', 'invalid-input');
          result = await manager.test({ profile, secrets: specSecrets(arg.profile) });
        } else {
          const name = await pickConnection(manager, arg, 'Test Kafka Connection');
          if (!name) return undefined;
          result = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Testing connection "${name}"…` },
            () => manager.test(name),
          );
        }
        if (!options?.quiet) void showTestResult(result);
        return result;
      },
    ),

    registerCommand('kafkaWorkbench.selectConnection', 'Select Connection', async () => {
      const name = await pickConnection(manager, undefined, 'Kafka connection');
      if (!name) return undefined;
      const status = manager.status(name);
      if (status.state === 'connected') {
        const action = await vscode.window.showQuickPick(['Disconnect', 'Test Connection', 'Edit Connection'], { title: name });
        if (action === 'Disconnect') await manager.disconnect(name);
        if (action === 'Test Connection') await vscode.commands.executeCommand('kafkaWorkbench.testConnection', name);
        if (action === 'Edit Connection') await vscode.commands.executeCommand('kafkaWorkbench.editConnection', name);
        return name;
      }
      await vscode.commands.executeCommand('kafkaWorkbench.connect', name);
      return name;
    }),
  ];
}
