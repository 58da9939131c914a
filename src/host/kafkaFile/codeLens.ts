import * as vscode from 'vscode';
import type { KafkaFileConnections } from './connectionChoice';
import { modelOf } from './documentModel';
import type { KafkaFileRuns } from './runs';

export const KAFKA_FILE_COMMANDS = {
  produce: 'kafkaWorkbench.kafkaFile.produce',
  produceMany: 'kafkaWorkbench.kafkaFile.produceMany',
  startScheduled: 'kafkaWorkbench.kafkaFile.startScheduled',
  stopScheduled: 'kafkaWorkbench.kafkaFile.stopScheduled',
  startConsumer: 'kafkaWorkbench.kafkaFile.startConsumer',
  stopConsumer: 'kafkaWorkbench.kafkaFile.stopConsumer',
  selectConnection: 'kafkaWorkbench.kafkaFile.selectConnection',
  showResult: 'kafkaWorkbench.kafkaFile.showResult',
  runAtCursor: 'kafkaWorkbench.kafkaFile.runAtCursor',
  saveForm: 'kafkaWorkbench.kafkaFile.saveForm',
} as const;

/**
 * Above the first line: the connection the file runs against (click to switch). Above each block:
 * its actions, and after a send, a lens with the delivery report (partition@offset and latency, or
 * the error). A block with an error gets no run lens: the diagnostic says what to fix.
 */
export class KafkaFileCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connections: KafkaFileConnections,
    private readonly runs: KafkaFileRuns,
  ) {
    this.subscriptions = [connections.onDidChange(() => this.changed.fire()), runs.onDidChange(() => this.changed.fire())];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const top = new vscode.Range(0, 0, 0, 0);
    const connection = this.connections.connectionFor(document.uri);
    lenses.push(
      new vscode.CodeLens(top, {
        title: connection ? `$(plug) Connection: ${connection}` : '$(plug) Select a connection',
        tooltip: connection ? `This file runs against "${connection}". Click to switch.` : 'Choose the Kafka connection this file runs against',
        command: KAFKA_FILE_COMMANDS.selectConnection,
        arguments: [document.uri],
      }),
    );
    for (const { block, key, checked } of modelOf(document).blocks) {
      const at = new vscode.Range(block.headerLine, 0, block.headerLine, 0);
      const args = [document.uri, block.headerLine];
      if (!checked.definition) {
        lenses.push(new vscode.CodeLens(at, { title: '$(error) Fix the problems in this block to run it', command: 'workbench.actions.view.problems' }));
        continue;
      }
      if (block.kind === 'producer') {
        const def = checked.definition as { everyMs?: number; count?: number };
        const n = def.count ?? 1;
        lenses.push(new vscode.CodeLens(at, { title: n === 1 ? '$(play) Produce record' : `$(play) Produce ${n} records`, command: KAFKA_FILE_COMMANDS.produce, arguments: args }));
        lenses.push(new vscode.CodeLens(at, { title: n === 1 ? 'Produce record ×10' : `Produce ${10 * n} records`, command: KAFKA_FILE_COMMANDS.produce, arguments: [...args, 10 * n] }));
        lenses.push(new vscode.CodeLens(at, { title: 'Produce records…', command: KAFKA_FILE_COMMANDS.produceMany, arguments: args }));
        if (def.everyMs !== undefined) {
          lenses.push(
            this.runs.isScheduled(key)
              ? new vscode.CodeLens(at, { title: `$(debug-stop) Stop scheduled producer (${this.runs.scheduledSent(key)} sent)`, command: KAFKA_FILE_COMMANDS.stopScheduled, arguments: args })
              : new vscode.CodeLens(at, { title: '$(watch) Start scheduled producer', command: KAFKA_FILE_COMMANDS.startScheduled, arguments: args }),
          );
        }
        const result = this.runs.result(key);
        if (result) {
          // On its own row under the block (above its ###), so a narrow editor does not clip it
          // behind the action lenses.
          const row = Math.min(block.endLine + 1, document.lineCount - 1);
          lenses.push(new vscode.CodeLens(new vscode.Range(row, 0, row, 0), { title: result.ok ? result.summary.replace(/^✓/, '$(pass)') : result.summary.replace(/^✗/, '$(error)'), tooltip: result.detail, command: KAFKA_FILE_COMMANDS.showResult, arguments: args }));
        }
      } else {
        const running = this.runs.consumer(key);
        lenses.push(
          running
            ? new vscode.CodeLens(at, { title: '$(debug-stop) Stop consumer', command: KAFKA_FILE_COMMANDS.stopConsumer, arguments: args })
            : new vscode.CodeLens(at, { title: '$(play) Start consumer', command: KAFKA_FILE_COMMANDS.startConsumer, arguments: args }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
