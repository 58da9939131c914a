/**
 * Diagnostics for .proto files (syntax errors at their line and column, imports that are not in
 * the workspace, types that do not resolve) and JSON Schema files (`*.schema.json`: JSON syntax at
 * line and column, what the meta-schema refuses, `$ref`s to missing files), like the .avsc ones.
 */
import * as vscode from 'vscode';
import { JsonSchemaError } from '../../core/jsonschema/schema';
import { ProtoSchemaError } from '../../core/protobuf/schema';
import { loadJsonSchemaFile, loadProtoFile } from '../produce/schemaFormatValue';

export function isProtoFile(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.proto');
}

export function isJsonSchemaFile(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.schema.json');
}

function at(document: vscode.TextDocument, line?: number, column?: number): vscode.Range {
  if (!line) return new vscode.Range(0, 0, 0, 1);
  const l = Math.min(document.lineCount - 1, Math.max(0, line - 1));
  const c = Math.max(0, (column ?? 1) - 1);
  return document.getWordRangeAtPosition(new vscode.Position(l, c), /"[^"]*"|[^\s,:;{}[\]()]+/) ?? new vscode.Range(l, c, l, c + 1);
}

/**
 * The problems of a saved .proto or JSON Schema file (imports and $refs are read from disk, so
 * the check runs on open and save rather than on every keystroke).
 */
export async function schemaFileDiagnostics(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  try {
    if (isProtoFile(document.uri)) await loadProtoFile(document.uri.fsPath);
    else await loadJsonSchemaFile(document.uri.fsPath);
    return [];
  } catch (e) {
    let range = new vscode.Range(0, 0, 0, 1);
    let message = (e as Error).message;
    if (e instanceof ProtoSchemaError) {
      const own = !e.file || document.uri.path.endsWith(e.file);
      if (own) range = at(document, e.line, e.column);
      message = message.replace(/ \(line \d+, column \d+\)$/, '');
    } else if (e instanceof JsonSchemaError) {
      range = at(document, e.position?.line, e.position?.column);
      message = message.replace(/ \(line \d+, column \d+\)$/, '');
    }
    const d = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
    d.source = isProtoFile(document.uri) ? 'Protobuf' : 'JSON Schema';
    return [d];
  }
}

export function registerSchemaFileDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('kafka-schema-files');
  const check = (document: vscode.TextDocument) => {
    if (document.uri.scheme !== 'file' || !(isProtoFile(document.uri) || isJsonSchemaFile(document.uri))) return;
    void schemaFileDiagnostics(document).then((ds) => collection.set(document.uri, ds));
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidSaveTextDocument(check),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
  );
}
