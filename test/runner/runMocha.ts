// Runs mocha programmatically over built test files with the shared LineReporter. Used inside the
// VS Code extension host (test/extension/index.ts) and, through mochaCli.ts, in plain Node child
// processes for the core and UI layers.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { emptyResults, LineReporter, type LineReporterOptions, type TestResults } from './reporter';

/** Every `*.test.js` under `dir`, sorted so runs are repeatable. */
export function findTestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTestFiles(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

export interface RunMochaOptions {
  files: string[];
  /** Names the layer in the summary line. */
  label: string;
  /** Where to write the TestResults JSON, if anywhere. */
  resultsFile?: string;
  /** Per-test timeout in ms; default 60 s. */
  timeout?: number;
  /** Only run tests whose full title matches. */
  grep?: string;
}

export async function runMocha(opts: RunMochaOptions): Promise<TestResults> {
  const results = emptyResults();
  const reporterOptions: LineReporterOptions = { results, resultsFile: opts.resultsFile, label: opts.label };
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: opts.timeout ?? 60_000,
    color: false,
    reporter: LineReporter,
    reporterOptions,
  });
  if (opts.grep) mocha.grep(opts.grep);
  for (const file of opts.files) mocha.addFile(file);
  if (opts.files.length === 0) console.log(`${opts.label}: no test files found`);
  await mocha.loadFilesAsync();
  return new Promise((resolveResults) => {
    mocha.run(() => resolveResults(results));
  });
}
