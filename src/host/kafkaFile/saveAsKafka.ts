/**
 * "Save as .kafka": a PRODUCER block written from the produce form or from a record in the viewer,
 * appended to a .kafka file the user picks (an open one, one in the workspace, or a new file), then
 * shown with its CodeLenses so it runs again with one click.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decode, deserializer } from '../../core/consume/deserializers';
import type { TailRecord } from '../../core/consume/tailRecord';
import type { KafkaClient } from '../../core/kafka/client';
import { fetchRecord } from '../../core/kafka/recordFetch';
import type { FormatChoice } from '../../core/kafkaFile/definitions';
import { blockSettingsForRecord, type RecordPartInput } from '../../core/kafkaFile/fromRecord';
import { appendBlock, writeProducerBlock } from '../../core/kafkaFile/writer';
import type { ProduceFormValues } from '../../../webview/src/produce/protocol';
import { produceChoiceFor } from '../consume/avroConsume';
import type { ConsumeRequest } from '../consume/consumeViewer';
import { log } from '../log';
import { blockSettingsFromForm } from './fromForm';

export interface SavedBlock {
  uri: vscode.Uri;
  /** 0-based line of the PRODUCER header. */
  line: number;
  notes: string[];
}

/** Where the block goes: `target` when given (scripts, tests), else a quick pick of .kafka files and "New .kafka file…". */
async function chooseTarget(suggested: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (target) return target;
  const open = vscode.workspace.textDocuments.filter((d) => d.languageId === 'kafka' && !d.isClosed).map((d) => d.uri);
  const found = await vscode.workspace.findFiles('**/*.kafka', '**/node_modules/**', 50);
  const uris = [...new Map([...open, ...found].map((u) => [u.toString(), u])).values()];
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = [
    { label: '$(new-file) New .kafka file…', description: suggested, alwaysShow: true },
    ...uris.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Save as .kafka: add the PRODUCER block to…', placeHolder: 'A .kafka file (the block is added at its end)' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({ title: 'New .kafka file', defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined, filters: { 'Kafka file': ['kafka'] } });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Appends `block` to the file (created when missing), saves it and shows the block. */
async function appendToFile(uri: vscode.Uri, block: string): Promise<number> {
  let document: vscode.TextDocument;
  if (await exists(uri)) {
    document = await vscode.workspace.openTextDocument(uri);
  } else {
    await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    document = await vscode.workspace.openTextDocument(uri);
  }
  const before = document.getText();
  const after = appendBlock(before, block);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(before.length)), after);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${vscode.workspace.asRelativePath(uri)}.`);
  // Left unsaved (and said so) rather than lost when the save does not go through.
  if (!(await document.save())) log().warn(`Save as .kafka: the block was added to ${vscode.workspace.asRelativePath(uri)}, but the file could not be saved: save it yourself.`);
  const line = document.positionAt(after.length - block.length).line + block.split('\n').findIndex((l) => l.startsWith('PRODUCER'));
  // Beside the form or viewer it came from, which stays open (and shows what was saved).
  const editor = await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  const at = new vscode.Position(line, 0);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return line;
}

async function save(uri: vscode.Uri, text: string, problems: string[], notes: string[]): Promise<SavedBlock> {
  const line = await appendToFile(uri, text);
  const all = [...notes, ...problems];
  for (const n of all) log().info(`Save as .kafka: ${n}`);
  return { uri, line, notes: all };
}

function safeName(text: string): string {
  return text.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'producer';
}

/** The form's settings as a PRODUCER block; `{ ok, text }` for the form's status line. */
export async function saveFormAsKafka(v: ProduceFormValues, target?: vscode.Uri): Promise<{ ok: boolean; text: string; saved?: SavedBlock }> {
  const name = safeName(v.topic.trim());
  const from = blockSettingsFromForm(v, name);
  if (!from.ok) return { ok: false, text: from.message };
  const written = writeProducerBlock(from.settings);
  const uri = await chooseTarget(`${name}.kafka`, target);
  if (!uri) return { ok: true, text: '' };
  const saved = await save(uri, written.text, written.problems, from.notes);
  return { ok: true, text: `Added PRODUCER ${name} to ${vscode.workspace.asRelativePath(saved.uri)}.${saved.notes.length ? ` ${saved.notes.join(' ')}` : ''}`, saved };
}

/** A schema file as the .kafka file names it: relative to its workspace folder, else a file:// URI. */
function schemaFileFor(kafkaFile: vscode.Uri, file: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(kafkaFile)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const absolute = path.isAbsolute(file) ? file : folder ? path.join(folder, file) : file;
  if (folder && !path.relative(folder, absolute).startsWith('..')) return path.relative(folder, absolute).split(path.sep).join('/');
  return vscode.Uri.file(absolute).toString();
}

function avroFormat(request: ConsumeRequest, role: 'key' | 'value', kafkaFile: vscode.Uri): Extract<FormatChoice, { kind: 'avro' }> | undefined {
  const choice = produceChoiceFor(request, role);
  if (!choice) return undefined;
  if (choice.subject) return { kind: 'avro', subject: choice.subject };
  if (choice.schemaFile && choice.encoding !== 'confluent') return { kind: 'avro', schemaFile: schemaFileFor(kafkaFile, choice.schemaFile) };
  return { kind: 'avro', subject: `${request.topic}-${role}` };
}

/** A record of a viewer as a PRODUCER block that sends it again: read whole from Kafka, so nothing the viewer cut is lost. */
export async function saveRecordAsKafka(client: KafkaClient, request: ConsumeRequest, record: Pick<TailRecord, 'partition' | 'offset'>, target?: vscode.Uri): Promise<SavedBlock | undefined> {
  const uri = await chooseTarget(`${safeName(request.topic)}.kafka`, target);
  if (!uri) return undefined;
  const raw = await fetchRecord(client, request.topic, record.partition, record.offset, { isolation: request.isolation });
  const part = (role: 'key' | 'value'): RecordPartInput => {
    const bytes = role === 'key' ? raw.key : raw.value;
    const format = role === 'key' ? request.keyFormat : request.valueFormat;
    const decoder = (role === 'key' ? request.keyDeserializer : request.valueDeserializer) ?? deserializer(format);
    const decoded = decode(bytes, decoder);
    return { bytes, viewerFormat: format, decoded: decoded && decoded.format !== 'raw' ? decoded.text : undefined, avro: avroFormat(request, role, uri) };
  };
  const name = safeName(`${request.topic}-${record.partition}-${record.offset}`);
  const { settings, notes } = blockSettingsForRecord({ name, topic: request.topic, partition: record.partition, key: part('key'), value: part('value'), headers: raw.headers });
  const when = new Date(raw.timestamp).toISOString();
  const written = writeProducerBlock(settings, [`Record ${record.partition}@${record.offset} of ${request.topic}, ${when}`]);
  return save(uri, written.text, written.problems, notes);
}
