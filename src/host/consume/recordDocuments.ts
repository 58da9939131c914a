/**
 * Read-only editor documents for one record's value (`kafka-record:` URIs): a large value opens in
 * a real editor (find, folding, JSON highlighting) instead of the viewer's pane, and closing it
 * asks nothing because there is nothing to save. The text is held only while the document is open.
 */
import * as vscode from 'vscode';

export const RECORD_SCHEME = 'kafka-record';

const contents = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();

export function registerRecordDocuments(): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(RECORD_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '(this record is no longer held: open it again from the viewer)',
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === RECORD_SCHEME) contents.delete(doc.uri.toString());
    }),
    changed,
  ];
}

/** Opens `text` read-only beside the viewer; `.json` in the name gives JSON highlighting and folding. */
export async function openRecordDocument(topic: string, partition: number, offset: string, text: string, json: boolean): Promise<void> {
  const uri = vscode.Uri.from({ scheme: RECORD_SCHEME, path: `/${topic}/partition-${partition}-offset-${offset}${json ? '.json' : '.txt'}` });
  contents.set(uri.toString(), text);
  changed.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
