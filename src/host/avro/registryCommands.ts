import * as vscode from 'vscode';
import { SchemaRegistryError, subjectName } from '../../core/avro/registry';
import { AvroSchemaError, parseAvroSchema } from '../../core/avro/schema';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { SCHEMA_SCHEME, SchemaDocumentProvider } from './schemaDocuments';
import { diffSchemaVersionsCommand } from './schemaDiff';
import { registerSchemaFileDiagnostics } from './schemaFileDiagnostics';
import { registerOtherSchemaFile } from './registerSchemaFile';

/** What "Register Schema Version" may be given: a subject node, an .avsc URI, or everything (tests). */
type RegisterArg = { connectionName: string; subject?: string; file?: vscode.Uri | string } | vscode.Uri | undefined;

export interface RegisterResult {
  subject: string;
  id: number;
}

const SCHEMA_FILE = /\.(avsc|proto|schema\.json)$/;

async function pickAvscFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && SCHEMA_FILE.test(active.path)) return active;
  const found = await vscode.workspace.findFiles('**/*.{avsc,proto,schema.json}', '**/node_modules/**', 200);
  if (found.length > 0) {
    const pick = await vscode.window.showQuickPick(
      found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Schema file to register' },
    );
    return pick?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Schema (Avro, Protobuf, JSON Schema)': ['avsc', 'proto', 'json'] } });
  return chosen?.[0];
}

export function registerRegistryCommands(manager: ConnectionManager): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, new SchemaDocumentProvider(manager)),
    registerSchemaFileDiagnostics(),
    diffSchemaVersionsCommand(manager),

    registerCommand('kafkaWorkbench.registerSchema', 'Register Schema Version', async (arg?: RegisterArg): Promise<RegisterResult | undefined> => {
      const given = arg instanceof vscode.Uri ? { file: arg } : arg;
      const fileArg = given?.file;
      const file = typeof fileArg === 'string' ? vscode.Uri.file(fileArg) : fileArg ?? (await pickAvscFile());
      if (!file) return undefined;
      // Protobuf and JSON Schema files: their imports/$refs go in as references (registerSchemaFile.ts).
      if (!file.path.endsWith('.avsc')) return registerOtherSchemaFile(manager, file, given && 'connectionName' in given ? given.connectionName : undefined, given && 'subject' in given ? given.subject : undefined);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      let schema;
      try {
        schema = parseAvroSchema(text, vscode.workspace.asRelativePath(file));
      } catch (e) {
        if (e instanceof AvroSchemaError) throw new KafkaWorkbenchError(`${e.message}. Fix the file (its problems are listed in the Problems view), then register again.`, 'invalid-input');
        throw e;
      }
      let connectionName = given && 'connectionName' in given ? given.connectionName : undefined;
      if (!connectionName) {
        const withRegistry = manager.profiles().filter((p) => p.schemaRegistry);
        if (withRegistry.length === 0) {
          throw new KafkaWorkbenchError('No connection has a Schema Registry: add its URL with "Kafka: Edit Connection".', 'invalid-input');
        }
        connectionName =
          withRegistry.length === 1
            ? withRegistry[0].name
            : (await vscode.window.showQuickPick(withRegistry.map((p) => p.name), { title: 'Register in the Schema Registry of' }));
        if (!connectionName) return undefined;
      }
      const registry = await manager.registry(connectionName);
      if (!registry) throw new KafkaWorkbenchError(`"${connectionName}" has no Schema Registry: add its URL with "Kafka: Edit Connection".`, 'invalid-input');
      const subject =
        given && 'subject' in given && given.subject
          ? given.subject
          : await vscode.window.showInputBox({
              title: 'Subject',
              prompt: 'TopicNameStrategy: <topic>-value or <topic>-key; RecordNameStrategy: the record\'s full name',
              value: schema.name ? subjectName('TopicNameStrategy', schema.name.split('.').pop() ?? schema.name, false) : '',
              validateInput: (v) => (v.trim() ? undefined : 'Enter a subject'),
            });
      if (!subject) return undefined;
      const existing = await registry.listSubjects();
      if (existing.includes(subject)) {
        const compatibility = await registry.checkCompatibility(subject, schema.text);
        if (!compatibility.compatible) {
          throw new KafkaWorkbenchError(
            `This schema is not compatible with the latest version of "${subject}": ${compatibility.messages.join('; ') || 'the registry gave no reason'}. ` +
              'Change the schema (e.g. give new fields defaults), or change the subject\'s compatibility level.',
            'invalid-input',
          );
        }
      }
      try {
        const id = await registry.register(subject, schema.text);
        log().info(`registered ${vscode.workspace.asRelativePath(file)} under "${subject}" in ${connectionName}'s registry: id ${id}`);
        void vscode.window.showInformationMessage(`Registered under "${subject}" with schema id ${id}.`);
        void vscode.commands.executeCommand('kafkaWorkbench.refresh');
        return { subject, id };
      } catch (e) {
        if (e instanceof SchemaRegistryError) throw new KafkaWorkbenchError(e.message, 'invalid-input');
        throw e;
      }
    }),
  ];
}
