import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FormatChoice } from '../../core/kafkaFile/definitions';
import type { KeyFormat } from '../../core/produce/serializers';
import type { AvroValueChoice } from '../produce/avroValue';
import type { AvroConsumeChoice } from '../consume/avroConsume';
import type { JsonSchemaConsumeChoice, ProtobufConsumeChoice } from '../consume/schemaFormatsConsume';
import type { JsonSchemaValueChoice, ProtobufValueChoice } from '../produce/schemaFormatValue';

/**
 * Where `avro(<path>)` points, by the rules Tools for Apache Kafka documents: a `file:///` URI as
 * is, a path starting with `/` relative to the .kafka file's folder, anything else relative to the
 * file's workspace folder (or its own folder outside a workspace).
 */
export function schemaPath(document: vscode.Uri, file: string): string {
  if (file.startsWith('file://')) return vscode.Uri.parse(file).fsPath;
  const here = path.dirname(document.fsPath);
  if (file.startsWith('/')) return path.join(here, file);
  const folder = vscode.workspace.getWorkspaceFolder(document)?.uri.fsPath ?? here;
  return path.join(folder, file);
}

/** The produce command's format and schema choice for a `.kafka` format. */
export function produceFormat(document: vscode.Uri, f: FormatChoice): { format: KeyFormat; avro?: AvroValueChoice; protobuf?: ProtobufValueChoice; jsonSchema?: JsonSchemaValueChoice } {
  switch (f.kind) {
    case 'avro':
      return { format: 'avro', avro: f.subject ? { subject: f.subject, encoding: 'confluent' } : { schemaFile: schemaPath(document, f.schemaFile ?? ''), encoding: 'raw' } };
    // As with Avro: a subject is the wire format with its id, a file raw protobuf / plain JSON.
    case 'protobuf':
      return { format: 'protobuf', protobuf: f.subject ? { subject: f.subject, messageType: f.messageType } : { schemaFile: schemaPath(document, f.schemaFile ?? ''), messageType: f.messageType } };
    case 'jsonschema':
      return { format: 'jsonschema', jsonSchema: f.subject ? { subject: f.subject } : { schemaFile: schemaPath(document, f.schemaFile ?? '') } };
    case 'string':
      return { format: f.encoding ? (`string(${f.encoding})` as KeyFormat) : 'string' };
    default:
      return { format: f.kind };
  }
}

/** The consume command's deserializer name and schema choice for a `.kafka` format. */
export function consumeFormat(document: vscode.Uri, f: FormatChoice): { format: string; avro?: AvroConsumeChoice; protobuf?: ProtobufConsumeChoice; jsonSchema?: JsonSchemaConsumeChoice } {
  switch (f.kind) {
    case 'avro':
      return { format: 'avro', avro: f.schemaFile ? { writerSchemaFile: schemaPath(document, f.schemaFile) } : {} };
    case 'protobuf':
      return { format: 'protobuf', protobuf: f.schemaFile ? { schemaFile: schemaPath(document, f.schemaFile), messageType: f.messageType } : undefined };
    case 'jsonschema':
      return { format: 'jsonschema', jsonSchema: f.schemaFile ? { schemaFile: schemaPath(document, f.schemaFile) } : undefined };
    case 'string':
      return { format: !f.encoding ? 'string' : f.encoding === 'hex' ? 'hex' : f.encoding === 'base64' ? 'base64' : `string(${f.encoding})` };
    default:
      return { format: f.kind };
  }
}
