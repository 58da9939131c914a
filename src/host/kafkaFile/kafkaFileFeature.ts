/**
 * `.kafka` files: producers and consumers as code, run from CodeLenses through the extension's
 * produce and consume commands. Wires the language features, the lenses and the commands.
 */
import * as vscode from 'vscode';
import '../../core/consume/numberDeserializers';
import type { ConsumerDefinition, ProducerDefinition } from '../../core/kafkaFile/definitions';
import '../../core/produce/numberSerializers';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { KAFKA_FILE_COMMANDS, KafkaFileCodeLenses } from './codeLens';
import { KafkaFileConnections } from './connectionChoice';
import { checkedBlockAt, KAFKA_LANGUAGE, modelOf, type CheckedBlock } from './documentModel';
import { registerKafkaLanguageFeatures } from './languageFeatures';
import { KafkaFileRuns } from './runs';
import { setFakerLocale } from '../../core/kafkaFile/template';
import { settings } from '../settings';
import { saveFormAsKafka } from './saveAsKafka';
import type { ProduceFormValues } from '../../../webview/src/produce/protocol';

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

async function documentOf(arg: unknown): Promise<vscode.TextDocument> {
  const uri = asUri(arg);
  if (!uri) throw new KafkaWorkbenchError('Open a .kafka file first.', 'invalid-input');
  return vscode.workspace.openTextDocument(uri);
}

function blockOf(document: vscode.TextDocument, line: unknown, kind: 'producer' | 'consumer'): CheckedBlock {
  const at = typeof line === 'number' ? line : (vscode.window.activeTextEditor?.selection.active.line ?? 0);
  const found = checkedBlockAt(document, at);
  if (!found || found.block.kind !== kind) throw new KafkaWorkbenchError(`There is no ${kind.toUpperCase()} block at line ${at + 1}.`, 'invalid-input');
  if (!found.checked.definition) {
    const first = found.checked.diagnostics.find((d) => d.severity === 'error');
    throw new KafkaWorkbenchError(`This ${kind} block has a problem at line ${(first?.range.start.line ?? at) + 1}: ${first?.message ?? 'see the Problems view'}`, 'invalid-input');
  }
  return found;
}

/** faker's locale from the setting; a name faker does not know is said once, and English stays. */
function applyFakerLocale(): void {
  const problem = setFakerLocale(settings.fakerLocale());
  if (problem) void vscode.window.showWarningMessage(`kafkaWorkbench.kafkaFile.fakerLocale: ${problem}`);
}

export function registerKafkaFile(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  applyFakerLocale();
  const connections = new KafkaFileConnections(context.workspaceState, manager);
  const runs = new KafkaFileRuns(manager);
  const lenses = new KafkaFileCodeLenses(connections, runs);

  async function connectionOf(uri: vscode.Uri): Promise<string> {
    const name = connections.connectionFor(uri) ?? (await connections.pick(uri));
    if (!name) throw new KafkaWorkbenchError('Choose the connection this .kafka file runs against (the lens on its first line).', 'invalid-input');
    return name;
  }

  const produce = async (uriArg?: unknown, line?: unknown, count?: unknown) => {
    const document = await documentOf(uriArg);
    const { key, checked } = blockOf(document, line, 'producer');
    const def = checked.definition as ProducerDefinition;
    const n = typeof count === 'number' && count > 0 ? Math.floor(count) : (def.count ?? 1);
    return runs.produce(key, document.uri, await connectionOf(document.uri), def, n);
  };

  const startConsumer = async (uriArg?: unknown, line?: unknown) => {
    const document = await documentOf(uriArg);
    const { key, checked } = blockOf(document, line, 'consumer');
    return runs.startConsumer(key, document.uri, await connectionOf(document.uri), checked.definition as ConsumerDefinition);
  };

  return [
    connections,
    runs,
    lenses,
    vscode.languages.registerCodeLensProvider({ language: KAFKA_LANGUAGE }, lenses),
    ...registerKafkaLanguageFeatures(manager, connections),
    // A scheduled producer stops when the last tab showing its file closes (onDidCloseTextDocument
    // can come minutes later, when VS Code drops the document).
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.closed) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        if (!uri) continue;
        const stillOpen = vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));
        if (!stillOpen) runs.stopAllOf(uri.toString(), 'its file was closed');
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kafkaWorkbench.kafkaFile.fakerLocale')) applyFakerLocale();
    }),
    registerCommand(KAFKA_FILE_COMMANDS.produce, 'Produce record', produce),
    registerCommand(KAFKA_FILE_COMMANDS.produceMany, 'Produce records', async (uriArg?: unknown, line?: unknown) => {
      const text = await vscode.window.showInputBox({
        title: 'How many records?',
        value: '100',
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1_000_000 ? undefined : 'A whole number from 1 to 1000000.'),
      });
      if (!text) return undefined;
      return produce(uriArg, line, Number(text));
    }),
    registerCommand(KAFKA_FILE_COMMANDS.startScheduled, 'Start scheduled producer', async (uriArg?: unknown, line?: unknown) => {
      const document = await documentOf(uriArg);
      const { key, checked, block } = blockOf(document, line, 'producer');
      const def = checked.definition as ProducerDefinition;
      if (def.everyMs === undefined) throw new KafkaWorkbenchError('This producer has no "every:" interval: add e.g. "every: 5s".', 'invalid-input');
      const index = modelOf(document).blocks.findIndex((b) => b.key === key);
      const lookup = () => {
        const current = modelOf(document).blocks.find((b) => b.key === key) ?? modelOf(document).blocks[index];
        if (!current || current.block.kind !== 'producer') return { problem: `the PRODUCER "${block.label}" is gone from the file` };
        if (!current.checked.definition) return { problem: 'the block has a problem (see the Problems view)' };
        return { definition: current.checked.definition as ProducerDefinition };
      };
      await runs.startScheduled(key, document.uri, await connectionOf(document.uri), def.everyMs, lookup);
      return true;
    }),
    registerCommand(KAFKA_FILE_COMMANDS.stopScheduled, 'Stop scheduled producer', async (uriArg?: unknown, line?: unknown) => {
      const document = await documentOf(uriArg);
      const found = checkedBlockAt(document, typeof line === 'number' ? line : 0);
      if (found) runs.stopScheduled(found.key, 'stopped from the file');
      return true;
    }),
    registerCommand(KAFKA_FILE_COMMANDS.startConsumer, 'Start consumer', startConsumer),
    registerCommand(KAFKA_FILE_COMMANDS.stopConsumer, 'Stop consumer', async (uriArg?: unknown, line?: unknown) => {
      const document = await documentOf(uriArg);
      const found = checkedBlockAt(document, typeof line === 'number' ? line : 0);
      if (found) await runs.stopConsumer(found.key);
      return true;
    }),
    registerCommand(KAFKA_FILE_COMMANDS.selectConnection, 'Select connection for the .kafka file', async (uriArg?: unknown, name?: unknown) => {
      const uri = asUri(uriArg);
      if (!uri) throw new KafkaWorkbenchError('Open a .kafka file first.', 'invalid-input');
      if (typeof name === 'string') {
        await connections.choose(uri, name);
        return name;
      }
      return connections.pick(uri);
    }),
    // Every record's report is in the Delivery Reports view (the produce command files them there).
    registerCommand(KAFKA_FILE_COMMANDS.showResult, 'Show delivery report', async () => {
      await vscode.commands.executeCommand('kafkaWorkbench.deliveryReports.focus');
    }),
    // The produce form's "Save as .kafka" for scripts and tests: form values, and the file to add the block to.
    registerCommand(KAFKA_FILE_COMMANDS.saveForm, 'Save as .kafka', async (values: ProduceFormValues, target?: unknown) => saveFormAsKafka(values, target === undefined ? undefined : asUri(target))),
    registerCommand(KAFKA_FILE_COMMANDS.runAtCursor, 'Run the block at the cursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== KAFKA_LANGUAGE) throw new KafkaWorkbenchError('Put the cursor in a PRODUCER or CONSUMER block of a .kafka file.', 'invalid-input');
      const line = editor.selection.active.line;
      const found = checkedBlockAt(editor.document, line);
      if (!found) throw new KafkaWorkbenchError('The cursor is not in a PRODUCER or CONSUMER block.', 'invalid-input');
      return found.block.kind === 'producer' ? produce(editor.document.uri, line) : startConsumer(editor.document.uri, line);
    }),
  ];
}
