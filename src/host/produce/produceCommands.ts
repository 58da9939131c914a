import * as vscode from 'vscode';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { exampleAvroJson, loadAvroSchema, pickSchemaFile } from './avroValue';
import { DeliveryReportStore, DeliveryReportsView } from './deliveryReports';
import { formValuesFor } from './produceForm';
import { ProducePanel } from './producePanel';
import { isProduceCommandSpec, runProduceSpec, type ProduceCommandResult } from './produceRunner';

/**
 * "Kafka: Produce Message". Its argument may be nothing (the form, on the active connection), a
 * tree node or TopicTarget (the form, pre-filled), a ProducePrefill ("Produce similar"), or a
 * full ProduceCommandSpec with `send: true`, which sends without the form and returns the reports.
 */
export function registerProduceCommands(extensionUri: vscode.Uri, manager: ConnectionManager): vscode.Disposable[] {
  const store = new DeliveryReportStore();
  const view = new DeliveryReportsView(store);
  const reports = { store, view };
  return [
    store,
    view,
    registerCommand('kafkaWorkbench.produceMessage', 'Produce Message', async (arg?: unknown): Promise<ProduceCommandResult | undefined> => {
      if (isProduceCommandSpec(arg)) return runProduceSpec(manager, arg, store);
      const profiles = manager.profiles();
      if (profiles.length === 0) throw new KafkaWorkbenchError('There is no Kafka connection yet: add one with "Kafka: Add Connection" first.', 'invalid-input');
      const fallback = manager.activeConnection() ?? (profiles.length === 1 ? profiles[0].name : '');
      ProducePanel.show(extensionUri, manager, reports, formValuesFor(arg, fallback));
      return undefined;
    }),
    // From an .avsc's editor title or explorer menu: the form with Avro selected and that schema,
    // and a value skeleton that already matches it.
    registerCommand('kafkaWorkbench.produceWithSchema', 'Produce with this Schema', async (arg?: vscode.Uri): Promise<void> => {
      const active = vscode.window.activeTextEditor?.document.uri;
      const file = arg instanceof vscode.Uri ? arg : active?.path.endsWith('.avsc') ? active : await pickSchemaFile('Schema of the value');
      if (!file) return;
      const profiles = manager.profiles();
      if (profiles.length === 0) throw new KafkaWorkbenchError('There is no Kafka connection yet: add one with "Kafka: Add Connection" first.', 'invalid-input');
      const connection = manager.activeConnection() ?? (profiles.length === 1 ? profiles[0].name : '');
      const values = formValuesFor(undefined, connection);
      values.valueFormat = 'avro';
      values.avroSource = 'file';
      values.avroSchemaFile = vscode.workspace.asRelativePath(file);
      // A broken schema still opens the form: the check beside the value says what is wrong.
      const loaded = await loadAvroSchema(manager, connection, { schemaFile: file.fsPath }).catch(() => undefined);
      if (loaded) values.value = exampleAvroJson(loaded.schema);
      ProducePanel.show(extensionUri, manager, reports, values);
    }),
  ];
}
