/**
 * "Save as…": the form's records as a JSON Lines record file (one `{key, value, headers, partition,
 * timestamp}` per line, the format "Records: from a file" reads back), so a send can be repeated
 * from a file or kept in the workspace. Templates are rendered per record, as a send would.
 */
import * as vscode from 'vscode';
import { parseRecordTimestamp } from '../../core/produce/produceService';
import { compileTemplate, TemplateError } from '../../core/produce/template';
import { formatInfos } from '../../core/produce/serializers';
import type { ProduceFormValues } from '../../../webview/src/produce/protocol';

/** At most this many records are written (the count may be millions). */
export const SAVE_AS_MAX_RECORDS = 10_000;

/** The record file's lines for the form, or a message saying what to fix. */
export function recordFileLines(v: ProduceFormValues): { ok: true; lines: string[]; capped: boolean } | { ok: false; message: string } {
  if (v.source === 'file') return { ok: false, message: 'The records already come from a file: there is nothing to save.' };
  const count = Number(v.count.trim() || '1');
  if (!Number.isInteger(count) || count < 1) return { ok: false, message: 'Count must be a whole number ≥ 1.' };
  const isJson = (format: string) => format !== 'string' && (formatInfos().find((f) => f.format === format)?.json ?? false);
  let timestamp: string | undefined;
  if (v.timestamp.trim()) {
    const parsed = parseRecordTimestamp(v.timestamp);
    if (!parsed.ok) return { ok: false, message: parsed.message };
    timestamp = parsed.epochMs;
  }
  try {
    const key = v.keyFormat === 'none' ? undefined : compileTemplate(v.key);
    const value = v.valueFormat === 'none' ? undefined : compileTemplate(v.value);
    const headers = v.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), compileTemplate(h.value)] as const);
    const n = Math.min(count, SAVE_AS_MAX_RECORDS);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const record: Record<string, unknown> = {};
      if (key) record.key = asJsonOrText(key.render(i), isJson(v.keyFormat));
      record.value = value ? asJsonOrText(value.render(i), isJson(v.valueFormat)) : null;
      if (headers.length) record.headers = Object.fromEntries(headers.map(([name, t]) => [name, t.render(i)]));
      if (v.partitionMode === 'explicit' && v.partition.trim()) record.partition = Number(v.partition);
      if (timestamp) record.timestamp = timestamp;
      lines.push(JSON.stringify(record));
    }
    return { ok: true, lines, capped: count > n };
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, message: e.message };
    throw e;
  }
}

/** JSON text kept as a JSON value in the file (readable, and sent back as the same text's JSON); other text as a string. */
function asJsonOrText(text: string, json: boolean): unknown {
  if (!json) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function saveFormAs(v: ProduceFormValues): Promise<{ ok: boolean; text: string }> {
  const lines = recordFileLines(v);
  if (!lines.ok) return { ok: false, text: lines.message };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${(v.topic.trim() || 'records').replace(/[^\w.-]+/g, '-')}.jsonl`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the records as a JSON Lines file',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { 'JSON Lines': ['jsonl', 'ndjson'], JSON: ['json'] },
  });
  if (!target) return { ok: true, text: '' };
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${lines.lines.join('\n')}\n`));
  return {
    ok: true,
    text: `Saved ${lines.lines.length} record(s) to ${vscode.workspace.asRelativePath(target)}${lines.capped ? ` (the first ${SAVE_AS_MAX_RECORDS})` : ''}. Send it again with Records: from a file.`,
  };
}
