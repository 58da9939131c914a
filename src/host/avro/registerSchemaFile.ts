/**
 * "Register Schema Version…" for .proto and JSON Schema files: the file's imports / `$ref` files
 * are registered first (each under its import path or ref name) and passed as references, then
 * the subject's compatibility with the file is checked before the file itself is registered.
 */
import * as vscode from 'vscode';
import { SchemaRegistryError, type SchemaReference, type SchemaType } from '../../core/avro/registry';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { resolveJsonSchemaId } from '../../core/jsonschema/serde';
import { JsonSchemaError, type CompiledJsonSchema } from '../../core/jsonschema/schema';
import { messageType, ProtoSchemaError, type ProtoSchema } from '../../core/protobuf/schema';
import { resolveProtoSchemaId } from '../../core/protobuf/serde';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { loadJsonSchemaFile, loadProtoFile } from '../produce/schemaFormatValue';

async function chooseConnection(manager: ConnectionManager, given?: string): Promise<string | undefined> {
  if (given) return given;
  const withRegistry = manager.profiles().filter((p) => p.schemaRegistry);
  if (withRegistry.length === 0) throw new KafkaWorkbenchError('No connection has a Schema Registry: add its URL with "Kafka: Edit Connection".', 'invalid-input');
  return withRegistry.length === 1 ? withRegistry[0].name : vscode.window.showQuickPick(withRegistry.map((p) => p.name), { title: 'Register in the Schema Registry of' });
}

export async function registerOtherSchemaFile(manager: ConnectionManager, file: vscode.Uri, connection?: string, givenSubject?: string): Promise<{ subject: string; id: number } | undefined> {
  const isProto = file.path.endsWith('.proto');
  const type: SchemaType = isProto ? 'PROTOBUF' : 'JSON';
  let proto: ProtoSchema | undefined;
  let json: CompiledJsonSchema | undefined;
  try {
    if (isProto) proto = await loadProtoFile(file.fsPath);
    else json = await loadJsonSchemaFile(file.fsPath);
  } catch (e) {
    if (e instanceof ProtoSchemaError || e instanceof JsonSchemaError) throw new KafkaWorkbenchError(`${e.message}. Fix the file (its problems are in the Problems view), then register again.`, 'invalid-input');
    throw e;
  }
  const connectionName = await chooseConnection(manager, connection);
  if (!connectionName) return undefined;
  const registry = await manager.registry(connectionName);
  if (!registry) throw new KafkaWorkbenchError(`"${connectionName}" has no Schema Registry: add its URL with "Kafka: Edit Connection".`, 'invalid-input');
  const subject =
    givenSubject ??
    (await vscode.window.showInputBox({
      title: 'Subject',
      prompt: 'TopicNameStrategy: <topic>-value or <topic>-key; RecordNameStrategy: the message\'s full name',
      validateInput: (v) => (v.trim() ? undefined : 'Enter a subject'),
    }));
  if (!subject) return undefined;
  const existing = await registry.listSubjects();
  const check = async (s: string, references: SchemaReference[]) => {
    if (!existing.includes(s)) return;
    const text = proto ? proto.main.text : json!.text;
    const compatibility = await registry.checkCompatibility(s, text, 'latest', type, references);
    if (!compatibility.compatible) {
      throw new KafkaWorkbenchError(
        `This schema is not compatible with the latest version of "${s}": ${compatibility.messages.join('; ') || 'the registry gave no reason'}. Change the schema, or change the subject's compatibility level.`,
        'invalid-input',
      );
    }
  };
  try {
    const r = proto
      ? await resolveProtoSchemaId({ registry, schema: proto, type: messageType(proto, proto.messageTypes[0] ?? ''), topic: '', subject, beforeRegister: check })
      : await resolveJsonSchemaId({ registry, schema: json!, topic: '', subject, beforeRegister: check });
    log().info(`registered ${vscode.workspace.asRelativePath(file)} (${type}) under "${subject}" in ${connectionName}'s registry: id ${r.schemaId}, ${r.references.length} reference(s)`);
    void vscode.window.showInformationMessage(`Registered under "${subject}" with schema id ${r.schemaId}${r.references.length ? ` (references: ${r.references.map((x) => x.name).join(', ')})` : ''}.`);
    void vscode.commands.executeCommand('kafkaWorkbench.refresh');
    return { subject, id: r.schemaId };
  } catch (e) {
    if (e instanceof SchemaRegistryError || e instanceof ProtoSchemaError) throw new KafkaWorkbenchError(e.message, 'invalid-input');
    throw e;
  }
}
