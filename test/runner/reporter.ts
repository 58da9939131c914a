// A mocha reporter shared by every test layer: one line per test (so results show up in whatever
// log carries console output, including VS Code's window log), and a results file the runner counts
// from. Used through runMocha.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Mocha from 'mocha';

export interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

/** Environment variable naming the file the reporter writes its TestResults JSON to. */
export const RESULTS_ENV = 'KW_TEST_RESULTS';

export interface LineReporterOptions {
  /** Filled in as tests finish, so the caller can read the counts after the run. */
  results?: TestResults;
  resultsFile?: string;
  label?: string;
}

export function emptyResults(): TestResults {
  return { passed: 0, failed: 0, pending: 0, failures: [] };
}

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END, EVENT_SUITE_BEGIN } =
  Mocha.Runner.constants;

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export class LineReporter extends Mocha.reporters.Base {
  readonly results: TestResults;

  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const reporterOptions = (options?.reporterOptions ?? {}) as LineReporterOptions;
    this.results = reporterOptions.results ?? emptyResults();
    const resultsFile = reporterOptions.resultsFile ?? process.env[RESULTS_ENV];
    const label = reporterOptions.label ?? process.env.KW_TEST_LABEL ?? 'tests';
    // console.log, not process.stdout: inside the extension host only console calls are forwarded.
    const print = (line: string): void => console.log(line);

    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.root || !suite.title) return;
      print(`${'  '.repeat(depth(suite))}${suite.title}`);
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      this.results.passed++;
      print(`${indent(test)}✔ ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      this.results.pending++;
      print(`${indent(test)}- ${test.title} (skipped)`);
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: unknown) => {
      this.results.failed++;
      const title = test.fullTitle();
      const detail = describeError(error);
      this.results.failures.push({ title, error: detail });
      print(`${indent(test)}✘ ${test.title}`);
      for (const line of detail.split('\n')) print(`${indent(test)}    ${line}`);
    });
    runner.once(EVENT_RUN_END, () => {
      const { passed, failed, pending } = this.results;
      print(`${label}: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
      if (resultsFile) {
        mkdirSync(dirname(resultsFile), { recursive: true });
        writeFileSync(resultsFile, JSON.stringify(this.results, null, 2));
      }
    });
  }
}

function depth(suite: Mocha.Suite): number {
  let n = 0;
  for (let s = suite.parent; s && !s.root; s = s.parent) n++;
  return n + 1;
}

function indent(test: Mocha.Runnable): string {
  return '  '.repeat(test.parent ? depth(test.parent) + 1 : 1);
}
