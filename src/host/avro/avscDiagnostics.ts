import * as vscode from 'vscode';
import { AvroSchemaError, parseAvroSchema } from '../../core/avro/schema';

function isAvsc(document: vscode.TextDocument): boolean {
  return document.uri.path.endsWith('.avsc');
}

/** Problems of one .avsc text as diagnostics (none when it parses). */
export function avscDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  try {
    parseAvroSchema(document.getText());
    return [];
  } catch (e) {
    const error = e instanceof AvroSchemaError ? e : undefined;
    const line = Math.max(0, (error?.position?.line ?? 1) - 1);
    const column = Math.max(0, (error?.position?.column ?? 1) - 1);
    const range = error?.position
      ? document.getWordRangeAtPosition(new vscode.Position(line, column), /"[^"]*"|[^\s,:{}[\]]+/) ?? new vscode.Range(line, column, line, column + 1)
      : new vscode.Range(0, 0, 0, 1);
    const message = error ? `${error.reason}${error.path ? ` (at ${error.path})` : ''}` : (e as Error).message;
    const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'Avro schema';
    return [diagnostic];
  }
}

/** Keeps a diagnostic on every open .avsc document that does not parse as an Avro schema. */
export function registerAvscDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('avro-schema');
  const check = (document: vscode.TextDocument) => {
    if (isAvsc(document)) collection.set(document.uri, avscDiagnostics(document));
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
  );
}
