#!/usr/bin/env node
// The `sluice` command, in one of two modes:
//  - in the repository (src/cli/main.ts exists): the TypeScript runs through tsx's loader
//    (and `import 'sluice'` in a workflow module is src/: src/source-condition.mjs),
//    so a fresh clone needs no build step — `npm install` and this file is all it takes;
//  - in the installed package (no src/): the compiled JavaScript in dist/, no loader.
// SLUICE_DIST=1 forces the compiled mode in the repository (after `npm run build`), to
// measure it or to try what a package user runs.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

let main;
if (process.env.SLUICE_DIST !== '1' && existsSync(source)) {
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
