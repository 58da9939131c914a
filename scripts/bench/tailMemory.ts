// Memory of the real consume pipeline under the default byte budget (a script, not a test): a
// topic of N records of S bytes (kcat -P, made once), read from the beginning by a TailSession
// with the viewer's defaults (cap 100,000, default byte budget and preview length); prints the
// records kept, the budget's estimate, and the process's heap, external memory and RSS after a GC.
// Usage: node --expose-gc out/scripts/bench/tailMemory.js [--records 200000 --bytes 5000 --cap 100000]
import * as v8 from 'node:v8';
import { readFileSync } from 'node:fs';
import { TailSession, type RowSink } from '../../src/core/consume/tailSession';
import { watermarks } from '../../src/core/kafka/offsets';
import { kcatProduceGenerated } from '../../test/support/bulkTopic';
import { createTopic, plainClient } from '../../test/support/consumeFixtures';
import { testBroker } from '../../test/support/testBroker';
import { numberArg } from './args';

const RECORDS = numberArg('records', 200_000);
const BYTES = numberArg('bytes', 5_000);
const CAP = numberArg('cap', 100_000);
const BUDGET = numberArg('budget-mb', 0) * 1024 * 1024 || undefined;
const TOPIC = `bench-tail-memory-${RECORDS}x${BYTES}`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const vmRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

async function main(): Promise<void> {
  const broker = await testBroker();
  const client = await plainClient(broker.bootstrap, 15_000);
  const marks = await watermarks(client, TOPIC).catch(() => []);
  if (marks.reduce((n, m) => n + Number(m.high), 0) !== RECORDS) {
    await createTopic(broker.bootstrap, TOPIC, 1).catch(() => undefined);
    const t = Date.now();
    await kcatProduceGenerated(broker.bootstrap, TOPIC, RECORDS, BYTES);
    console.log(`produced ${RECORDS} × ${BYTES} B in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  global.gc?.();
  const before = process.memoryUsage();
  let peak = 0;
  const sink: RowSink = { visible: true, view: (u) => void JSON.stringify(u) };
  const t = Date.now();
  const session = await TailSession.start(client, { topic: TOPIC, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'string', capacity: CAP, maxBytes: BUDGET }, sink);
  session.setWindow(0, 60, true);
  const sampler = setInterval(() => (peak = Math.max(peak, vmRss())), 200);
  await session.waitForReceived(RECORDS, 600_000);
  const seconds = (Date.now() - t) / 1000;
  clearInterval(sampler);
  await session.stop();
  global.gc?.();
  const after = process.memoryUsage();
  console.log(`${RECORDS.toLocaleString('en-US')} records of ${BYTES.toLocaleString('en-US')} B read in ${seconds.toFixed(1)} s; kept ${session.buffer.length.toLocaleString('en-US')}, estimate ${mb(session.buffer.byteSize)} (budget ${mb(session.buffer.maxBytes)})`);
  console.log(`heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, heap total ${mb(after.heapTotal)}, external ${mb(after.external)}, ArrayBuffers ${mb(after.arrayBuffers)}`);
  console.log(`RSS ${mb(before.rss)} → ${mb(after.rss)} after GC (peak seen ${mb(peak)})`);
  for (const s of v8.getHeapSpaceStatistics()) if (s.space_size > 1 << 20) console.log(`  ${s.space_name.padEnd(24)} size ${mb(s.space_size)} used ${mb(s.space_used_size)}`);
  await client.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
