// The Schema Registry client against hostile registries (a small node http server in this test that
// hangs, floods, or answers 404) and against the real Apicurio registry: lookups by id give up
// before a consumer's session would time out, a failure is remembered briefly instead of asked for
// per record, at most a few requests are in flight, a 10 MB body is refused, and a URL's embedded
// credentials never reach what is shown.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REGISTRY_LOOKUP_TIMEOUT_MS, SchemaRegistryClient, SchemaRegistryError, displayUrl } from '../../src/core/avro/registry';
import { CONSUMER_SESSION_TIMEOUT_MS } from '../../src/core/kafka/consumer';
import { schemaRegistry } from '../support/schemaRegistry';

interface Hostile {
  url: string;
  /** Requests received, by path. */
  requests: string[];
  /** Requests being answered right now, and the most at once. */
  open: number;
  maxOpen: number;
  authorization: (string | undefined)[];
  close(): Promise<void>;
}

/** A registry that answers every request with `answer`, which may never end the response. */
async function hostileRegistry(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Hostile> {
  const sockets = new Set<import('node:net').Socket>();
  const state = { requests: [] as string[], open: 0, maxOpen: 0, authorization: [] as (string | undefined)[] };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url ?? '');
    state.authorization.push(req.headers.authorization);
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    res.on('close', () => state.open--);
    answer(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  }) as Hostile;
}

async function failure(p: Promise<unknown>): Promise<SchemaRegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SchemaRegistryError, `a SchemaRegistryError, not ${String(e)}`);
    return e;
  }
  throw new Error('expected a failure');
}

describe('Schema Registry client hardening', function () {
  this.timeout(60_000);
  const servers: Hostile[] = [];
  const clients: SchemaRegistryClient[] = [];
  const client = (options: ConstructorParameters<typeof SchemaRegistryClient>[0]) => {
    const c = new SchemaRegistryClient(options);
    clients.push(c);
    return c;
  };
  const hostile = async (answer: Parameters<typeof hostileRegistry>[0]) => {
    const s = await hostileRegistry(answer);
    servers.push(s);
    return s;
  };

  after(async () => {
    for (const c of clients) c.dispose();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a hanging registry: a lookup by id gives up before the consumer session times out, and the next lookups fail at once without asking again', async () => {
    assert.ok(REGISTRY_LOOKUP_TIMEOUT_MS < CONSUMER_SESSION_TIMEOUT_MS / 2, 'the lookup time-out leaves the consumer time to heartbeat');
    const hang = await hostile(() => undefined);
    // The connection's own time-out is longer (30 s): the lookup uses the shorter one.
    const registry = client({ url: hang.url, timeoutMs: 30_000 });
    const started = Date.now();
    const first = await failure(registry.getSchemaById(1));
    const took = Date.now() - started;
    assert.equal(first.failure, 'timeout');
    assert.match(first.message, /did not answer within 4 s/);
    assert.ok(took >= REGISTRY_LOOKUP_TIMEOUT_MS - 100 && took < REGISTRY_LOOKUP_TIMEOUT_MS + 2_000, `gave up after ${took} ms`);
    // A batch of records naming other ids right after: each fails at once, none reaches the registry.
    const burst = Date.now();
    const rest = await Promise.all(Array.from({ length: 200 }, (_, i) => failure(registry.getSchemaById(100 + i))));
    assert.ok(Date.now() - burst < 500, `200 lookups failed fast (${Date.now() - burst} ms)`);
    assert.ok(rest.every((e) => e.failure === 'timeout'));
    assert.deepEqual(hang.requests, ['/schemas/ids/1'], 'only the first lookup reached the registry');
  });

  it('at most 4 requests in flight: 40 concurrent calls to a hanging registry open 4 and give up together', async () => {
    const hang = await hostile(() => undefined);
    const registry = client({ url: hang.url, timeoutMs: 1_000 });
    const started = Date.now();
    const errors = await Promise.all(Array.from({ length: 40 }, () => failure(registry.listSubjects())));
    assert.ok(errors.every((e) => e.failure === 'timeout'), errors.map((e) => e.message).join('\n'));
    assert.ok(Date.now() - started < 2_500, `queued calls keep their own deadline (${Date.now() - started} ms)`);
    assert.equal(hang.maxOpen, 4, 'never more than 4 requests at the registry at once');
    assert.equal(hang.requests.length, 4, 'the queued ones gave up without being sent');
  });

  it('refuses a 10 MB response, with or without Content-Length, instead of buffering it', async () => {
    const tenMB = Buffer.alloc(10 * 1024 * 1024, 'x');
    for (const chunked of [false, true]) {
      let written = 0;
      const flood = await hostile((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', ...(chunked ? {} : { 'Content-Length': String(tenMB.length + 2) }) });
        res.write('["');
        // In 64 KB pieces, stopping when the client hangs up.
        const push = () => {
          while (written < tenMB.length && !res.destroyed) {
            const piece = tenMB.subarray(written, written + 65_536);
            written += piece.length;
            if (!res.write(piece)) return void res.once('drain', push);
          }
          if (!res.destroyed) res.end('"]');
        };
        push();
      });
      const registry = client({ url: flood.url });
      const e = await failure(registry.listSubjects());
      assert.equal(e.failure, 'bad-response');
      assert.match(e.message, /answered GET \/subjects with more than 8 MiB: refused/);
    }
  });

  it('a missing id is asked for once per batch: the 404 is remembered for the failure TTL, then asked again', async () => {
    const missing = await hostile((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
    });
    const registry = client({ url: missing.url, failureTtlMs: 300 });
    const errors = await Promise.all(Array.from({ length: 100 }, () => failure(registry.getSchemaById(7))));
    assert.ok(errors.every((e) => e.failure === 'not-found' && /Schema id 7 is not in the Schema Registry/.test(e.message)));
    assert.equal(missing.requests.length, 1, 'one request for 100 records');
    await failure(registry.getSchemaById(7));
    assert.equal(missing.requests.length, 1, 'still remembered');
    await new Promise((r) => setTimeout(r, 400));
    await failure(registry.getSchemaById(7));
    assert.equal(missing.requests.length, 2, 'asked again after the TTL');
  });

  it('credentials embedded in the URL are sent as basic auth but shown nowhere: not in url, not in errors', async () => {
    const down = await hostile((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 50001, message: 'boom' }));
    });
    const withSecret = down.url.replace('http://', 'http://reg-user:s3cr%40t@');
    assert.equal(displayUrl(withSecret), down.url);
    assert.equal(displayUrl('not a url://user:pw@host'), 'not a url://host');
    const registry = client({ url: withSecret });
    assert.equal(registry.url, down.url);
    const e = await failure(registry.listSubjects());
    assert.ok(!/s3cr|reg-user/.test(e.message), e.message);
    assert.match(e.message, new RegExp(`Schema Registry at ${down.url.replace(/[.]/g, '\\.')} failed: boom`));
    assert.equal(down.authorization[0], `Basic ${Buffer.from('reg-user:s3cr@t').toString('base64')}`);
  });

  it('the real Apicurio registry: 60 concurrent lookups through the cap all resolve; an unknown id is remembered; a credentialed URL is shown without them', async () => {
    const { url } = await schemaRegistry();
    const registry = client({ url: url.replace('://', '://someone:hunter2@') });
    assert.ok(!registry.url.includes('hunter2'));
    const subject = `hardening-${Date.now()}-value`;
    // One at a time: the in-memory Apicurio locks its id sequence per registration.
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await registry.register(`${subject}-${i}`, JSON.stringify({ type: 'record', name: `R${i}`, fields: [{ name: 'f', type: 'string' }] })));
    const fresh = client({ url });
    const found = await Promise.all(Array.from({ length: 60 }, (_, i) => fresh.getSchemaById(ids[i % 3]!)));
    assert.ok(found.every((s, i) => s.id === ids[i % 3] && s.schema.includes(`R${i % 3}`)));
    const e = await failure(registry.getSchemaById(987_654_321));
    assert.equal(e.failure, 'not-found');
    assert.ok(!e.message.includes('hunter2'), e.message);
    assert.equal(await failure(registry.getSchemaById(987_654_321)), e, 'the same failure, remembered');
  });
});
