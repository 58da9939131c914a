/**
 * "Value not matching its schema": a producer's key and value as record 0 renders them (templates
 * filled, seed 0) checked against their format: JSON syntax for `json`, the Avro schema for
 * `avro(<file.avsc>)` (read from disk, never from a registry: diagnostics do not connect). Warnings
 * at the value's place, so a block still runs and the send gives the final word.
 */
import * as vscode from 'vscode';
import { checkAvroJsonText } from '../../core/avro/json';
import { parseAvroSchema, type AvroSchema } from '../../core/avro/schema';
import type { FormatChoice, ProducerDefinition } from '../../core/kafkaFile/definitions';
import type { FileRange, ProducerBlock } from '../../core/kafkaFile/model';
import { renderRecords } from '../../core/kafkaFile/template';
import { describeAvroProblems } from '../../core/produce/avroSerializer';
import { jsonProblem } from '../../core/produce/serializers';
import { schemaPath } from './formats';

interface CachedSchema {
  at: number;
  schema?: AvroSchema;
  error?: string;
  loading?: boolean;
}

/** Schema files read for the check, kept a few seconds; `onLoaded` re-runs the diagnostics once one is read. */
export class SchemaFileCache {
  private readonly cache = new Map<string, CachedSchema>();

  constructor(private readonly onLoaded: () => void) {}

  get(file: string): CachedSchema | undefined {
    const hit = this.cache.get(file);
    if (hit && (hit.loading || Date.now() - hit.at < 5_000)) return hit;
    this.cache.set(file, { ...hit, at: Date.now(), loading: true });
    vscode.workspace.fs.readFile(vscode.Uri.file(file)).then(
      (bytes) => {
        try {
          this.cache.set(file, { at: Date.now(), schema: parseAvroSchema(new TextDecoder().decode(bytes), file) });
        } catch (e) {
          this.cache.set(file, { at: Date.now(), error: e instanceof Error ? e.message : String(e) });
        }
        this.onLoaded();
      },
      () => {
        this.cache.set(file, { at: Date.now(), error: 'cannot be read' });
        this.onLoaded();
      },
    );
    return hit;
  }
}

export function valueDiagnostics(document: vscode.Uri, block: ProducerBlock, def: ProducerDefinition, schemas: SchemaFileCache): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  let record;
  try {
    [record] = renderRecords(def.templates, 1, { seed: 0 });
  } catch {
    return out; // a template that fails when rendered is reported when sent
  }
  const templated = (text: string | undefined) => (text && /\{\{/.test(text) ? ' (record 0, templates filled)' : '');
  const check = (role: 'key' | 'value', format: FormatChoice, text: string | undefined, range: FileRange | undefined) => {
    if (text === undefined || !range) return;
    const at = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    if (format.kind === 'json') {
      const problem = jsonProblem(text);
      if (problem) out.push(warning(at, `The ${role} is not valid JSON${templated(role === 'key' ? block.properties.find((p) => p.name === 'key')?.value : block.value)}: ${problem}.`));
    } else if (format.kind === 'avro' && format.schemaFile) {
      const file = schemaPath(document, format.schemaFile);
      const loaded = schemas.get(file);
      if (loaded?.error) out.push(warning(at, `The ${role}'s schema ${format.schemaFile} ${loaded.error.startsWith('cannot') ? loaded.error : `is not a valid Avro schema: ${loaded.error}`}.`));
      else if (loaded?.schema) {
        const checked = checkAvroJsonText(loaded.schema, text);
        if (!checked.ok) out.push(warning(at, `The ${role} does not match ${loaded.schema.name ?? format.schemaFile}${templated(role === 'key' ? block.properties.find((p) => p.name === 'key')?.value : block.value)}: ${describeAvroProblems(checked.problems)}`));
      }
    }
  };
  check('key', def.keyFormat, def.templates.key ? record.key : undefined, block.properties.filter((p) => p.name === 'key').pop()?.valueRange);
  check('value', def.valueFormat, record.value, block.valueRange);
  return out;
}

function warning(range: vscode.Range, message: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Warning);
  d.source = 'kafka';
  return d;
}
