/**
 * Protobuf schemas from .proto text, with protobufjs (it parses .proto at run time, which both the
 * workspace files and the registry's schemas — .proto text — need; @bufbuild/protobuf needs
 * descriptors compiled ahead by protoc/buf, so it cannot read either). Imports are resolved by the
 * caller's `read` (the workspace, or the registry's references); the well-known types
 * (google/protobuf/*.proto) come built in.
 */
import * as protobuf from 'protobufjs';
import { messageIndexTable, type MessageIndexTable } from './messageIndexes';

export class ProtoSchemaError extends Error {
  constructor(
    message: string,
    /** The file the problem is in, as it was named (import path or file path). */
    readonly file?: string,
    /** 1-based, when the parser says where. */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ProtoSchemaError';
  }
}

/** One parsed .proto file of a schema. */
export interface ProtoFile {
  name: string;
  text: string;
  package?: string;
  /** Import paths as written (well-known types included). */
  imports: string[];
  indexes: MessageIndexTable;
}

export interface ProtoSchema {
  root: protobuf.Root;
  /** The file the schema is (registered as), and every file it imports, by import name. */
  main: ProtoFile;
  files: Map<string, ProtoFile>;
  /** Every message type declared in the main file, full names without the leading dot. */
  messageTypes: string[];
}

/** Where an import is found: its text, or undefined when there is no such file. */
export type ProtoReader = (importPath: string, importedFrom: string) => string | undefined;

export function isWellKnown(importPath: string): boolean {
  return importPath.startsWith('google/protobuf/') && importPath in (protobuf.common as unknown as Record<string, unknown>);
}

/** protobufjs says "illegal token 'x' (file.proto, line 3)": the line, and a column found from the token. */
function located(err: Error, file: string, text: string): ProtoSchemaError {
  const m = /^(.*?)\s*\((?:([^,()]+), )?line (\d+)\)$/.exec(err.message);
  if (!m) return new ProtoSchemaError(`${file}: ${err.message}`, file);
  const line = Number(m[3]);
  const reason = m[1];
  const token = /'([^']*)'/.exec(reason)?.[1];
  const lineText = text.split(/\r?\n/)[line - 1] ?? '';
  const at = token ? lineText.indexOf(token) : -1;
  const column = at >= 0 ? at + 1 : Math.max(1, lineText.search(/\S/) + 1);
  return new ProtoSchemaError(`${file}: ${reason} (line ${line}, column ${column})`, file, line, column);
}

/**
 * Parses `text` (named `name`, e.g. "orders/order.proto") and, through `read`, every file it
 * imports. Throws {@link ProtoSchemaError} with the file, line and column of a syntax error, or
 * naming an import that cannot be found or a type that does not resolve.
 */
export function parseProtoSchema(name: string, text: string, read: ProtoReader = () => undefined): ProtoSchema {
  const root = new protobuf.Root();
  const files = new Map<string, ProtoFile>();
  const parseOne = (fileName: string, source: string): ProtoFile => {
    let parsed: protobuf.IParserResult;
    try {
      parsed = protobuf.parse(source, root, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      throw located(e as Error, fileName, source);
    }
    const file: ProtoFile = { name: fileName, text: source, package: parsed.package, imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])], indexes: messageIndexTable(source) };
    files.set(fileName, file);
    return file;
  };
  // protobufjs records each definition's file through `root.files`/`filename`; parse sets it from
  // the last file loaded, so set it ourselves by parsing one file at a time.
  const load = (fileName: string, source: string, depth: number): ProtoFile => {
    if (depth > 32) throw new ProtoSchemaError(`${fileName}: imports nest deeper than 32 files (an import cycle?)`, fileName);
    const before = new Set(allTypes(root));
    const file = parseOne(fileName, source);
    for (const t of allTypes(root)) if (!before.has(t)) t.filename = fileName;
    for (const imp of file.imports) {
      if (files.has(imp)) continue;
      if (isWellKnown(imp)) {
        const json = (protobuf.common as unknown as { get(f: string): protobuf.INamespace | null }).get(imp);
        if (json?.nested) root.addJSON(json.nested);
        files.set(imp, { name: imp, text: '', imports: [], indexes: new Map() });
        continue;
      }
      const importedText = read(imp, fileName);
      if (importedText === undefined) throw new ProtoSchemaError(`${fileName}: import "${imp}" was not found. Put it in the workspace under that path (relative to the importing file or a workspace folder), or register it in the Schema Registry as a reference.`, fileName);
      load(imp, importedText, depth + 1);
    }
    return file;
  };
  const main = load(name, text, 0);
  try {
    root.resolveAll();
  } catch (e) {
    throw new ProtoSchemaError(`${name}: ${(e as Error).message}`, name);
  }
  const messageTypes = [...main.indexes.keys()]
    .map((rel) => (main.package ? `${main.package}.${rel}` : rel))
    .filter((full) => root.lookup(full) instanceof protobuf.Type);
  return { root, main, files, messageTypes };
}

function allTypes(ns: protobuf.NamespaceBase): protobuf.ReflectionObject[] {
  const out: protobuf.ReflectionObject[] = [];
  for (const o of ns.nestedArray) {
    out.push(o);
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) out.push(...allTypes(o as protobuf.NamespaceBase));
  }
  return out;
}

/** The message type by full name (leading dot optional); throws naming the types there are. */
export function messageType(schema: ProtoSchema, fullName: string): protobuf.Type {
  const name = fullName.replace(/^\./, '');
  const found = name ? schema.root.lookup(name) : null;
  if (found instanceof protobuf.Type) return found;
  const choices = schema.messageTypes.slice(0, 20).join(', ');
  throw new ProtoSchemaError(`There is no message type "${name}" in ${schema.main.name}${choices ? `: it declares ${choices}` : ''}.`, schema.main.name);
}

/** The Confluent message-index path of a message of the main file. */
export function indexesOf(schema: ProtoSchema, type: protobuf.Type): number[] {
  const full = type.fullName.replace(/^\./, '');
  const pkg = schema.main.package;
  const rel = pkg && full.startsWith(`${pkg}.`) ? full.slice(pkg.length + 1) : full;
  const indexes = schema.main.indexes.get(rel);
  if (!indexes) throw new ProtoSchemaError(`Message ${full} is not declared in ${schema.main.name} (it comes from an import): the wire format can only name messages of the registered file.`, schema.main.name);
  return indexes;
}

/** The message a Confluent message-index path names in the main file; throws when out of range. */
export function typeAtIndexes(schema: ProtoSchema, indexes: readonly number[]): protobuf.Type {
  const want = indexes.join('.');
  for (const [rel, path] of schema.main.indexes) {
    if (path.join('.') !== want) continue;
    const full = schema.main.package ? `${schema.main.package}.${rel}` : rel;
    const found = schema.root.lookup(full);
    if (found instanceof protobuf.Type) return found;
    // A map entry: protobufjs has no type for it; a record of one is not something producers write.
    throw new ProtoSchemaError(`Message index [${want}] names the map entry ${full}, which is not a message a record can hold.`);
  }
  throw new ProtoSchemaError(`Message index [${want}] is out of range for ${schema.main.name} (it declares ${schema.main.indexes.size} message type(s)).`);
}
