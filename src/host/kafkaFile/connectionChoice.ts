import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';

/**
 * The connection a `.kafka` file runs against: the one chosen for that file (kept in the workspace
 * state), else the active connection, else the only one there is.
 */
export class KafkaFileConnections implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly manager: ConnectionManager,
  ) {
    this.subscription = manager.onDidChange(() => this.changed.fire());
  }

  private stateKey(uri: vscode.Uri): string {
    return `kafkaFile.connection:${uri.toString()}`;
  }

  connectionFor(uri: vscode.Uri): string | undefined {
    const names = this.manager.profiles().map((p) => p.name);
    const chosen = this.state.get<string>(this.stateKey(uri));
    if (chosen && names.includes(chosen)) return chosen;
    const active = this.manager.activeConnection();
    if (active && names.includes(active)) return active;
    return names.length === 1 ? names[0] : undefined;
  }

  async choose(uri: vscode.Uri, name: string): Promise<void> {
    await this.state.update(this.stateKey(uri), name);
    this.changed.fire();
  }

  /** Asks which connection the file uses; undefined when cancelled or there is none. */
  async pick(uri: vscode.Uri): Promise<string | undefined> {
    const profiles = this.manager.profiles();
    if (profiles.length === 0) {
      const add = await vscode.window.showInformationMessage('There is no Kafka connection yet: add one to run this file.', 'Add Connection');
      if (add) await vscode.commands.executeCommand('kafkaWorkbench.addConnection');
      return undefined;
    }
    const current = this.connectionFor(uri);
    const pick = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p.name, description: p.bootstrapServers.join(', '), detail: `${this.manager.status(p.name).state}${p.name === current ? ' · used by this file' : ''}` })),
      { title: 'Connection for this .kafka file', placeHolder: 'Producers and consumers in this file run against…' },
    );
    if (!pick) return undefined;
    await this.choose(uri, pick.label);
    return pick.label;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
