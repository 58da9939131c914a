import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';

export const SCHEMA_SCHEME = 'kafka-schema';

/** kafka-schema:/<connection>/<subject>/v<version>.avsc, a read-only view of a registered schema. */
export function schemaUri(connectionName: string, subject: string, version: number): vscode.Uri {
  return vscode.Uri.from({
    scheme: SCHEMA_SCHEME,
    path: `/${encodeURIComponent(connectionName)}/${encodeURIComponent(subject)}/v${version}.avsc`,
  });
}

/** Serves registered schemas, pretty-printed, from the connection's Schema Registry. */
export class SchemaDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly manager: ConnectionManager) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, connection, subject, file] = uri.path.split('/');
    const version = Number(/^v(\d+)\.avsc$/.exec(file ?? '')?.[1]);
    const registry = await this.manager.registry(decodeURIComponent(connection));
    if (!registry) return `// The connection "${decodeURIComponent(connection)}" has no Schema Registry configured.`;
    const found = await registry.getVersion(decodeURIComponent(subject), version);
    try {
      return `${JSON.stringify(JSON.parse(found.schema), null, 2)}\n`;
    } catch {
      return found.schema;
    }
  }
}
