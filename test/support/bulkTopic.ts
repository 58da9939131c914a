// Large topics made fast: kcat (librdkafka) produces a generated file, one record per line.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Writes `count` lines of about `size` bytes (`line(n)` padded with spaces, so JSON stays JSON) to `file`. */
export async function writeLines(file: string, count: number, size: number, line: (n: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let chunk = '';
  for (let n = 0; n < count; n++) {
    const text = line(n);
    chunk += `${text}${' '.repeat(Math.max(0, size - text.length - 1))}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** kcat -P: every line of `file` becomes a record of `topic` (librdkafka spreads them over the partitions). */
export function kcatProduceFile(bootstrap: string, topic: string, file: string, extra: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-l', '-X', 'linger.ms=20', '-X', 'batch.size=1000000', ...extra, file]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${stderr}`))));
  });
}

/**
 * kcat -P fed by awk: `count` records whose values are `size` bytes (`v-<n, 8 digits> xxx…`),
 * generated outside this process (so a test in the extension host measures the viewer, not the
 * producer) and never written to disk. Gigabytes take seconds.
 */
export function kcatProduceGenerated(bootstrap: string, topic: string, count: number, size: number, extra: string[] = []): Promise<void> {
  const awk = `BEGIN { pad = sprintf("%${Math.max(0, size - 11)}s", ""); gsub(/ /, "x", pad); for (i = 0; i < ${count}; i++) printf "v-%08d %s\\n", i, pad }`;
  return new Promise((resolve, reject) => {
    const gen = spawn('awk', [awk], { stdio: ['ignore', 'pipe', 'inherit'] });
    const child = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-X', 'linger.ms=20', '-X', 'batch.size=1000000', ...extra], { stdio: [gen.stdout, 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    gen.on('error', reject);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${stderr}`))));
  });
}
