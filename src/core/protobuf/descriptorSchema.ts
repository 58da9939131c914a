/**
 * Registry schemas that are not .proto text but a base64 FileDescriptorProto: what Confluent's
 * own serializers (Python, Go, .NET) register, and what registries hand back with
 * `format=serialized`. Turned into the same {@link ProtoSchema} as a parsed .proto; the message
 * indexes come straight from the descriptor's message_type / nested_type order, which is the
 * order they are defined by.
 */
import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';
import { isWellKnown, ProtoSchemaError, type ProtoFile, type ProtoSchema } from './schema';

interface DescriptorMessage {
  name?: string;
  nestedType?: DescriptorMessage[];
}

interface FileDescriptor {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: DescriptorMessage[];
}

/** Whether a registry schema string is a base64 descriptor rather than .proto text. */
export function looksLikeDescriptor(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(t) && !/\bsyntax\b|\bmessage\b/.test(t);
}

function decodeFile(name: string, base64: string): FileDescriptor {
  try {
    const file = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(Buffer.from(base64.trim(), 'base64'))) as FileDescriptor;
    file.name = name;
    return file;
  } catch (e) {
    throw new ProtoSchemaError(`${name}: not .proto text, nor a base64 FileDescriptorProto (${(e as Error).message})`, name);
  }
}

function indexTable(file: FileDescriptor): Map<string, number[]> {
  const table = new Map<string, number[]>();
  const walk = (msgs: DescriptorMessage[] | undefined, prefix: string, path: number[]) =>
    (msgs ?? []).forEach((m, i) => {
      const rel = prefix ? `${prefix}.${m.name}` : String(m.name);
      table.set(rel, [...path, i]);
      walk(m.nestedType, rel, [...path, i]);
    });
  walk(file.messageType, '', []);
  return table;
}

let wellKnownFiles: FileDescriptor[] | undefined;

/** The well-known types as descriptors, one file per .proto, for imports of google/protobuf/*. */
function wellKnown(): FileDescriptor[] {
  if (wellKnownFiles) return wellKnownFiles;
  const common = protobuf.common as unknown as { get(f: string): protobuf.INamespace | null } & Record<string, unknown>;
  wellKnownFiles = Object.keys(common)
    .filter(isWellKnown)
    .map((name) => {
      const root = new protobuf.Root();
      const json = common.get(name);
      if (json?.nested) root.addJSON(json.nested);
      root.resolveAll();
      const set = (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
      const files = (descriptor.FileDescriptorSet.toObject(set) as { file?: FileDescriptor[] }).file ?? [];
      return files.map((f) => ({ ...f, name }));
    })
    .flat();
  return wellKnownFiles;
}

/**
 * The schema of a base64 descriptor and its references (each also base64), by reference name.
 * @throws ProtoSchemaError when a file is not a descriptor or a dependency is missing.
 */
export function descriptorSchema(name: string, base64: string, references: Map<string, string>): ProtoSchema {
  const main = decodeFile(name, base64);
  const files: FileDescriptor[] = [];
  const seen = new Set<string>();
  const add = (file: FileDescriptor) => {
    for (const dep of file.dependency ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (isWellKnown(dep)) files.push(...wellKnown().filter((w) => w.name === dep));
      else {
        const text = references.get(dep);
        if (text === undefined) throw new ProtoSchemaError(`${name} depends on "${dep}", which the registry did not list as a reference.`, name);
        add(decodeFile(dep, text));
      }
    }
    files.push(file);
  };
  add(main);
  let root: protobuf.Root;
  try {
    root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor({ file: files });
  } catch (e) {
    throw new ProtoSchemaError(`${name}: the descriptor does not resolve: ${(e as Error).message}`, name);
  }
  restoreMaps(root);
  const indexes = indexTable(main);
  const protoFile: ProtoFile = { name, text: base64, package: main.package || undefined, imports: main.dependency ?? [], indexes };
  const all = new Map<string, ProtoFile>([[name, protoFile]]);
  const messageTypes = [...indexes.keys()].map((rel) => (protoFile.package ? `${protoFile.package}.${rel}` : rel)).filter((full) => root.lookup(full) instanceof protobuf.Type);
  return { root, main: protoFile, files: all, messageTypes };
}

function typesOf(ns: protobuf.NamespaceBase): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Type) out.push(o);
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) out.push(...typesOf(o as protobuf.NamespaceBase));
  }
  return out;
}

/**
 * protobufjs reads a descriptor's map field as a repeated `XxxEntry` message (as it is on the
 * wire); its JSON form is an object, so those fields become map fields again. The entry types
 * stay, as the message indexes count them.
 */
function restoreMaps(root: protobuf.Root): void {
  let changed = false;
  for (const type of typesOf(root)) {
    for (const f of [...type.fieldsArray]) {
      const entry = f.resolvedType;
      if (!f.repeated || !(entry instanceof protobuf.Type) || entry.parent !== type || !entry.name.endsWith('Entry')) continue;
      const key = entry.fieldsById[1];
      const value = entry.fieldsById[2];
      const isEntry = (entry.options as Record<string, unknown> | undefined)?.map_entry === true || (entry.fieldsArray.length === 2 && key?.name === 'key' && value?.name === 'value');
      if (!isEntry || !key || !value) continue;
      type.remove(f);
      const valueType = value.resolvedType ? value.resolvedType.fullName : value.type;
      type.add(new protobuf.MapField(f.name, f.id, key.type, valueType));
      changed = true;
    }
  }
  if (changed) root.resolveAll();
}
