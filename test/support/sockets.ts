import { readFile, readdir, readlink } from 'node:fs/promises';

/** This process's established TCP sockets to a loopback port, by inode, from /proc. */
export async function socketsTo(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]);
  }
  const open = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      if (remotePort === port && cols[3] === '01' && inodes.has(cols[9])) open.add(cols[9]);
    }
  }
  return open;
}

/**
 * The sockets to `port` opened since `before` that are still established, after waiting up to
 * `ms` for them to close (a close reaches /proc a moment after the call that ends it). Sockets
 * that were open before and close meanwhile (another part of the process) do not count.
 */
export async function openedSince(port: number, before: Set<string>, ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = [...(await socketsTo(port))].filter((inode) => !before.has(inode));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
