// Which VS Code windows use a local broker: one lease file per extension host process in the
// broker's data folder. Windows share one broker (the second finds it running and reuses it), so a
// window that closes stops the broker only when no other live window holds a lease; a lease left by
// a crashed window is recognised by its dead pid and swept away.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isAlive } from './localBroker';

const LEASES = 'leases';

/** Records that `holder` (a pid; default this process) uses the broker in `dataDir`. */
export async function joinBroker(dataDir: string, holder = process.pid): Promise<void> {
  await fsp.mkdir(path.join(dataDir, LEASES), { recursive: true });
  await fsp.writeFile(path.join(dataDir, LEASES, String(holder)), `${new Date().toISOString()}\n`);
}

/** The pids holding a lease whose process is alive; leases of dead processes are removed. */
export async function brokerHolders(dataDir: string): Promise<number[]> {
  const names = await fsp.readdir(path.join(dataDir, LEASES)).catch(() => [] as string[]);
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (/^\d+$/.test(name) && isAlive(pid)) live.push(pid);
    else await fsp.rm(path.join(dataDir, LEASES, name), { force: true });
  }
  return live;
}

/**
 * Gives up `holder`'s lease. Returns true when no other live process holds one, so the caller,
 * the last user, should stop the broker; false when another window still uses it.
 */
export async function leaveBroker(dataDir: string, holder = process.pid): Promise<boolean> {
  await fsp.rm(path.join(dataDir, LEASES, String(holder)), { force: true });
  return (await brokerHolders(dataDir)).length === 0;
}

/** Forgets every lease (the broker was stopped on purpose). */
export async function clearBrokerLeases(dataDir: string): Promise<void> {
  await fsp.rm(path.join(dataDir, LEASES), { recursive: true, force: true });
}
