// broker.json is read by every window looking for a running broker: it is written atomically, and a
// damaged one (from an older version or a crash) is reported and set aside instead of blocking Start.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../src/core/broker/atomicWrite';
import { findRunningBroker } from '../../src/core/broker/localBroker';

describe('broker.json written atomically, read forgivingly', () => {
  let dir: string;

  before(async () => {
    dir = await fsp.mkdtemp(path.join(tmpdir(), 'kw-atomic-'));
  });

  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('a truncated broker.json does not block findRunningBroker: it reports, moves the file aside and finds no broker', async () => {
    const file = path.join(dir, 'broker.json');
    await fsp.writeFile(file, '{"bootstrap": "127.0.0.1:9092", "pid": 12');
    const reports: string[] = [];
    assert.equal(await findRunningBroker(dir, (m) => reports.push(m)), undefined);
    assert.equal(reports.length, 1);
    assert.match(reports[0], /broker\.json was not valid JSON .* moved to .*broker\.json\.corrupt/);
    await assert.rejects(fsp.access(file), 'the damaged file is gone from the way of the next start');
    assert.match(await fsp.readFile(`${file}.corrupt`, 'utf8'), /"pid": 12$/);
    assert.equal(await findRunningBroker(dir), undefined, 'and the next look finds simply nothing');
  });

  it('readers racing a writer always see a whole file, and no temporary file is left behind', async () => {
    const file = path.join(dir, 'race.json');
    const big = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(256 * 1024) });
    await writeFileAtomic(file, big(0));
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const value = await readJsonFile<{ n: number }>(file, (m) => assert.fail(`a reader saw a partial file: ${m}`));
        assert.equal(typeof value?.n, 'number');
        reads++;
      }
    })();
    for (let n = 1; n <= 40; n++) await writeFileAtomic(file, big(n));
    reading = false;
    await reader;
    assert.ok(reads > 0);
    assert.equal((await readJsonFile<{ n: number }>(file))?.n, 40);
    assert.deepEqual((await fsp.readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });
});
