import * as vscode from 'vscode';
import { looksLikeDescriptor } from '../../core/protobuf/descriptorSchema';
import type { ConnectionManager } from '../connections/connectionManager';

export const SCHEMA_SCHEME = 'kafka-schema';

/**
 * kafka-schema:/<connection>/<subject>/v<version>.avsc (.proto, .json for the other schema types),
 * a read-only view of a registered schema; the extension picks the editor's language.
 */
export function schemaUri(connectionName: string, subject: string, version: number, ext: 'avsc' | 'proto' | 'json' = 'avsc'): vscode.Uri {
  return vscode.Uri.from({
    scheme: SCHEMA_SCHEME,
    path: `/${encodeURIComponent(connectionName)}/${encodeURIComponent(subject)}/v${version}.${ext}`,
  });
}

/** Serves registered schemas, pretty-printed, from the connection's Schema Registry. */
export class SchemaDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly manager: ConnectionManager) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, connection, subject, file] = uri.path.split('/');
    const version = Number(/^v(\d+)\.(?:avsc|proto|json)$/.exec(file ?? '')?.[1]);
    const registry = await this.manager.registry(decodeURIComponent(connection));
    if (!registry) return `// The connection "${decodeURIComponent(connection)}" has no Schema Registry configured.`;
    const found = await registry.getVersion(decodeURIComponent(subject), version);
    // A Protobuf schema registered by Confluent's serializers is a base64 descriptor: say what it is.
    if (found.schemaType === 'PROTOBUF' && looksLikeDescriptor(found.schema)) return `// A FileDescriptorProto (base64), as Confluent's serializers register it:\n${found.schema}\n`;
    try {
      return `${JSON.stringify(JSON.parse(found.schema), null, 2)}\n`;
    } catch {
      return found.schema;
    }
  }
}
