// Runs the extension-host suite (out/test/extension) in desktop VS Code through @vscode/test-electron,
// for machines that can download VS Code (and have a display, e.g. xvfb-run on Linux). On machines
// without a route to VS Code's update servers this fails fast; use `npm test` (code-server) there.
//
// Environment: KW_VSCODE_VERSION (default "stable"), KW_VSCODE_EXECUTABLE (skip the download and
// use this build), KW_TEST_GREP, KW_TEST_BROKER (passed on to the tests).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repoRoot } from './codeServer';
import type { TestResults } from './reporter';

async function main(): Promise<number> {
  const cachePath = join(repoRoot, '.cache', 'vscode-test');
  let vscodeExecutablePath = process.env.KW_VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath) {
    const version = process.env.KW_VSCODE_VERSION ?? 'stable';
    try {
      // timeout is an idle timeout: a stalled connection fails in 15 s instead of hanging.
      vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath, timeout: 15_000 });
    } catch (error) {
      console.error(
        [
          `runDesktop: could not download desktop VS Code (${version}):`,
          `  ${error instanceof Error ? error.message : String(error)}`,
          'This machine cannot reach VS Code\'s update servers. Either set KW_VSCODE_EXECUTABLE to an',
          'installed VS Code, or run the same suite in code-server with `npm test -- --only extension`.',
        ].join('\n'),
      );
      return 1;
    }
  }

  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const scratch = mkdtempSync(join(repoRoot, '.cache', 'desktop-tests-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  const resultsFile = join(scratch, 'results.json');
  try {
    const exitCode = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'extension'),
      extensionTestsEnv: {
        KW_TEST_RESULTS: resultsFile,
        KW_TEST_GREP: process.env.KW_TEST_GREP,
        KW_TEST_BROKER: process.env.KW_TEST_BROKER,
      },
      launchArgs: [
        workspace,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', join(scratch, 'user-data'),
        '--extensions-dir', join(scratch, 'extensions'),
      ],
    }).catch((error: unknown) => {
      console.error(`runDesktop: VS Code failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    });
    let results: TestResults | undefined;
    try {
      results = JSON.parse(readFileSync(resultsFile, 'utf8')) as TestResults;
    } catch {
      // The suite never got to report.
    }
    if (results) console.log(`${results.passed} passed, ${results.failed} failed${results.pending ? `, ${results.pending} skipped` : ''}`);
    return exitCode === 0 && results?.failed === 0 ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
