/**
 * Avro values in the consume viewer: the schemas a viewer reads with (the connection's Schema
 * Registry for wire-format records, a workspace .avsc as the writer of raw Avro, an optional reader
 * .avsc for schema evolution), chosen in quick picks or passed by scripts, loaded before the tail starts.
 */
import * as vscode from 'vscode';
import { avroDeserializer } from '../../core/consume/avroDeserializer';
import type { Deserializer } from '../../core/consume/deserializers';
import type { ConnectionManager } from '../connections/connectionManager';
import { loadAvroSchema, pickSchemaFile } from '../produce/avroValue';

/** The consume command's `avro` argument (also remembered per topic). */
export interface AvroConsumeChoice {
  /** Writer schema of raw Avro records: absolute, or relative to the first workspace folder. */
  writerSchemaFile?: string;
  /** Read every record as this schema (schema evolution). */
  readerSchemaFile?: string;
}

/** The deserializer for one viewer, with its schemas loaded. Throws when a chosen file cannot be read or parsed. */
export async function avroConsumeDeserializer(manager: ConnectionManager, connectionName: string, choice: AvroConsumeChoice): Promise<{ deserializer: Deserializer; description: string }> {
  const registry = await manager.registry(connectionName);
  const writer = choice.writerSchemaFile ? await loadAvroSchema(manager, connectionName, { schemaFile: choice.writerSchemaFile }) : undefined;
  const reader = choice.readerSchemaFile ? await loadAvroSchema(manager, connectionName, { schemaFile: choice.readerSchemaFile }) : undefined;
  const parts = [registry ? 'registry' : 'no registry', writer ? `writer ${writer.label}` : undefined, reader ? `reader ${reader.label}` : undefined].filter(Boolean);
  return {
    deserializer: avroDeserializer({ registry, writerSchema: writer?.schema, readerSchema: reader?.schema }),
    description: `avro (${parts.join(', ')})`,
  };
}

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

/** Quick picks for the writer and reader schemas; undefined when the user cancels. */
export async function chooseAvroSchemas(hasRegistry: boolean): Promise<AvroConsumeChoice | undefined> {
  const writerKind = await vscode.window.showQuickPick<Item<'registry' | 'file'>>(
    [
      {
        label: hasRegistry ? 'Schema Registry only' : 'No writer schema',
        description: hasRegistry ? 'Confluent wire-format records, by their schema id' : 'this connection has no Schema Registry: wire-format records will show raw',
        value: 'registry',
      },
      { label: 'Workspace .avsc…', description: 'the writer schema of raw Avro records (wire-format ones still use the registry)', value: 'file' },
    ],
    { title: 'Consume from Offset: Avro writer schema', ignoreFocusOut: true },
  );
  if (!writerKind) return undefined;
  const choice: AvroConsumeChoice = {};
  if (writerKind.value === 'file') {
    const file = await pickSchemaFile('Consume from Offset: writer schema');
    if (!file) return undefined;
    choice.writerSchemaFile = file.fsPath;
  }
  const readerKind = await vscode.window.showQuickPick<Item<boolean>>(
    [
      { label: 'Read as written', description: 'each record with its writer schema', value: false },
      { label: 'Reader schema .avsc…', description: 'see schema evolution: added fields take defaults, removed ones disappear', value: true },
    ],
    { title: 'Consume from Offset: Avro reader schema', ignoreFocusOut: true },
  );
  if (!readerKind) return undefined;
  if (readerKind.value) {
    const file = await pickSchemaFile('Consume from Offset: reader schema');
    if (!file) return undefined;
    choice.readerSchemaFile = file.fsPath;
  }
  return choice;
}
