// Files other processes read while we may be writing them (broker.json is read by every window that
// looks for a running broker). A plain writeFile leaves a truncated file if the process dies mid-way
// or a reader comes early; writing a temporary file beside it and renaming is atomic on one file system.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';

/** Writes `data` to `file` so that readers see either the old content or the new, never a part. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await fsp.open(temp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
}

/**
 * Reads a JSON file, or undefined when it does not exist. A file that is not valid JSON (truncated by
 * an older version, a crash or a full disk) is moved aside to `<file>.corrupt` and `onCorrupt` says
 * so; it is also undefined, so a damaged leftover never blocks starting afresh.
 */
export async function readJsonFile<T>(file: string, onCorrupt?: (message: string) => void): Promise<T | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    await fsp.rename(file, `${file}.corrupt`).catch(() => undefined);
    onCorrupt?.(`${file} was not valid JSON (${(err as Error).message}); it was moved to ${file}.corrupt and ignored.`);
    return undefined;
  }
}
