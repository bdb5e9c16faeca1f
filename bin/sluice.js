#!/usr/bin/env node
// The `sluice` command runs either the TypeScript source or the compiled JavaScript:
//  - the installed package (no src/): the compiled JavaScript in dist/, no loader;
//  - in the repository, when `npm run build` made dist/ from this very src/ (its build
//    stamp's hash matches, src/build-stamp.ts): the compiled JavaScript too, which starts
//    about 0.7 CPU-seconds sooner than compiling the TypeScript — the same check decides
//    what a --workers thread runs (src/runtime-mode.ts), so a stale build is never run;
//  - otherwise in the repository: the TypeScript through tsx's loader (and `import 'sluice'`
//    in a workflow module is src/: src/source-condition.mjs), so a fresh clone needs no
//    build step — `npm install` and this file is all it takes.
// SLUICE_DIST=1 forces the compiled JavaScript, SLUICE_DIST=0 the TypeScript, to measure
// or to try what a package user runs.
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

/** Did `npm run build` make dist/ from exactly the src/ next to it? */
async function buildIsCurrent() {
  const stampModule = new URL('../dist/build-stamp.js', import.meta.url);
  if (!existsSync(compiled) || !existsSync(stampModule)) return false;
  const { readBuildStamp, sourceTreeHash } = await import(stampModule.href);
  const stamp = readBuildStamp(fileURLToPath(new URL('../dist/', import.meta.url)));
  return stamp !== null && stamp.source === sourceTreeHash(fileURLToPath(new URL('../src/', import.meta.url)));
}

const mode = process.env.SLUICE_DIST;
const runSource = existsSync(source) && mode !== '1' && (mode === '0' || !(await buildIsCurrent()));

let main;
if (runSource) {
  await import('../src/source-condition.mjs');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  process.stderr.write('sluice: dist/cli/main.js is missing; run `npm run build` first\n');
  process.exit(2);
}
process.exitCode = await main(process.argv);
