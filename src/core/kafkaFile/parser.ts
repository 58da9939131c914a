/**
 * The `.kafka` parser. Compatible with the files Tools for Apache Kafka reads: a block starts at a
 * line beginning with PRODUCER or CONSUMER; a producer ends at a line beginning with `###`, a
 * consumer also at the next block; lines beginning with `--` and blank lines are skipped; in a
 * producer, a line is a property only when the text before its first colon is a known property
 * name, and the first line that is not one starts the value, which runs to the end of the block.
 * Never throws: anything odd becomes a diagnostic.
 */
import { propertiesOf, range, type BlockProperty, type ConsumerBlock, type FileDiagnostic, type KafkaBlock, type ParsedKafkaFile, type ProducerBlock } from './model';

const HEADER = /^(PRODUCER|CONSUMER)(?=\s|$)/;

function isSeparator(line: string): boolean {
  return line.startsWith('###');
}

function isIgnored(line: string): boolean {
  const t = line.trimStart();
  return t.length === 0 || t.startsWith('--');
}

/** Levenshtein distance, small strings only (property names), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

export function closestProperty(kind: KafkaBlock['kind'], name: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const p of propertiesOf(kind)) {
    const d = distance(name.toLowerCase(), p.name);
    if (d <= 2 && (!best || d < best.d)) best = { name: p.name, d };
  }
  return best?.name;
}

function knownNames(kind: KafkaBlock['kind']): string {
  return propertiesOf(kind)
    .map((p) => p.name)
    .join(', ');
}

/** `name: value` on one line, with ranges; undefined without a colon. */
function propertyOn(text: string, line: number): BlockProperty | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const rawName = text.slice(0, colon);
  const nameStart = rawName.length - rawName.trimStart().length;
  const name = rawName.trim();
  const rest = text.slice(colon + 1);
  const valueStart = colon + 1 + (rest.length - rest.trimStart().length);
  const value = rest.trim();
  return {
    name,
    value,
    nameRange: range(line, nameStart, nameStart + name.length),
    valueRange: range(line, valueStart, valueStart + value.length),
  };
}

function headerOf(kind: 'producer' | 'consumer', text: string, line: number) {
  const keyword = kind === 'producer' ? 'PRODUCER' : 'CONSUMER';
  const rest = text.slice(keyword.length);
  const start = keyword.length + (rest.length - rest.trimStart().length);
  const label = rest.trim();
  return { label, labelRange: range(line, start, start + label.length) };
}

function parseProducer(lines: string[], header: number, end: number, diagnostics: FileDiagnostic[]): ProducerBlock {
  const known = new Set(propertiesOf('producer').map((p) => p.name));
  const block: ProducerBlock = { kind: 'producer', headerLine: header, endLine: end, properties: [], ...headerOf('producer', lines[header], header) };
  for (let l = header + 1; l <= end; l++) {
    const text = lines[l];
    if (isIgnored(text)) continue;
    const prop = propertyOn(text, l);
    if (prop && known.has(prop.name)) {
      block.properties.push(prop);
      continue;
    }
    // The value: from here to the last non-blank line of the block, trimmed like the original.
    let last = end;
    while (last > l && lines[last].trim() === '') last--;
    const firstColumn = text.length - text.trimStart().length;
    const value = lines.slice(l, last + 1).join('\n').trim();
    block.value = value;
    block.valueRange = { start: { line: l, character: firstColumn }, end: { line: last, character: lines[last].trimEnd().length } };
    if (prop && /^[A-Za-z][\w-]*$/.test(prop.name)) {
      const guess = closestProperty('producer', prop.name);
      if (guess) {
        diagnostics.push({
          range: prop.nameRange,
          severity: 'warning',
          message: `Unknown property "${prop.name}" (did you mean "${guess}"?): this line and the rest of the block are sent as the value.`,
        });
      }
    }
    for (let v = l + 1; v <= last; v++) {
      if (HEADER.test(lines[v])) {
        diagnostics.push({
          range: range(v, 0, lines[v].length),
          severity: 'warning',
          message: 'This line is part of the value of the producer above: end that producer with a "###" line to start a new block here.',
        });
      }
    }
    break;
  }
  return block;
}

function parseConsumer(lines: string[], header: number, end: number, diagnostics: FileDiagnostic[]): ConsumerBlock {
  const known = new Set(propertiesOf('consumer').map((p) => p.name));
  const block: ConsumerBlock = { kind: 'consumer', headerLine: header, endLine: end, properties: [], ...headerOf('consumer', lines[header], header) };
  for (let l = header + 1; l <= end; l++) {
    const text = lines[l];
    if (isIgnored(text)) continue;
    const prop = propertyOn(text, l);
    const first = text.length - text.trimStart().length;
    if (!prop || prop.name === '') {
      diagnostics.push({ range: range(l, first, text.trimEnd().length), severity: 'error', message: `Expected "property: value" in a CONSUMER block (properties: ${knownNames('consumer')}).` });
      continue;
    }
    if (!known.has(prop.name)) {
      const guess = closestProperty('consumer', prop.name);
      diagnostics.push({
        range: prop.nameRange,
        severity: 'error',
        message: `Unknown consumer property "${prop.name}"${guess ? ` (did you mean "${guess}"?)` : ''}: use one of ${knownNames('consumer')}.`,
      });
      continue;
    }
    block.properties.push(prop);
  }
  return block;
}

/** Splits a `.kafka` text into blocks. Lines are split on \n with a trailing \r removed. */
export function parseKafkaFile(text: string): ParsedKafkaFile {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const blocks: KafkaBlock[] = [];
  const diagnostics: FileDiagnostic[] = [];
  let l = 0;
  while (l < lines.length) {
    const m = HEADER.exec(lines[l]);
    if (!m) {
      const t = lines[l];
      if (!isIgnored(t) && !isSeparator(t)) {
        const first = t.length - t.trimStart().length;
        diagnostics.push({
          range: range(l, first, t.trimEnd().length),
          severity: 'warning',
          message: 'Outside any block, this line is ignored: start a block with "PRODUCER [name]" or "CONSUMER <group-id>", or make it a comment with "--".',
        });
      }
      l++;
      continue;
    }
    const kind = m[1] === 'PRODUCER' ? 'producer' : 'consumer';
    let end = l + 1;
    while (end < lines.length && !isSeparator(lines[end]) && !(kind === 'consumer' && HEADER.test(lines[end]))) end++;
    const last = end - 1;
    const block = kind === 'producer' ? parseProducer(lines, l, last, diagnostics) : parseConsumer(lines, l, last, diagnostics);
    blocks.push(block);
    l = end;
  }
  return { blocks, diagnostics };
}

/** The block whose lines hold `line` (header to end), if any. */
export function blockAt(file: ParsedKafkaFile, line: number): KafkaBlock | undefined {
  return file.blocks.find((b) => line >= b.headerLine && line <= b.endLine);
}
