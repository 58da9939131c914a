import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root: the nearest folder above this module with a package.json. Found by walking
 * up rather than by a fixed number of `..`, because esbuild inlines this module into bundles at
 * different depths (out/test/runner, out/scripts, ...).
 */
export function findRepoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
