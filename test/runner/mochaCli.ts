// Runs one plain-Node test layer in its own process:
//   node out/test/runner/mochaCli.js <label> <dir> [--results FILE] [--grep PATTERN] [--timeout MS]
// Exits 1 when any test failed.
import { resolve } from 'node:path';
import { findTestFiles, runMocha } from './runMocha';
import { RESULTS_ENV } from './reporter';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const resultsFile = option('--results') ?? process.env[RESULTS_ENV];
  const grep = option('--grep') ?? process.env.KW_TEST_GREP;
  const timeout = option('--timeout');
  const [label, dir] = args;
  if (!label || !dir) throw new Error('usage: mochaCli.js <label> <dir> [--results FILE] [--grep PATTERN]');
  const results = await runMocha({
    files: findTestFiles(resolve(dir)),
    label,
    resultsFile,
    grep,
    timeout: timeout ? Number(timeout) : undefined,
  });
  // Tests may leave sockets or timers behind; the layer is over either way.
  process.exit(results.failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
