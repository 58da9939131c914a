// `npm test`: builds (in package.json), then runs every layer in order and prints one summary line.
//   checks     npm run typecheck, npm run lint (one check each)
//   core       mocha over out/test/core with plain Node, against the shared test broker
//   extension  out/test/extension in a real VS Code extension host (code-server + Chromium)
//   ui         mocha over out/test/ui with plain Node; those tests click the real workbench
//
// Options (arguments after `npm test --`, or the environment):
//   --only core,extension   KW_TEST_ONLY   run only these layers (typecheck, lint, checks, core, extension, ui)
//   --skip checks           KW_TEST_SKIP   run all layers but these
//   --grep PATTERN          KW_TEST_GREP   only tests whose full title matches (mocha grep)
// KW_VERBOSE=1 prints code-server's own log too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRunningBroker } from '../../src/core/broker/localBroker';
import { schemaRegistry } from '../support/schemaRegistry';
import { stopTestBroker, testBroker, testBrokerDir, type BrokerInfo } from '../support/testBroker';
import { repoRoot } from './codeServer';
import { runExtensionHostTests } from './extensionHost';
import type { TestResults } from './reporter';

const LAYERS = ['typecheck', 'lint', 'core', 'extension', 'ui'] as const;
type Layer = (typeof LAYERS)[number];
const GROUPS: Record<string, Layer[]> = { checks: ['typecheck', 'lint'], static: ['typecheck', 'lint'] };

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];

function parseLayers(list: string | undefined): Layer[] | undefined {
  if (list === undefined) return undefined;
  const layers: Layer[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (GROUPS[name]) layers.push(...GROUPS[name]);
    else if ((LAYERS as readonly string[]).includes(name)) layers.push(name as Layer);
    else throw new Error(`unknown test layer "${name}"; known: ${[...LAYERS, ...Object.keys(GROUPS)].join(', ')}`);
  }
  return layers;
}

function parseArgs(argv: string[]): { layers: Set<Layer>; grep?: string } {
  let only = process.env.KW_TEST_ONLY || undefined;
  let skip = process.env.KW_TEST_SKIP || undefined;
  let grep = process.env.KW_TEST_GREP || undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => inline ?? argv[++i] ?? '';
    if (flag === '--only') only = value();
    else if (flag === '--skip') skip = value();
    else if (flag === '--grep') grep = value();
    else throw new Error(`unknown argument "${argv[i]}"; use --only LAYERS, --skip LAYERS, --grep PATTERN`);
  }
  const selected = new Set(parseLayers(only) ?? LAYERS);
  for (const layer of parseLayers(skip) ?? []) selected.delete(layer);
  return { layers: selected, grep };
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function banner(text: string): void {
  console.log(`\n=== ${text} ===`);
}

function count(layer: string, results: TestResults | undefined, exitCode: number): void {
  if (results) {
    totals.passed += results.passed;
    totals.failed += results.failed;
    totals.skipped += results.pending;
    for (const f of results.failures) {
      // The error's first lines too: CI shows only the end of the output.
      const detail = f.error.split('\n').slice(0, 12).map((l) => `      ${l}`).join('\n');
      failures.push(`${layer}: ${f.title}\n${detail}`);
    }
  }
  // A crash, a timeout or a failed run() with nothing counted is still a failure.
  if (exitCode !== 0 && !results?.failed) {
    totals.failed++;
    failures.push(`${layer}: did not complete (exit ${exitCode})`);
  }
}

/** Runs a command; its output streams through. Resolves with the exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 30 * 60_000): Promise<number> {
  return new Promise((resolveCode) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.log(`${command} ${args.join(' ')}: no result after ${timeoutMs / 60_000} min, killing it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      console.log(`${command}: ${error.message}`);
      clearTimeout(timer);
      resolveCode(127);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveCode(code ?? (signal ? 128 : 1));
    });
  });
}

async function check(name: Layer): Promise<void> {
  banner(name);
  const started = Date.now();
  const code = await run('npm', ['run', '--silent', name]);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(`${name}: npm run ${name} exited ${code}`);
  }
  console.log(`${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(started)}`);
}

async function mochaLayer(layer: 'core' | 'ui', env: NodeJS.ProcessEnv, scratch: string): Promise<void> {
  banner(`${layer} tests`);
  const started = Date.now();
  const resultsFile = join(scratch, `${layer}.json`);
  const code = await run(
    process.execPath,
    ['--enable-source-maps', join(__dirname, 'mochaCli.js'), layer, join(repoRoot, 'out', 'test', layer), '--results', resultsFile],
    env,
  );
  count(layer, readResults(resultsFile), code);
  console.log(`${layer}: finished in ${seconds(started)}`);
}

function readResults(file: string): TestResults | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestResults;
  } catch {
    return undefined;
  }
}

function ensureCodeServer(): boolean {
  const started = Date.now();
  const result = spawnSync(join(repoRoot, 'scripts', 'install-code-server.sh'), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    totals.failed++;
    failures.push('code-server: scripts/install-code-server.sh failed');
    return false;
  }
  if (Date.now() - started > 2000) console.log(`code-server installed in ${seconds(started)}`);
  return true;
}

/**
 * A broker.json for child processes (KW_TEST_BROKER): the one testBroker() keeps beside the broker,
 * or, failing that, the info written to the run's scratch folder (testBroker() reads either).
 */
function brokerFile(info: BrokerInfo, scratch: string): string {
  const recorded = (info as { files?: { info?: string } }).files?.info;
  if (recorded && existsSync(recorded)) return recorded;
  const file = join(scratch, 'broker.json');
  writeFileSync(file, JSON.stringify(info, null, 2));
  return file;
}

async function main(): Promise<number> {
  const { layers, grep } = parseArgs(process.argv.slice(2));
  const overall = Date.now();
  console.log(`layers: ${[...layers].join(', ') || '(none)'}${grep ? `; grep: ${grep}` : ''}`);

  for (const name of ['typecheck', 'lint'] as const) if (layers.has(name)) await check(name);

  const needsBroker = layers.has('core') || layers.has('extension') || layers.has('ui');
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (grep) env.KW_TEST_GREP = grep;
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const scratch = mkdtempSync(join(repoRoot, '.cache', 'test-run-'));
  let brokerStarted = false;
  const cleanup = async (): Promise<void> => {
    if (brokerStarted) {
      brokerStarted = false;
      await stopTestBroker().catch((error: unknown) => console.log(`stopping the test broker failed: ${String(error)}`));
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: stopping the test broker`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    if (needsBroker) {
      banner('test broker');
      const started = Date.now();
      try {
        // A broker someone left running (KW_KEEP_TEST_BROKER=1, or another run in progress) is used
        // and left running; one this run starts is stopped at the end.
        const preexisting = await findRunningBroker(testBrokerDir()).catch(() => undefined);
        const info = await testBroker();
        brokerStarted = !preexisting;
        if (preexisting) console.log('using the test broker that was already running; it is left running');
        env.KW_TEST_BROKER = brokerFile(info, scratch);
        console.log(`test broker ${info.bootstrap} ready in ${seconds(started)} (KW_TEST_BROKER=${env.KW_TEST_BROKER})`);
      } catch (error) {
        totals.failed++;
        failures.push(`test broker: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`test broker FAILED after ${seconds(started)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }

    if (needsBroker && !env.KW_TEST_SCHEMA_REGISTRY) {
      // One registry for the whole run, started from this process (which stops it on exit): a test
      // process that started its own would leak it when killed, as the extension host is.
      banner('schema registry');
      const started = Date.now();
      try {
        env.KW_TEST_SCHEMA_REGISTRY = (await schemaRegistry()).url;
        console.log(`schema registry ${env.KW_TEST_SCHEMA_REGISTRY} ready in ${seconds(started)}`);
      } catch (error) {
        totals.failed++;
        failures.push(`schema registry: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`schema registry FAILED after ${seconds(started)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    if (layers.has('core')) await mochaLayer('core', env, scratch);

    const needsCodeServer = layers.has('extension') || layers.has('ui');
    const haveCodeServer = needsCodeServer && ensureCodeServer();

    if (layers.has('extension') && haveCodeServer) {
      banner('extension-host tests (code-server)');
      const started = Date.now();
      const result = await runExtensionHostTests({ env });
      if (result.error) console.log(`extension: ${result.error}`);
      count('extension', result.results, result.exitCode);
      console.log(`extension: finished in ${seconds(started)}`);
    }

    if (layers.has('ui') && haveCodeServer) await mochaLayer('ui', env, scratch);
  } finally {
    await cleanup();
  }

  console.log('');
  if (failures.length) {
    console.log('Failures:');
    for (const f of failures) console.log(`  ${f}`);
  }
  console.log(`(total ${seconds(overall)})`);
  console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  return totals.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
