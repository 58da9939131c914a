// The text of the extension's log channel ("Kafka Workbench"), read from the files VS Code writes
// for it, so tests can check what reached the log (e.g. that no secret did). Finds the user data
// folder from the command line of an ancestor process (code-server's --user-data-dir; Linux /proc).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

async function ancestorArgs(): Promise<string[][]> {
  const out: string[][] = [];
  let pid = process.pid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    try {
      out.push((await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0'));
      const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return out;
}

async function findFiles(dir: string, match: (name: string) => boolean, depth = 6): Promise<string[]> {
  if (depth < 0) return [];
  const found: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...(await findFiles(p, match, depth - 1)));
    else if (match(e.name)) found.push(p);
  }
  return found;
}

/**
 * Everything the "Kafka Workbench" log channel wrote in this run (all its log files, joined). From a
 * UI test, pass the workbench's code-server user data folder (`wb.server.userDataDir`).
 */
export async function extensionLogText(userDataDir?: string): Promise<string> {
  const roots = new Set<string>();
  if (userDataDir) roots.add(path.join(userDataDir, 'logs'));
  else for (const argv of await ancestorArgs()) {
    const i = argv.indexOf('--user-data-dir');
    if (i >= 0 && argv[i + 1]) roots.add(path.join(argv[i + 1], 'logs'));
    const inline = argv.find((a) => a.startsWith('--user-data-dir='));
    if (inline) roots.add(path.join(inline.slice('--user-data-dir='.length), 'logs'));
  }
  if (process.env.VSCODE_LOGS && !userDataDir) roots.add(process.env.VSCODE_LOGS);
  const files: string[] = [];
  for (const root of roots) files.push(...(await findFiles(root, (n) => n.endsWith('Kafka Workbench.log'))));
  if (files.length === 0) throw new Error(`no "Kafka Workbench" log file found under ${[...roots].join(', ') || '(no user data folder found)'}`);
  return (await Promise.all(files.map((f) => fsp.readFile(f, 'utf8')))).join('\n');
}
