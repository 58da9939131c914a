// A corpus of .kafka files written in the syntax Tools for Apache Kafka documents (written here from
// its documentation: the facts carry over, not the text) parses to the blocks listed beside each
// file in <name>.expected.json, with no diagnostic, and every block can run.
// KW_UPDATE_CORPUS=1 rewrites the expected files (then read them before committing).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../support/repoRoot';
import { checkConsumer, checkProducer } from '../../src/core/kafkaFile/definitions';
import { parseKafkaFile } from '../../src/core/kafkaFile/parser';
import { settingsOfDefinition } from '../../src/core/kafkaFile/writer';

function summary(text: string): unknown {
  const parsed = parseKafkaFile(text);
  return {
    diagnostics: parsed.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`),
    blocks: parsed.blocks.map((b) => {
      const checked = b.kind === 'producer' ? checkProducer(b) : checkConsumer(b);
      return {
        kind: b.kind,
        label: b.label,
        lines: [b.headerLine, b.endLine],
        properties: b.properties.map((p) => `${p.name}: ${p.value}`),
        ...(b.kind === 'producer' ? { value: b.value } : {}),
        problems: checked.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`),
        runs: checked.definition && (b.kind === 'producer' ? settingsOfDefinition(checked.definition as Parameters<typeof settingsOfDefinition>[0]) : checked.definition),
      };
    }),
  };
}

describe('.kafka files: corpus in the documented syntax', () => {
  const dir = join(findRepoRoot(), 'test', 'fixtures', 'kafkafile');
  const files = readdirSync(dir).filter((f) => f.endsWith('.kafka'));
  it('has files to read', () => assert.ok(files.length >= 4));
  for (const file of files) {
    it(`${file} parses to its expected blocks, and every block can run`, () => {
      const got = JSON.parse(JSON.stringify(summary(readFileSync(join(dir, file), 'utf8')))) as { diagnostics: string[]; blocks: { runs?: unknown; problems: string[] }[] };
      const expectedFile = join(dir, file.replace(/\.kafka$/, '.expected.json'));
      if (process.env.KW_UPDATE_CORPUS) writeFileSync(expectedFile, `${JSON.stringify(got, null, 2)}\n`);
      assert.deepEqual(got, JSON.parse(readFileSync(expectedFile, 'utf8')));
      assert.deepEqual(got.diagnostics, []);
      for (const b of got.blocks) {
        assert.deepEqual(b.problems, []);
        assert.ok(b.runs);
      }
    });
  }
});
