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
import type { ConnectionManager } from '../connections/connectionManager';
import { loadJsonSchemaFile, loadProtoFile } from '../produce/schemaFormatValue';
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

/** The request with Protobuf / JSON Schema deserializers bound to the connection's registry and the chosen files. */
export async function withSchemaFormatDeserializers(manager: ConnectionManager, request: ConsumeRequest, options: SchemaFormatConsumeOptions = {}): Promise<ConsumeRequest> {
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
