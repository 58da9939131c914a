// Builds every bundle the project needs with esbuild:
//   dist/extension.js      the extension host bundle (CommonJS, `vscode` external, dependencies inlined)
//   dist/webview/*.js      the webview bundles (ES modules for the browser)
//   out/**                 tests and developer scripts (CommonJS, node_modules left external)
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// A release build starts from an empty dist/, so no development source map ends up in the .vsix.
if (production) rmSync('dist', { recursive: true, force: true });

function tsFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

const builds = [
  {
    entryPoints: ['src/host/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: !production,
    minify: production,
  },
  {
    entryPoints: tsFiles('webview/src').filter((f) => f.endsWith('main.ts')),
    outdir: 'dist/webview',
    outbase: 'webview/src',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    // A webview's stylesheet imports fonts (the codicons): emitted beside its bundle.
    loader: { '.ttf': 'file' },
    sourcemap: !production,
    minify: production,
  },
  // The search worker (src/core/consume/search/bufferSearch.ts) runs as its own file beside the
  // bundle that starts it; tests and scripts find it in out/.
  {
    entryPoints: ['src/core/consume/search/searchWorker.ts'],
    outfile: 'dist/searchWorker.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
  },
];
if (!production) {
  builds.push({
    entryPoints: ['src/core/consume/search/searchWorker.ts'],
    outfile: 'out/searchWorker.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
  });
  builds.push({
    entryPoints: [...tsFiles('test'), ...tsFiles('scripts')],
    outdir: 'out',
    outbase: '.',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    external: ['vscode'],
    sourcemap: true,
  });
}

// zstd's WebAssembly module is read from beside the bundle that loads it (dist/extension.js).
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm', 'dist/zstd.wasm');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.filter((b) => b.entryPoints.length > 0).map((options) => esbuild.build(options)));
  console.log(`esbuild: built ${builds.length} bundle groups in ${Date.now() - started} ms`);
}
