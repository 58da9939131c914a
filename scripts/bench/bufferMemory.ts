// Memory of the viewer's buffer under its byte budget (a script, not a test): pushes N records of
// S bytes of text through TailBuffer with the default budget (no broker: the buffer alone) and
// prints the records kept, the budget's estimate and the process's heap and RSS after a GC.
// Usage: node --expose-gc out/scripts/bench/bufferMemory.js [--records 200000 --bytes 5000]
import { DEFAULT_BUFFER_BYTES, TailBuffer } from '../../src/core/consume/tailBuffer';
import { numberArg } from './args';

const RECORDS = numberArg('records', 200_000);
const BYTES = numberArg('bytes', 5_000);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

gc?.();
const before = process.memoryUsage();
const buffer = new TailBuffer(1_000_000);
let peakRss = 0;
for (let n = 0; n < RECORDS; n++) {
  // A fresh string per record, as decoding makes one (no sharing with the others).
  const value = `{"n":${n},"text":"${'x'.repeat(BYTES - 20)}"}`.slice(0, BYTES);
  buffer.push(0, String(n), Date.now(), `key-${n}`, value, value.length, undefined, undefined, undefined);
  if (n % 10_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
gc?.();
const after = process.memoryUsage();
console.log(`${RECORDS.toLocaleString('en-US')} records of ${BYTES.toLocaleString('en-US')} B pushed; budget ${mb(DEFAULT_BUFFER_BYTES)} (estimate) and cap 1,000,000`);
console.log(`kept ${buffer.length.toLocaleString('en-US')} records, estimate ${mb(buffer.byteSize)}`);
console.log(`heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)}; RSS ${mb(before.rss)} → ${mb(after.rss)} (peak seen ${mb(peakRss)})`);
