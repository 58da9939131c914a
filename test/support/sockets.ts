import { readFile, readdir, readlink } from 'node:fs/promises';

/** Counts this process's established TCP sockets to a loopback port, from /proc. */
export async function openSocketsTo(port: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]);
  }
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      if (remotePort === port && cols[3] === '01' && inodes.has(cols[9])) count++;
    }
  }
  return count;
}
