/** Diagnostics, completion, hover and folding for `.kafka` files. */
import * as vscode from 'vscode';
import type { FileDiagnostic, FileRange } from '../../core/kafkaFile/model';
import { propertiesOf } from '../../core/kafkaFile/model';
import { fakerMethodNames, HELPERS } from '../../core/kafkaFile/template';
import { topicNames } from '../../core/kafka/offsets';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ProducerDefinition } from '../../core/kafkaFile/definitions';
import type { KafkaFileConnections } from './connectionChoice';
import { SchemaFileCache, valueDiagnostics } from './valueDiagnostics';
import { KAFKA_LANGUAGE, checkedBlockAt, modelOf } from './documentModel';

const SELECTOR: vscode.DocumentSelector = { language: KAFKA_LANGUAGE };

function toRange(r: FileRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, Math.max(r.end.character, r.start.line === r.end.line ? r.start.character : 0));
}

function toDiagnostic(d: FileDiagnostic): vscode.Diagnostic {
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const out = new vscode.Diagnostic(toRange(d.range), d.message, severity);
  out.source = 'kafka';
  return out;
}

export function kafkaDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  const model = modelOf(document);
  return [...model.parsed.diagnostics, ...model.blocks.flatMap((b) => b.checked.diagnostics)].map(toDiagnostic);
}

/**
 * Topic names of connected clusters for the "unknown topic" check: fetched only when a connection
 * is already up (never connects by itself), kept for a few seconds.
 */
class KnownTopics {
  private readonly cache = new Map<string, { at: number; names?: Set<string>; loading?: boolean }>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly onLoaded: () => void,
  ) {}

  forget(connection?: string): void {
    if (connection === undefined) this.cache.clear();
    else this.cache.delete(connection);
  }

  names(connection: string): Set<string> | undefined {
    const client = this.manager.client(connection);
    if (!client) return undefined;
    const hit = this.cache.get(connection);
    if (hit && (hit.loading || Date.now() - hit.at < 10_000)) return hit.names;
    this.cache.set(connection, { at: Date.now(), names: hit?.names, loading: true });
    topicNames(client).then(
      (names) => {
        this.cache.set(connection, { at: Date.now(), names: new Set(names) });
        this.onLoaded();
      },
      () => this.cache.set(connection, { at: Date.now(), names: undefined }),
    );
    return hit?.names;
  }
}

function registerDiagnostics(manager: ConnectionManager, connections: KafkaFileConnections): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection(KAFKA_LANGUAGE);
  const update = (doc: vscode.TextDocument) => {
    if (doc.languageId !== KAFKA_LANGUAGE) return;
    const diagnostics = kafkaDiagnostics(doc);
    for (const { block, checked } of modelOf(doc).blocks) {
      if (block.kind === 'producer' && checked.definition) diagnostics.push(...valueDiagnostics(doc.uri, block, checked.definition as ProducerDefinition, schemas));
    }
    const connection = connections.connectionFor(doc.uri);
    const known = connection ? topics.names(connection) : undefined;
    if (known) {
      for (const { block } of modelOf(doc).blocks) {
        const topic = block.properties.filter((p) => p.name === 'topic').pop();
        if (topic && topic.value && !known.has(topic.value)) {
          const d = new vscode.Diagnostic(toRange(topic.valueRange), `Topic "${topic.value}" does not exist on "${connection}": create it first (it is never created automatically), or check the name.`, vscode.DiagnosticSeverity.Warning);
          d.source = 'kafka';
          diagnostics.push(d);
        }
      }
    }
    collection.set(doc.uri, diagnostics);
  };
  const updateAll = () => vscode.workspace.textDocuments.forEach(update);
  const topics = new KnownTopics(manager, updateAll);
  const schemas = new SchemaFileCache(updateAll);
  updateAll();
  return [
    collection,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
    // A new connection, a (dis)connect or a refresh of the tree: look at the topics again.
    manager.onDidChange((name) => {
      topics.forget(name);
      updateAll();
    }),
    connections.onDidChange(updateAll),
  ];
}

let fakerNames: string[] | undefined;

class Completion implements vscode.CompletionItemProvider {
  constructor(
    private readonly manager: ConnectionManager,
    private readonly connections: KafkaFileConnections,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const line = document.lineAt(position.line).text;
    const before = line.slice(0, position.character);
    const open = before.lastIndexOf('{{');
    if (open >= 0 && before.indexOf('}}', open) < 0) {
      fakerNames ??= fakerMethodNames();
      const typed = new vscode.Range(position.line, open + 2, position.line, position.character);
      return [
        ...HELPERS.map((h) => Object.assign(new vscode.CompletionItem(h.name, vscode.CompletionItemKind.Variable), { detail: h.description, range: typed })),
        ...fakerNames.map((n) => Object.assign(new vscode.CompletionItem(n, vscode.CompletionItemKind.Function), { detail: 'faker', range: typed })),
      ];
    }
    if (position.character === before.length && /^\s*$/.test(before) && !checkedBlockAt(document, position.line)) {
      return this.snippets();
    }
    const found = checkedBlockAt(document, position.line);
    if (!found || position.line === found.block.headerLine) return [];
    const block = found.block;
    // In a producer's value there is nothing to complete but templates.
    if (block.kind === 'producer' && block.valueRange && position.line >= block.valueRange.start.line) return [];
    const colon = before.indexOf(':');
    if (colon < 0) {
      const used = new Set(block.properties.map((p) => p.name));
      return propertiesOf(block.kind)
        .filter((p) => !used.has(p.name))
        .map((p) => {
          const item = new vscode.CompletionItem(p.name, vscode.CompletionItemKind.Property);
          item.insertText = `${p.name}: `;
          item.documentation = new vscode.MarkdownString(p.description);
          item.command = { command: 'editor.action.triggerSuggest', title: 'values' };
          return item;
        });
    }
    const name = before.slice(0, colon).trim();
    const def = propertiesOf(block.kind).find((p) => p.name === name);
    if (!def) return [];
    if (name === 'topic') return this.topics(document);
    // avro(…): the workspace's schema files.
    if ((name === 'key-format' || name === 'value-format') && /avro\(\s*[^):]*$/.test(before)) return this.schemaFiles(document, position, before);
    return (def.values ?? []).map((v) => new vscode.CompletionItem(v, vscode.CompletionItemKind.Value));
  }

  private async topics(document: vscode.TextDocument): Promise<vscode.CompletionItem[]> {
    const connection = this.connections.connectionFor(document.uri);
    // Completion never connects: only a connection that is already up is asked for its topics.
    const client = connection ? this.manager.client(connection) : undefined;
    if (!client) return [];
    try {
      return (await topicNames(client)).map((t) => Object.assign(new vscode.CompletionItem(t, vscode.CompletionItemKind.Reference), { detail: connection }));
    } catch {
      return [];
    }
  }

  private async schemaFiles(document: vscode.TextDocument, position: vscode.Position, before: string): Promise<vscode.CompletionItem[]> {
    const typed = before.slice(before.lastIndexOf('(') + 1);
    const range = new vscode.Range(position.line, position.character - typed.length, position.line, position.character);
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const files = folder ? await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.avsc'), '**/node_modules/**', 200) : [];
    // Relative to the workspace folder, which is how the file resolves a path without a leading "/".
    const items = files.map((f) => Object.assign(new vscode.CompletionItem(vscode.workspace.asRelativePath(f, false), vscode.CompletionItemKind.File), { range, detail: 'Avro schema' }));
    // "/name.avsc" is beside the .kafka file (the original's rule).
    const here = vscode.Uri.joinPath(document.uri, '..');
    const beside = await Promise.resolve(vscode.workspace.fs.readDirectory(here)).catch(() => [] as [string, vscode.FileType][]);
    for (const [name, type] of beside) {
      if (type === vscode.FileType.File && name.endsWith('.avsc')) items.push(Object.assign(new vscode.CompletionItem(`/${name}`, vscode.CompletionItemKind.File), { range, detail: 'Avro schema beside this file' }));
    }
    return items;
  }

  private snippets(): vscode.CompletionItem[] {
    const producer = new vscode.CompletionItem('PRODUCER', vscode.CompletionItemKind.Snippet);
    producer.insertText = new vscode.SnippetString('PRODUCER ${1:name}\ntopic: ${2:topic}\nkey: ${3:{{string.uuid\\}\\}}\n${4:{"name": "{{person.firstName\\}\\}"\\}}\n\n###\n');
    producer.documentation = 'A producer block';
    const consumer = new vscode.CompletionItem('CONSUMER', vscode.CompletionItemKind.Snippet);
    consumer.insertText = new vscode.SnippetString('CONSUMER ${1:group-id}\ntopic: ${2:topic}\nfrom: ${3|earliest,latest,committed|}\n\n###\n');
    consumer.documentation = 'A consumer block';
    return [producer, consumer];
  }
}

/** What a `{{…}}` at the cursor renders, for the hover. */
function placeholderDoc(expr: string): string {
  const e = expr.trim();
  const helper = HELPERS.find((h) => h.name === e || (h.name.startsWith('$text') && e.startsWith('$text')));
  if (helper) return `**{{${helper.name}}}** — ${helper.description}`;
  if (/^(i|uuid|timestamp)$|^random\.(int|float|pick|string|bool)\b/.test(e)) return `**{{${e}}}** — a placeholder of the produce form (\`{{i}}\` is the record index).`;
  const call = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)/.exec(e);
  if (call) return `**{{${e}}}** — faker's \`${call[1]}.${call[2]}\`: a new value for each record; the key, headers and value of one record share its seed. See https://fakerjs.dev/api/${call[1]}.html`;
  return '';
}

class Hover implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = checkedBlockAt(document, position.line);
    if (!found) return undefined;
    // A template: what it renders.
    const text = document.lineAt(position.line).text;
    for (const m of text.matchAll(/\{\{(.*?)\}\}/g)) {
      if (position.character >= m.index && position.character <= m.index + m[0].length) {
        const doc = placeholderDoc(m[1]);
        if (doc) return new vscode.Hover(new vscode.MarkdownString(doc), new vscode.Range(position.line, m.index, position.line, m.index + m[0].length));
      }
    }
    const prop = found.block.properties.find((p) => p.nameRange.start.line === position.line);
    if (!prop) return undefined;
    const def = propertiesOf(found.block.kind).find((p) => p.name === prop.name);
    return def ? new vscode.Hover(new vscode.MarkdownString(`**${def.name}** — ${def.description}`)) : undefined;
  }
}

class Folding implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return modelOf(document)
      .blocks.filter((b) => b.block.endLine > b.block.headerLine)
      .map((b) => new vscode.FoldingRange(b.block.headerLine, b.block.endLine));
  }
}

export function registerKafkaLanguageFeatures(manager: ConnectionManager, connections: KafkaFileConnections): vscode.Disposable[] {
  return [
    ...registerDiagnostics(manager, connections),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new Completion(manager, connections), ':', '{', ' ', '('),
    vscode.languages.registerHoverProvider(SELECTOR, new Hover()),
    vscode.languages.registerFoldingRangeProvider(SELECTOR, new Folding()),
  ];
}
