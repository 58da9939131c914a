import type * as vscode from 'vscode';
import { checkBlock, type Checked, type ConsumerDefinition, type ProducerDefinition } from '../../core/kafkaFile/definitions';
import type { KafkaBlock, ParsedKafkaFile } from '../../core/kafkaFile/model';
import { parseKafkaFile } from '../../core/kafkaFile/parser';

export const KAFKA_LANGUAGE = 'kafka';

export interface CheckedBlock {
  block: KafkaBlock;
  /** A stable name for run state and results: survives edits that do not reorder same-named blocks. */
  key: string;
  checked: Checked<ProducerDefinition | ConsumerDefinition>;
}

export interface KafkaDocumentModel {
  parsed: ParsedKafkaFile;
  blocks: CheckedBlock[];
}

// One parse per document version: CodeLens, diagnostics and completion all ask for the same text.
const cache = new WeakMap<vscode.TextDocument, { version: number; model: KafkaDocumentModel }>();

export function blockKey(uri: vscode.Uri, blocks: KafkaBlock[], index: number): string {
  const b = blocks[index];
  const same = blocks.slice(0, index).filter((o) => o.kind === b.kind && o.label === b.label).length;
  return `${uri.toString()}|${b.kind}|${b.label}|${same}`;
}

export function modelOf(document: vscode.TextDocument): KafkaDocumentModel {
  const hit = cache.get(document);
  if (hit && hit.version === document.version) return hit.model;
  const parsed = parseKafkaFile(document.getText());
  const model: KafkaDocumentModel = {
    parsed,
    blocks: parsed.blocks.map((block, i) => ({ block, key: blockKey(document.uri, parsed.blocks, i), checked: checkBlock(block) })),
  };
  cache.set(document, { version: document.version, model });
  return model;
}

/** The block whose lines (header to end) hold `line`. */
export function checkedBlockAt(document: vscode.TextDocument, line: number): CheckedBlock | undefined {
  return modelOf(document).blocks.find((b) => line >= b.block.headerLine && line <= b.block.endLine);
}
