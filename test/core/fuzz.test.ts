// Property-based tests over the parsers that read untrusted or hand-written input: whatever they are
// given, they return a result or throw their own clear error, never a TypeError, a hang or a crash.
// KW_FUZZ_RUNS sets the cases per property (2,000 in `npm test`; `npm run fuzz` runs 100,000).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AvroSchemaError, parseAvroSchema } from '../../src/core/avro/schema';
import { decode, deserializers } from '../../src/core/consume/deserializers';
import { JsonSyntaxError, parseLocatedJson } from '../../src/core/json/locatedJson';
import { parseRecordFile } from '../../src/core/produce/recordFile';
import { matchesFilter } from '../../src/host/explorer/filter';

const numRuns = Number(process.env.KW_FUZZ_RUNS ?? 2000);

/** The error must be one a parser means to throw: a named, non-empty message, not a JS runtime fault. */
function assertClearError(err: unknown, expected: string[]): void {
  assert.ok(err instanceof Error, `threw a non-Error: ${String(err)}`);
  assert.ok(expected.includes(err.name), `threw ${err.name}: ${err.message}`);
  assert.ok(err.message.length > 0);
}

/** Text that is often almost JSON: fragments of valid documents, cut and spliced. */
const jsonish = fc.oneof(
  fc.string(),
  fc.json(),
  fc.tuple(fc.json(), fc.nat(), fc.string({ maxLength: 3 })).map(([text, cut, junk]) => text.slice(0, cut % (text.length + 1)) + junk),
);

describe('Fuzzing the parsers of untrusted input', function () {
  this.timeout(300_000);

  it('the explorer glob filter agrees with a reference regex and never backtracks exponentially', () => {
    const reference = (name: string, glob: string): boolean =>
      new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'is').test(name);
    const alphabet = fc.constantFrom('a', 'b', '.', '-', '_', 'A');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 12 }).map((c) => c.join('')),
        fc.array(fc.oneof(alphabet, fc.constantFrom('*', '?')), { minLength: 1, maxLength: 8 }).map((c) => c.join('')),
        (name, glob) => {
          const g = /[*?]/.test(glob) ? glob : `${glob}*`;
          assert.equal(matchesFilter(name, g), reference(name, g), `${JSON.stringify(name)} vs ${JSON.stringify(g)}`);
        },
      ),
      { numRuns },
    );
    // The case that stalls a backtracking regex: many stars, a long name that almost matches.
    const hostile = `${'*a'.repeat(40)}*b`;
    assert.equal(matchesFilter('a'.repeat(20_000), hostile), false);
    assert.equal(matchesFilter(`${'a'.repeat(20_000)}b`, hostile), true);
  });

  it('record files: any text gives records or a RecordFileError', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.array(jsonish, { maxLength: 5 }).map((lines) => lines.join('\n'))), (text) => {
        try {
          const records = parseRecordFile(text);
          assert.ok(Array.isArray(records));
          for (const r of records) assert.ok(r.value === null || typeof r.value === 'string');
        } catch (err) {
          assertClearError(err, ['RecordFileError']);
        }
      }),
      { numRuns },
    );
  });

  it('.avsc schemas: any text gives a schema or an AvroSchemaError', () => {
    const schemaLike = fc.letrec((tie) => ({
      schema: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('null', 'int', 'long', 'string', 'bytes', 'boolean', 'float', 'double', 'nope'),
        fc.record({ type: fc.constant('record'), name: fc.string({ maxLength: 4 }), fields: fc.array(tie('field'), { maxLength: 3 }) }, { requiredKeys: ['type'] }),
        fc.record({ type: fc.constant('enum'), name: fc.string({ maxLength: 4 }), symbols: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }) }, { requiredKeys: ['type'] }),
        fc.record({ type: fc.constant('array'), items: tie('schema') }, { requiredKeys: ['type'] }),
        fc.array(tie('schema'), { maxLength: 3 }),
        fc.record({ type: fc.constantFrom('fixed', 'map', 'long', 'bytes'), size: fc.integer(), values: tie('schema'), logicalType: fc.constantFrom('decimal', 'date', 'uuid', 'timestamp-millis'), precision: fc.integer(), scale: fc.integer() }, { requiredKeys: ['type'] }),
      ),
      field: fc.record({ name: fc.string({ maxLength: 4 }), type: tie('schema'), default: fc.jsonValue() }, { requiredKeys: ['name'] }),
    }));
    fc.assert(
      fc.property(fc.oneof(jsonish, schemaLike.schema.map((s) => JSON.stringify(s))), (text) => {
        try {
          parseAvroSchema(text, 'fuzz.avsc');
        } catch (err) {
          assertClearError(err, ['AvroSchemaError']);
          assert.ok(err instanceof AvroSchemaError);
        }
      }),
      { numRuns },
    );
  });

  it('the JSON parser with positions: any text gives a value or a JsonSyntaxError', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        try {
          parseLocatedJson(text);
        } catch (err) {
          assert.ok(err instanceof JsonSyntaxError, `threw ${(err as Error).name}: ${(err as Error).message}`);
        }
      }),
      { numRuns },
    );
  });

  it('the built-in deserializers: any bytes decode, or fall back to raw bytes with a reason', () => {
    const builtins = deserializers().filter((d) => ['string', 'json', 'hex', 'base64'].includes(d.name));
    assert.equal(builtins.length, 4);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), fc.json().map((j) => new TextEncoder().encode(j))), (bytes) => {
        for (const d of builtins) {
          const decoded = decode(Buffer.from(bytes), d);
          assert.ok(decoded !== null, `${d.name} returned nothing for ${bytes.length} bytes`);
        }
      }),
      { numRuns },
    );
  });
});
