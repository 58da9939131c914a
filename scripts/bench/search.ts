// Topic search benchmark (a script, not a test): 1,000,000 records of 100 bytes, one text match
// 900,000 records before the end, searched by
//   1. our topic search (src/core/consume/search/topicSearch.ts): range read from the leaders,
//      UTF-8 decode, the search predicate on every record, matches and progress callbacks;
//   2. the same with a regular expression (evaluated in the search worker);
//   3. the reference pipeline `kcat -C -e -o beginning | grep -c TEXT`;
// printed side by side. Goal: the topic search ≥ 50% of the kcat | grep rate.
// Usage: npm run bench:search [-- --records 1000000 --partitions 3 --runs 3 --only text,regex,json,read,kcat]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchTopic } from '../../src/core/consume/search/topicSearch';
import { RangeReader, resolveRanges } from '../../src/core/kafka/rangeReader';
import { kcatProduceFile, writeLines } from '../../test/support/bulkTopic';
import { createTopic, plainClient } from '../../test/support/consumeFixtures';
import { testBroker } from '../../test/support/testBroker';
import { benchTopicReady } from './benchTopic';
import { numberArg } from './args';

const args = process.argv.slice(2);
const RECORDS = numberArg('records', 1_000_000);
const PARTITIONS = numberArg('partitions', 3);
const RUNS = numberArg('runs', 3);
const ONLY = (() => {
  const i = args.indexOf('--only');
  return i >= 0 ? new Set(args[i + 1].split(',')) : new Set(['text', 'regex', 'json', 'read', 'kcat']);
})();
const NEEDLE_AT = Math.floor(RECORDS / 10);
const NEEDLE = `needle-${NEEDLE_AT}-found`;
const TOPIC = `bench-search-${RECORDS}x100-p${PARTITIONS}`;

async function ensureData(bootstrap: string): Promise<void> {
  if (await benchTopicReady(bootstrap, TOPIC, RECORDS)) return;
  await createTopic(bootstrap, TOPIC, PARTITIONS);
  const dir = await mkdtemp(join(tmpdir(), 'kw-bench-search-'));
  try {
    const file = join(dir, 'records.txt');
    await writeLines(file, RECORDS, 100, (n) => (n === NEEDLE_AT ? `{"n":${n},"text":"${NEEDLE}"}` : `{"n":${n},"text":"record ${n}"}`));
    const started = Date.now();
    await kcatProduceFile(bootstrap, TOPIC, file);
    console.log(`produced ${RECORDS} records with kcat -P in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** kcat -C -e -o beginning | grep -c NEEDLE: seconds and the match count. */
function kcatGrep(bootstrap: string): Promise<{ seconds: number; matches: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', `kcat -C -b ${bootstrap} -t ${TOPIC} -o beginning -e -q | grep -c -- '${NEEDLE}'`]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ seconds: (performance.now() - started) / 1000, matches: Number(out.trim()) }));
  });
}

interface Row {
  name: string;
  seconds: number;
  matches: number;
}

async function main(): Promise<void> {
  const broker = await testBroker();
  await ensureData(broker.bootstrap);
  const client = await plainClient(broker.bootstrap, 30_000);
  const rows: Row[] = [];
  const best = (name: string, runs: Row[]) => rows.push(runs.reduce((a, b) => (b.seconds < a.seconds ? b : a), { name, seconds: Infinity, matches: 0 }));
  try {
    for (const [name, query] of [
      [`topic search, text "${NEEDLE}"`, NEEDLE],
      [`topic search, regex /needle-\\d+-found/ (worker)`, '/needle-\\d+-found/'],
      [`topic search, JSON path $.n == ${NEEDLE_AT} (every record parsed)`, `$.n == ${NEEDLE_AT}`],
    ] as const) {
      if (!ONLY.has(query.startsWith('/') ? 'regex' : query.startsWith('$') ? 'json' : 'text')) continue;
      const runs: Row[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const result = await searchTopic(client, { topic: TOPIC, query, isolation: 'read_uncommitted' });
        if (result.scanned !== RECORDS) throw new Error(`${name}: scanned ${result.scanned} of ${RECORDS}`);
        runs.push({ name, seconds: (performance.now() - started) / 1000, matches: result.matches });
      }
      best(name, runs);
    }
    const readRuns: Row[] = [];
    for (let i = 0; i < (ONLY.has('read') ? RUNS : 0); i++) {
      const started = performance.now();
      const reader = await RangeReader.open(client, TOPIC, 'read_uncommitted');
      let n = 0;
      await reader.read({ ranges: await resolveRanges(client, TOPIC, undefined, { kind: 'earliest' }, { kind: 'latest' }) }, { records: (_, m) => void (n += m.length) });
      await reader.close();
      if (n !== RECORDS) throw new Error(`range read: ${n} of ${RECORDS}`);
      readRuns.push({ name: 'range read only (no search), for reference', seconds: (performance.now() - started) / 1000, matches: 0 });
    }
    if (readRuns.length) best('range read only (no search), for reference', readRuns);
    const runs: Row[] = [];
    for (let i = 0; i < (ONLY.has('kcat') ? RUNS : 0); i++) {
      const k = await kcatGrep(broker.bootstrap);
      runs.push({ name: 'kcat -C -e -o beginning | grep -c', seconds: k.seconds, matches: k.matches });
    }
    if (runs.length) best('kcat -C -e -o beginning | grep -c', runs);
  } finally {
    await client.close();
  }
  const reference = rows.find((r) => r.name.startsWith('kcat')) ?? rows[0];
  const rate = (r: Row) => RECORDS / r.seconds;
  console.log(`\n${RECORDS.toLocaleString('en-US')} records × 100 B in ${PARTITIONS} partitions; one match ${(RECORDS - NEEDLE_AT).toLocaleString('en-US')} records before the end; best of ${RUNS} runs`);
  console.log(`${'search'.padEnd(58)} ${'matches'.padStart(7)} ${'seconds'.padStart(8)} ${'records/s'.padStart(11)}  vs kcat|grep`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(58)} ${String(r.matches).padStart(7)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(rate(r)).toLocaleString('en-US').padStart(11)}  ${`${Math.round((rate(r) / rate(reference)) * 100)}%`.padStart(11)}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
