#!/usr/bin/env node
// `npm run build` (and `prepack`): compiles src/ into dist/ for the published package.
// The repository itself needs no build — bin/sluice.js runs src/ through tsx.
//
//  1. empties dist/, so nothing stale from a removed source file is ever packed;
//  2. tsc -p tsconfig.build.json: ESM JavaScript and .d.ts, same layout as src/;
//  3. rewrites relative '.ts' specifiers in the .d.ts files to '.js'. tsc rewrites them in
//     the JavaScript (rewriteRelativeImportExtensions) but not in declarations
//     (microsoft/TypeScript#61037), and a consumer's editor or bundler may follow them;
//  4. copies the files modules read next to themselves at run time (import.meta.url):
//     the report's browser assets. (engine-info reads ../package.json and patterns/discover
//     ../../patterns: dist/ mirrors src/, so those resolve to the package root either way.)
//  5. bundles what worker threads start from into dist/threads/ (scripts/bundle-threads.js);
//  6. writes dist/build-stamp.json (below).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleThreads } from './bundle-threads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Folders (relative to src/) copied as they are into dist/. */
const RUNTIME_ASSETS = ['report/assets'];

rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('build: tsc failed');
  process.exit(compiled.status ?? 1);
}

/** Every file under `dir`, recursively. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

// `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`: relative specifiers only.
const TS_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;
const leftovers = [];
for (const file of walk(dist)) {
  if (file.endsWith('.d.ts')) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(TS_SPECIFIER, (_m, lead, q, path) => `${lead}${q}${path}.js${q}`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
  if (file.endsWith('.js') || file.endsWith('.d.ts')) {
    const text = readFileSync(file, 'utf8');
    if (/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])\.{1,2}\/[^'"]*\.ts\2/.test(text)) leftovers.push(relative(root, file));
  }
}
if (leftovers.length > 0) {
  console.error(`build: relative '.ts' imports left in ${leftovers.join(', ')}`);
  process.exit(1);
}

for (const dir of RUNTIME_ASSETS) cpSync(join(root, 'src', dir), join(dist, dir), { recursive: true });

// 5. the thread bundle, its entries named by the compiled runtime-mode.js (threadModule
//    looks for them there).
const { THREAD_BUNDLE_DIR, THREAD_BUNDLE_ENTRIES } = await import(pathToFileURL(join(dist, 'runtime-mode.js')).href);
await bundleThreads({ root, dist, dir: THREAD_BUNDLE_DIR, entries: THREAD_BUNDLE_ENTRIES });

// 6. stamps dist/ with the hash of the src/ it was built from, by the compiled copy of the
//    code that checks it: a repository run hands its worker threads dist/ only while the
//    stamp matches src/ (src/runtime-mode.ts, threadModule), so a stale build is never run.
const { BUILD_STAMP_FILE, sourceTreeHash } = await import(pathToFileURL(join(dist, 'build-stamp.js')).href);
writeFileSync(join(dist, BUILD_STAMP_FILE), `${JSON.stringify({ source: sourceTreeHash(join(root, 'src')) })}\n`);

console.log(`build: ${relative(process.cwd(), dist) || 'dist'} ready`);
