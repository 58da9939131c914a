/**
 * "Compare Schema Versions": two versions of a subject side by side in VS Code's diff editor
 * (both read-only kafka-schema: documents), for any schema type.
 */
import * as vscode from 'vscode';
import type { SchemaType } from '../../core/avro/registry';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { schemaUri } from './schemaDocuments';

export interface DiffArg {
  connectionName: string;
  subject: string;
  /** Both optional: by default the latest version and the one before it (or the node's version against the latest). */
  left?: number;
  right?: number;
  version?: number;
  /** Ask which two versions (a multi-select quick pick) instead of the latest two. */
  pick?: boolean;
}

const EXT: Record<SchemaType, 'avsc' | 'proto' | 'json'> = { AVRO: 'avsc', PROTOBUF: 'proto', JSON: 'json' };

export function diffSchemaVersionsCommand(manager: ConnectionManager): vscode.Disposable {
  return registerCommand('kafkaWorkbench.diffSchemaVersions', 'Compare Schema Versions', async (arg?: DiffArg): Promise<{ left: string; right: string } | undefined> => {
    if (!arg?.subject) throw new Error('Run "Compare Schema Versions" on a subject or a version in the Schema Registry tree.');
    const registry = await manager.registry(arg.connectionName);
    if (!registry) throw new Error(`"${arg.connectionName}" has no Schema Registry.`);
    const versions = (await registry.listVersions(arg.subject)).sort((a, b) => a - b);
    if (versions.length < 2) {
      void vscode.window.showInformationMessage(`Subject "${arg.subject}" has only one version: there is nothing to compare.`);
      return undefined;
    }
    let left = arg.left;
    let right = arg.right;
    if (left === undefined || right === undefined) {
      const latest = versions[versions.length - 1];
      if (arg.version !== undefined) {
        // On a version: it against the latest, or, on the latest, against the one before.
        left = arg.version;
        right = latest === arg.version ? versions[versions.length - 2] : latest;
      } else if (arg.pick) {
        const pick = await vscode.window.showQuickPick(
          versions.map((v) => ({ label: `version ${v}`, v })).reverse(),
          { title: `Compare Schema Versions of ${arg.subject}: pick two`, canPickMany: true },
        );
        if (!pick || pick.length !== 2) return undefined;
        [left, right] = pick.map((p) => p.v);
      } else {
        // On a subject: what its latest version changed.
        left = versions[versions.length - 2];
        right = latest;
      }
    }
    const [l, r] = [Math.min(left, right), Math.max(left, right)];
    const type = (await registry.getVersion(arg.subject, r)).schemaType;
    const leftUri = schemaUri(arg.connectionName, arg.subject, l, EXT[type]);
    const rightUri = schemaUri(arg.connectionName, arg.subject, r, EXT[type]);
    await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, `${arg.subject}: version ${l} ↔ ${r}`, { preview: true });
    return { left: leftUri.toString(), right: rightUri.toString() };
  });
}
