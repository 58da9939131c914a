/**
 * Protobuf and JSON Schema keys and values in the consume viewer: wire-format records by the
 * connection's Schema Registry (schema id, references, message indexes), raw Protobuf by a
 * workspace .proto and message, plain JSON checked against a workspace schema. Scripts pass
 * `protobuf`/`keyProtobuf` and `jsonSchema`/`keyJsonSchema`; without them the registry alone is used.
 */
import { jsonSchemaDeserializer, JSON_SCHEMA_DESERIALIZER } from '../../core/consume/jsonSchemaDeserializer';
import { protobufDeserializer, PROTOBUF_DESERIALIZER } from '../../core/consume/protobufDeserializer';
import { registerDeserializer, type Deserializer } from '../../core/consume/deserializers';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { messageType, ProtoSchemaError } from '../../core/protobuf/schema';
import { JsonSchemaError } from '../../core/jsonschema/schema';
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { pickSchemaFile } from '../produce/avroValue';
import { loadJsonSchemaFile, loadProtoFile, type JsonSchemaValueChoice, type ProtobufValueChoice } from '../produce/schemaFormatValue';
import type { ConsumeRequest } from './consumeViewer';

export interface ProtobufConsumeChoice {
  /** The .proto of raw records (absolute, or relative to the first workspace folder). */
  schemaFile?: string;
  /** Its message; optional when the file declares one. */
  messageType?: string;
}

export interface JsonSchemaConsumeChoice {
  /** A workspace schema plain JSON records are checked against. */
  schemaFile?: string;
}

export interface SchemaFormatConsumeOptions {
  protobuf?: ProtobufConsumeChoice;
  keyProtobuf?: ProtobufConsumeChoice;
  jsonSchema?: JsonSchemaConsumeChoice;
  keyJsonSchema?: JsonSchemaConsumeChoice;
}

/** Lists Protobuf and JSON Schema among the deserializers (each viewer gets its own bound instance). */
export function registerSchemaFormatDeserializers(): void {
  registerDeserializer(protobufDeserializer());
  registerDeserializer(jsonSchemaDeserializer());
}

async function build(manager: ConnectionManager, connection: string, format: string, pb: ProtobufConsumeChoice | undefined, js: JsonSchemaConsumeChoice | undefined): Promise<{ deserializer: Deserializer; description: string }> {
  const registry = await manager.registry(connection);
  const where = registry ? 'registry' : 'no registry';
  try {
    if (format === PROTOBUF_DESERIALIZER) {
      if (!pb?.schemaFile) return { deserializer: protobufDeserializer({ registry }), description: `protobuf (${where})` };
      const schema = await loadProtoFile(pb.schemaFile);
      const name = pb.messageType ?? (schema.messageTypes.length === 1 ? schema.messageTypes[0] : undefined);
      if (!name) throw new KafkaWorkbenchError(`${schema.main.name} declares ${schema.messageTypes.join(', ')}: choose the message type of the records (protobuf.messageType).`, 'invalid-input');
      const type = messageType(schema, name);
      return { deserializer: protobufDeserializer({ registry, local: { schema, type } }), description: `protobuf (${where}, ${schema.main.name} ${name})` };
    }
    if (!js?.schemaFile) return { deserializer: jsonSchemaDeserializer({ registry }), description: `jsonschema (${where})` };
    const local = await loadJsonSchemaFile(js.schemaFile);
    return { deserializer: jsonSchemaDeserializer({ registry, local }), description: `jsonschema (${where}, ${local.bundle.file})` };
  } catch (e) {
    if (e instanceof ProtoSchemaError || e instanceof JsonSchemaError) throw new KafkaWorkbenchError(e.message, 'invalid-input');
    throw e;
  }
}

/** The request with Protobuf / JSON Schema deserializers bound to the connection's registry and the chosen files (the request's own choices by default). */
export async function withSchemaFormatDeserializers(manager: ConnectionManager, request: ConsumeRequest, options: SchemaFormatConsumeOptions = request.schemaFormats ?? {}): Promise<ConsumeRequest> {
  let out = request;
  const ours = (f: string) => f === PROTOBUF_DESERIALIZER || f === JSON_SCHEMA_DESERIALIZER;
  if (ours(request.keyFormat)) {
    const d = await build(manager, request.connectionName, request.keyFormat, options.keyProtobuf, options.keyJsonSchema);
    out = { ...out, keyDeserializer: d.deserializer, keyDescription: d.description };
  }
  if (ours(request.valueFormat)) {
    const d = await build(manager, request.connectionName, request.valueFormat, options.protobuf, options.jsonSchema);
    out = { ...out, valueDeserializer: d.deserializer, valueDescription: d.description };
  }
  return out;
}

/**
 * How "Produce similar" produces a key or value this viewer decoded as Protobuf or JSON Schema:
 * with the viewer's workspace file raw (plain JSON), otherwise in the wire format with the latest
 * schema of the topic's subject (TopicNameStrategy, as Avro does). Undefined for other formats.
 */
export function schemaProduceChoiceFor(request: ConsumeRequest, role: 'key' | 'value'): { protobuf?: ProtobufValueChoice; jsonSchema?: JsonSchemaValueChoice } {
  const format = role === 'key' ? request.keyFormat : request.valueFormat;
  const chosen = request.schemaFormats ?? {};
  const subject = `${request.topic}-${role}`;
  if (format === PROTOBUF_DESERIALIZER) {
    const pb = role === 'key' ? chosen.keyProtobuf : chosen.protobuf;
    return { protobuf: pb?.schemaFile ? { schemaFile: pb.schemaFile, messageType: pb.messageType, encoding: 'raw' } : { subject, encoding: 'confluent' } };
  }
  if (format === JSON_SCHEMA_DESERIALIZER) {
    const js = role === 'key' ? chosen.keyJsonSchema : chosen.jsonSchema;
    return { jsonSchema: js?.schemaFile ? { schemaFile: js.schemaFile, encoding: 'plain' } : { subject, encoding: 'confluent' } };
  }
  return {};
}

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * Quick picks for a Protobuf or JSON Schema key or value in "Consume from Offset": the registry
 * alone (wire-format records name their schema), or a workspace file (and, for Protobuf, its
 * message) for raw records. Undefined when the user cancels.
 */
export async function chooseSchemaFormatFile(format: string, hasRegistry: boolean, role: 'key' | 'value'): Promise<ProtobufConsumeChoice | JsonSchemaConsumeChoice | undefined> {
  const proto = format === PROTOBUF_DESERIALIZER;
  const what = proto ? 'Protobuf' : 'JSON Schema';
  const kind = await vscode.window.showQuickPick<Item<'registry' | 'file'>>(
    [
      {
        label: hasRegistry ? 'Schema Registry only' : 'No schema file',
        description: hasRegistry ? 'Confluent wire-format records, by their schema id' : 'this connection has no Schema Registry: wire-format records will show raw',
        value: 'registry',
      },
      { label: proto ? 'Workspace .proto…' : 'Workspace JSON Schema…', description: proto ? 'the message of raw protobuf records (wire-format ones still use the registry)' : 'plain JSON records are checked against it', value: 'file' },
    ],
    { title: `Consume from Offset: ${what} ${role} schema`, ignoreFocusOut: true },
  );
  if (!kind) return undefined;
  if (kind.value === 'registry') return {};
  const file = await pickSchemaFile(`Consume from Offset: ${role} ${what} schema`, format);
  if (!file) return undefined;
  if (!proto) return { schemaFile: file.fsPath };
  let types: string[];
  try {
    types = (await loadProtoFile(file.fsPath)).messageTypes;
  } catch (e) {
    throw new KafkaWorkbenchError((e as Error).message, 'invalid-input');
  }
  if (types.length <= 1) return { schemaFile: file.fsPath, messageType: types[0] };
  const messageType = await vscode.window.showQuickPick(types, { title: `Consume from Offset: the ${role}'s message in ${vscode.workspace.asRelativePath(file)}`, ignoreFocusOut: true });
  return messageType ? { schemaFile: file.fsPath, messageType } : undefined;
}
