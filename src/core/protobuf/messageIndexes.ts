/**
 * Which message a Confluent message-index array names. The indexes count the message types of a
 * FileDescriptorProto as protoc builds it: top-level messages in declaration order, and inside a
 * message its nested messages *and* the synthetic `XxxEntry` message of each map field, interleaved
 * in source order (protoc appends the entry when it parses the map field). protobufjs keeps no such
 * order, so the source is scanned here: comments and strings skipped, braces tracked.
 */

/** Dotted names relative to the package ("Order", "Order.Line", "Order.TagsEntry") → index path. */
export type MessageIndexTable = Map<string, number[]>;

function tokens(source: string): string[] {
  const out: string[] = [];
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_][A-Za-z0-9_.]*|[{}<>;=]|\S/g;
  for (const m of source.matchAll(re)) {
    const t = m[0];
    if (t.startsWith('//') || t.startsWith('/*')) continue;
    out.push(t);
  }
  return out;
}

function entryName(field: string): string {
  // protoc: the field name in CamelCase (underscores dropped, next letter upper-cased) + "Entry".
  const camel = field.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

/** The index path of every message the file declares (including map entries). */
export function messageIndexTable(source: string): MessageIndexTable {
  const table: MessageIndexTable = new Map();
  const t = tokens(source);
  // Each open block: a message (with its name path and its count of nested message types so far) or another block.
  const stack: ({ kind: 'message'; path: string[]; indexes: number[]; children: number } | { kind: 'other' })[] = [];
  let topLevel = 0;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    const top = stack[stack.length - 1];
    if (tok === 'message' && /^[A-Za-z_]/.test(t[i + 1] ?? '') && t[i + 2] === '{' && (!top || top.kind === 'message')) {
      const name = t[i + 1];
      const indexes = top && top.kind === 'message' ? [...top.indexes, top.children++] : [topLevel++];
      const path = top && top.kind === 'message' ? [...top.path, name] : [name];
      table.set(path.join('.'), indexes);
      stack.push({ kind: 'message', path, indexes, children: 0 });
      i += 2;
      continue;
    }
    if (tok === 'map' && t[i + 1] === '<' && top?.kind === 'message') {
      // map < K , V > name = N ;
      let j = i + 2;
      while (j < t.length && t[j] !== '>') j++;
      const field = t[j + 1];
      if (field && /^[A-Za-z_]/.test(field)) {
        const path = [...top.path, entryName(field)];
        table.set(path.join('.'), [...top.indexes, top.children++]);
      }
      i = j + 1;
      continue;
    }
    if (tok === '{') stack.push({ kind: 'other' });
    else if (tok === '}') stack.pop();
  }
  return table;
}
