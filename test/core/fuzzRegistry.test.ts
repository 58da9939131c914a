// Property-based tests of what a Schema Registry may answer: a small node http server in this test
// answers every request with a generated status and body (JSON of the right shape with wrong field
// types, other JSON, text that is not JSON), and every client call and the Avro wire-format
// deserializer must return a value or a SchemaRegistryError, never a TypeError or a hang.
// KW_FUZZ_RUNS sets the cases (2,000 in `npm test`, 100,000 with `npm run fuzz`).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { encodeConfluentWireFormat } from '../../src/core/avro/codec';
import { SchemaRegistryClient, SchemaRegistryError } from '../../src/core/avro/registry';
import { deserializeAvro } from '../../src/core/avro/serde';

const numRuns = Number(process.env.KW_FUZZ_RUNS ?? 2000);

interface Answer {
  status: number;
  body: string;
}

const avroSchemaText = fc.oneof(
  fc.constant('"string"'),
  fc.constant('{"type":"record","name":"R","fields":[{"name":"f","type":"long"}]}'),
  fc.json(),
  fc.string(),
);

/** Bodies shaped like the registry's answers, with any value in any field, or not JSON at all. */
const body = fc.oneof(
  fc
    .record(
      {
        schema: fc.oneof(avroSchemaText, fc.jsonValue()),
        id: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
        version: fc.oneof(fc.nat(), fc.jsonValue()),
        subject: fc.oneof(fc.string(), fc.jsonValue()),
        schemaType: fc.oneof(fc.constantFrom('AVRO', 'JSON', 'PROTOBUF', 'XML'), fc.jsonValue()),
        references: fc.oneof(fc.array(fc.record({ name: fc.jsonValue(), subject: fc.jsonValue(), version: fc.jsonValue() }, { requiredKeys: [] })), fc.jsonValue()),
        is_compatible: fc.jsonValue(),
        messages: fc.jsonValue(),
        compatibilityLevel: fc.jsonValue(),
        error_code: fc.oneof(fc.integer(), fc.jsonValue()),
        message: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.jsonValue())).map((a) => JSON.stringify(a)),
  fc.json(),
  fc.string(),
  fc.constant(''),
);

const answer: fc.Arbitrary<Answer> = fc.record({ status: fc.constantFrom(200, 200, 200, 201, 204, 401, 403, 404, 409, 422, 500, 503), body });

describe('Fuzzing the Schema Registry client with hostile responses', function () {
  this.timeout(600_000);
  let server: http.Server;
  let current: Answer = { status: 200, body: '[]' };
  let registry: SchemaRegistryClient;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(current.status, { 'Content-Type': 'application/json' });
      res.end(current.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // No failure cache: every case must reach the server.
    registry = new SchemaRegistryClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, failureTtlMs: 0, timeoutMs: 5_000 });
  });

  after(async () => {
    registry.dispose();
    await new Promise((r) => server.close(r));
  });

  it('every client call and the wire-format deserializer give a value or a SchemaRegistryError', async () => {
    let id = 1;
    const expectClear = async (what: string, call: Promise<unknown>) => {
      try {
        await call;
      } catch (e) {
        assert.ok(e instanceof SchemaRegistryError, `${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        assert.ok(e.message.length > 0);
      }
    };
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        current = a;
        // A fresh id each case: the client caches schemas by id for its life.
        const caseId = id++;
        await expectClear('listSubjects', registry.listSubjects());
        await expectClear('listVersions', registry.listVersions('s'));
        await expectClear('getVersion', registry.getVersion('s', 'latest'));
        await expectClear('getSchemaById', registry.getSchemaById(caseId));
        await expectClear('register', registry.register('s', '"string"'));
        await expectClear('lookup', registry.lookup('s', '"string"'));
        await expectClear('checkCompatibility', registry.checkCompatibility('s', '"string"'));
        await expectClear('getCompatibility', registry.getCompatibility('s'));
        const decoded = await deserializeAvro(encodeConfluentWireFormat(caseId + 1_000_000_000, Buffer.from([2, 4])), { registry });
        assert.equal(typeof decoded.ok, 'boolean');
        if (!decoded.ok) assert.ok(decoded.error.length > 0);
      }),
      { numRuns: Math.max(50, Math.round(numRuns / 4)) },
    );
  });
});
