/**
 * Avro keys and values in the consume viewer (and Auto-detect's wire-format formats): the schemas a viewer reads with (the connection's Schema
 * Registry for wire-format records, a workspace .avsc as the writer of raw Avro, an optional reader
 * .avsc for schema evolution), chosen in quick picks or passed by scripts, loaded before the tail starts.
 */
import * as vscode from 'vscode';
import { AVRO_DESERIALIZER, avroDeserializer } from '../../core/consume/avroDeserializer';
import type { Deserializer } from '../../core/consume/deserializers';
import { jsonSchemaDeserializer } from '../../core/consume/jsonSchemaDeserializer';
import { protobufDeserializer } from '../../core/consume/protobufDeserializer';
import type { ConnectionManager } from '../connections/connectionManager';
import { loadAvroSchema, pickSchemaFile, type AvroValueChoice } from '../produce/avroValue';
import { AUTO_DESERIALIZER, autoDeserializer } from './autoFormat';
import type { ConsumeRequest } from './consumeViewer';

/** The consume command's `avro` (value) and `keyAvro` arguments (also remembered per topic). */
export interface AvroConsumeChoice {
  /** Writer schema of raw Avro records: absolute, or relative to the first workspace folder. */
  writerSchemaFile?: string;
  /** Read every record as this schema (schema evolution). */
  readerSchemaFile?: string;
}

/**
 * The request with an Avro deserializer, schemas loaded, for its key and value where their format
 * is Avro. Throws when a chosen file cannot be read or parsed.
 */
export async function withAvroDeserializers(manager: ConnectionManager, request: ConsumeRequest): Promise<ConsumeRequest> {
  let out = request;
  if (request.keyFormat === AUTO_DESERIALIZER || request.valueFormat === AUTO_DESERIALIZER) {
    // Auto-detect tries Avro on wire-format records only when the connection has a registry.
    const registry = await manager.registry(request.connectionName);
    // Each viewer gets its own deserializers (they keep the schemas they fetched).
    const auto = () =>
      autoDeserializer(registry ? { registry, byFormat: { avro: avroDeserializer({ registry }), protobuf: protobufDeserializer({ registry }), jsonschema: jsonSchemaDeserializer({ registry }) } } : undefined);
    const description = registry ? 'auto (JSON; Avro, Protobuf, JSON Schema by schema id; text, hex)' : 'auto (JSON, text, hex)';
    if (request.keyFormat === AUTO_DESERIALIZER) out = { ...out, keyDeserializer: auto(), keyDescription: description };
    if (request.valueFormat === AUTO_DESERIALIZER) out = { ...out, valueDeserializer: auto(), valueDescription: description };
  }
  if (request.keyFormat === AVRO_DESERIALIZER) {
    const avro = await avroConsumeDeserializer(manager, request.connectionName, request.keyAvro ?? {});
    out = { ...out, keyDeserializer: avro.deserializer, keyDescription: avro.description };
  }
  if (request.valueFormat === AVRO_DESERIALIZER) {
    const avro = await avroConsumeDeserializer(manager, request.connectionName, request.avro ?? {});
    out = { ...out, valueDeserializer: avro.deserializer, valueDescription: avro.description };
  }
  return out;
}

/** The deserializer for one viewer's key or value, with its schemas loaded. Throws when a chosen file cannot be read or parsed. */
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

/**
 * How "Produce similar" produces a key or value this viewer decoded as Avro: the decoded JSON has
 * the shape of the reader schema when there is one, else of the writer; raw Avro records are
 * written raw with that file, wire-format ones in the wire format under the topic's subject (or,
 * with a reader file, under that file's schema, looked up rather than registered: sending must
 * not register a schema behind the user's back). Undefined when the viewer does not read it as Avro.
 */
export function produceChoiceFor(request: ConsumeRequest, role: 'key' | 'value'): AvroValueChoice | undefined {
  if ((role === 'key' ? request.keyFormat : request.valueFormat) !== AVRO_DESERIALIZER) return undefined;
  const choice = (role === 'key' ? request.keyAvro : request.avro) ?? {};
  if (choice.writerSchemaFile) return { schemaFile: choice.readerSchemaFile ?? choice.writerSchemaFile, encoding: 'raw' };
  if (choice.readerSchemaFile) return { schemaFile: choice.readerSchemaFile, encoding: 'confluent', autoRegister: false };
  return { subject: `${request.topic}-${role}`, encoding: 'confluent' };
}

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

/** Quick picks for the key's or the value's writer and reader schemas; undefined when the user cancels. */
export async function chooseAvroSchemas(hasRegistry: boolean, role: 'key' | 'value' = 'value'): Promise<AvroConsumeChoice | undefined> {
  const writerKind = await vscode.window.showQuickPick<Item<'registry' | 'file'>>(
    [
      {
        label: hasRegistry ? 'Schema Registry only' : 'No writer schema',
        description: hasRegistry ? 'Confluent wire-format records, by their schema id' : 'this connection has no Schema Registry: wire-format records will show raw',
        value: 'registry',
      },
      { label: 'Workspace .avsc…', description: 'the writer schema of raw Avro records (wire-format ones still use the registry)', value: 'file' },
    ],
    { title: `Consume from Offset: Avro ${role} writer schema`, ignoreFocusOut: true },
  );
  if (!writerKind) return undefined;
  const choice: AvroConsumeChoice = {};
  if (writerKind.value === 'file') {
    const file = await pickSchemaFile(`Consume from Offset: ${role} writer schema`);
    if (!file) return undefined;
    choice.writerSchemaFile = file.fsPath;
  }
  const readerKind = await vscode.window.showQuickPick<Item<boolean>>(
    [
      { label: 'Read as written', description: 'each record with its writer schema', value: false },
      { label: 'Reader schema .avsc…', description: 'see schema evolution: added fields take defaults, removed ones disappear', value: true },
    ],
    { title: `Consume from Offset: Avro ${role} reader schema`, ignoreFocusOut: true },
  );
  if (!readerKind) return undefined;
  if (readerKind.value) {
    const file = await pickSchemaFile(`Consume from Offset: ${role} reader schema`);
    if (!file) return undefined;
    choice.readerSchemaFile = file.fsPath;
  }
  return choice;
}
