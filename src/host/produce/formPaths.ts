// Which files the Produce form may make the host read. The form's path fields are text the webview
// posts back, so a forged or mistyped message could name any file (~/.ssh/id_rsa sent to a topic).
// The host reads a records file only when it handed that path to the form itself (its file picker,
// or the values it opened or pre-filled the form with), and a schema only from a workspace
// schema file (`.avsc`, `.proto`, `.json`) (what the schema picker offers) or one the host put into the form.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { avroField, type AvroRole, type FieldErrors, type ProduceFormValues } from '../../../webview/src/produce/protocol';
import { resolveSchemaPath, SCHEMA_FILE_KINDS } from './avroValue';

export class FormPaths {
  private readonly recordFiles = new Set<string>();
  private readonly schemaFiles = new Set<string>();

  /** Remembers the files of values the host itself put into the form. */
  offer(values: ProduceFormValues): void {
    this.picked('records', values.recordsFile);
    this.picked('schema', values.avroSchemaFile);
    this.picked('schema', values.keyAvroSchemaFile);
  }

  /** Remembers a file the host's picker returned. */
  picked(kind: 'records' | 'schema', file: string | undefined): void {
    if (file?.trim()) (kind === 'records' ? this.recordFiles : this.schemaFiles).add(file.trim());
  }

  /** The path fields the host would read that it did not hand out, each with what to do instead; undefined when none. */
  refused(values: ProduceFormValues): FieldErrors | undefined {
    const errors: FieldErrors = {};
    const records = values.recordsFile.trim();
    if (values.source === 'file' && records && !this.recordFiles.has(records)) {
      errors.recordsFile = `Choose the records file with the folder button: the form reads only files chosen there (not "${records.slice(0, 200)}").`;
    }
    for (const role of ['key', 'value'] as AvroRole[]) {
      const format = role === 'key' ? values.keyFormat : values.valueFormat;
      const file = values[avroField(role, 'SchemaFile')].trim();
      const kind = SCHEMA_FILE_KINDS[format];
      if (!kind || values[avroField(role, 'Source')] !== 'file' || !file || this.schemaFiles.has(file) || workspaceSchema(file, kind.extensions)) continue;
      errors[avroField(role, 'SchemaFile')] = `The ${role} schema must be a .${kind.extensions.join('/.')} file in the workspace: choose it with the folder button.`;
    }
    return Object.keys(errors).length ? errors : undefined;
  }
}

function workspaceSchema(file: string, extensions: string[]): boolean {
  if (!extensions.includes(path.extname(file).toLowerCase().slice(1))) return false;
  const resolved = path.resolve(resolveSchemaPath(file));
  return (vscode.workspace.workspaceFolders ?? []).some((f) => {
    const rel = path.relative(f.uri.fsPath, resolved);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}
