// The tests module VS Code loads into the extension host (the `extensionTestsPath` contract shared by
// @vscode/test-electron and code-server's payload URL): it runs every *.test.js beside it with mocha.
// Results: one line per test on the console (forwarded to the window log), and a TestResults JSON
// written to $KW_TEST_RESULTS (the runner starts code-server with it; the extension host inherits the
// server's environment). $KW_TEST_GREP narrows the run.
import { findTestFiles, runMocha } from '../runner/runMocha';

export async function run(): Promise<void> {
  const results = await runMocha({
    files: findTestFiles(__dirname),
    label: 'extension',
    resultsFile: process.env.KW_TEST_RESULTS,
    grep: process.env.KW_TEST_GREP,
    timeout: 60_000,
  });
  if (results.failed > 0) throw new Error(`${results.failed} extension test(s) failed`);
}
