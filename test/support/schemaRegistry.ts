// A real Confluent-compatible Schema Registry for the tests (Apicurio Registry, in memory), started
// once per test process by scripts/registry/registry.sh on a free loopback port and stopped by its
// pid when the process exits. KW_TEST_SCHEMA_REGISTRY=<url> uses a registry that is already running.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from './repoRoot';

let pending: Promise<{ url: string }> | undefined;

/** The registry's base URL (ending in /apis/ccompat/v7). */
export function schemaRegistry(): Promise<{ url: string }> {
  pending ??= start().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

/** A loopback port nothing listens on (for "registry down" tests too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function start(): Promise<{ url: string }> {
  const given = process.env.KW_TEST_SCHEMA_REGISTRY;
  if (given) return { url: given };
  const script = path.join(findRepoRoot(), 'scripts', 'registry', 'registry.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-registry-'));
  const port = await freePort();
  const url = await new Promise<string>((resolve, reject) => {
    // The first run builds the app with Maven (minutes); later runs start in a few seconds.
    execFile(script, ['start', String(port), dir], { timeout: 15 * 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`Could not start the test Schema Registry: ${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
  process.once('exit', () => {
    try {
      execFileSync(script, ['stop', dir], { stdio: 'ignore', timeout: 20_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return { url };
}
