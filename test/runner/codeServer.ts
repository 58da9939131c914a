// Starts code-server (a real VS Code 1.100 server plus web workbench, installed by
// scripts/install-code-server.sh) for the extension-host tests, the UI tests and `npm run sandbox`.
import { findRepoRoot } from '../support/repoRoot';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = findRepoRoot();
export const codeServerBin = join(repoRoot, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

export interface CodeServerOptions {
  /** Folder the workbench opens (also passed to the payload URLs built by the callers). */
  workspaceFolder: string;
  /** Port to bind on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Written to the user's settings.json before start. */
  userSettings?: Record<string, unknown>;
  /**
   * An extension folder (with package.json and its built main) to install for every window of this
   * server, so a user who just opens the URL gets it (the sandbox). It is symlinked into the fresh
   * extensions dir, so a rebuild plus "Developer: Reload Window" picks up changes. Tests should load
   * the extension through the payload URL instead (see extensionHost.ts), not through this.
   */
  extensionDevelopmentPath?: string;
  /** Extra environment for the server; it reaches the extension host's process.env too. */
  env?: NodeJS.ProcessEnv;
  /** Receives code-server's output, line by line. */
  log?: (line: string) => void;
  /** Folder for user data and extensions; a fresh temp folder (removed on stop) when omitted. */
  dataDir?: string;
  /** How long to wait for the server to answer (ms); default 60 s. */
  readyTimeoutMs?: number;
  /**
   * A password the browser must give before the workbench (and its terminals) open. Anything that
   * outlives a test run (the sandbox) sets one: without it any local user, or a web page through DNS
   * rebinding, gets a shell as the developer. Tests on a short-lived random port go without.
   */
  password?: string;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** The folder the workbench opens. */
  workspaceFolder: string;
  userDataDir: string;
  extensionsDir: string;
  /** Settles when the server process exits, for whatever reason. */
  exited: Promise<void>;
  /** Stops the server and everything it spawned (its process group); safe to call twice. */
  stop(): Promise<void>;
}

/** Settings that keep a test workbench quiet and deterministic; callers' settings win. */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

/**
 * Environment for test servers: no extension gallery (these machines cannot reach open-vsx.org, and
 * tests should not depend on it), so the workbench does not log failed gallery requests.
 */
export const offlineEnv: NodeJS.ProcessEnv = { EXTENSIONS_GALLERY: '{}' };

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const request = get(url, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.setTimeout(2000, () => request.destroy());
    request.once('error', () => resolveStatus(0));
  });
}

function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(line);
  });
  stream.on('end', () => {
    if (pending.trim()) log(pending);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Starts code-server and resolves once its HTTP endpoint answers. */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(codeServerBin)) {
    throw new Error(`code-server is not installed at ${codeServerBin}; run scripts/install-code-server.sh`);
  }
  const log = opts.log ?? (() => undefined);
  const port = opts.port ?? (await freePort());
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(repoRoot, '.cache', 'code-server-run-'));
  const userDataDir = join(dataDir, 'user-data');
  const extensionsDir = join(dataDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings, ...opts.userSettings }, null, 2),
  );
  // code-server otherwise creates ~/.config/code-server/config.yaml with a random password.
  const configFile = join(dataDir, 'config.yaml');
  const auth = opts.password ? 'password' : 'none';
  writeFileSync(configFile, `auth: ${auth}\ncert: false\n`, { mode: 0o600 });

  if (opts.extensionDevelopmentPath) installBySymlink(opts.extensionDevelopmentPath, extensionsDir);

  const args = [
    '--config', configFile,
    '--auth', auth,
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    opts.workspaceFolder,
  ];
  const child = spawn(codeServerBin, args, {
    cwd: opts.workspaceFolder,
    // A process group of its own, so stop() also ends the extension host, pty hosts and watchers.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The password goes through the environment, not the command line other users can read.
    env: { ...process.env, ...opts.env, ...(opts.password ? { PASSWORD: opts.password } : {}) },
  });
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);

  let exited = false;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = true;
      log(`code-server exited (${signal ?? code})`);
      resolveExit();
    });
  });
  // If the test process dies without calling stop(), do not leave a server behind.
  const onProcessExit = (): void => {
    killGroup(child, 'SIGKILL');
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onProcessExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', onProcessExit);
      if (!exited) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      // Children that outlived the server (the extension host may linger) go too.
      killGroup(child, 'SIGKILL');
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while ((await httpStatus(`${url}healthz`)) !== 200) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before it was ready (port ${port}); see its log above`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${opts.readyTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, workspaceFolder: opts.workspaceFolder, userDataDir, extensionsDir, exited: exitPromise, stop };
}

/**
 * Makes an extension folder an installed extension: a `<publisher>.<name>-<version>` symlink in the
 * extensions dir, recorded in the dir's extensions.json (VS Code only scans the folder when that file
 * is missing, so a kept data dir would otherwise not see a new version). Older links of it go.
 */
function installBySymlink(extensionPath: string, extensionsDir: string): void {
  const source = resolve(extensionPath);
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const id = `${manifest.publisher}.${manifest.name}`;
  const folder = `${id}-${manifest.version}`;
  const indexFile = join(extensionsDir, 'extensions.json');
  type Entry = { identifier: { id: string }; relativeLocation?: string };
  let entries: Entry[] = [];
  try {
    entries = JSON.parse(readFileSync(indexFile, 'utf8')) as Entry[];
  } catch {
    // No index yet.
  }
  for (const entry of entries.filter((e) => e.identifier.id.toLowerCase() === id.toLowerCase())) {
    if (entry.relativeLocation) removeEntry(join(extensionsDir, entry.relativeLocation));
  }
  const link = join(extensionsDir, folder);
  removeEntry(link);
  symlinkSync(source, link, 'dir');
  entries = entries.filter((e) => e.identifier.id.toLowerCase() !== id.toLowerCase());
  entries.push({
    identifier: { id },
    version: manifest.version,
    location: { $mid: 1, path: link, scheme: 'file' },
    relativeLocation: folder,
  } as Entry);
  writeFileSync(indexFile, JSON.stringify(entries));
}

/** Removes a folder, or only the link when it is a symlink (never what it points to). */
function removeEntry(path: string): void {
  let isLink: boolean;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return;
  }
  if (isLink) unlinkSync(path);
  else rmSync(path, { recursive: true, force: true });
}

/**
 * The workbench URL that loads `extensionDevelopmentPath` as a development extension and, when
 * `extensionTestsPath` is given, runs its `run()` in the extension host, then reports through
 * window.codeAutomationExit. Paths are absolute paths on the server machine.
 */
export function workbenchUrl(
  server: Pick<CodeServer, 'url' | 'port' | 'workspaceFolder'>,
  payload: { extensionDevelopmentPath?: string; extensionTestsPath?: string },
): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${resolve(path)}`;
  const entries: [string, string][] = [];
  if (payload.extensionDevelopmentPath) {
    entries.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
  }
  if (payload.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
  entries.push(['skipWelcome', 'true']);
  const query = new URLSearchParams({ folder: resolve(server.workspaceFolder), payload: JSON.stringify(entries) });
  return `${server.url}?${query.toString()}`;
}
