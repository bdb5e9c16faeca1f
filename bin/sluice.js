#!/usr/bin/env node
// The `sluice` command. The engine is TypeScript run through tsx's loader, so a fresh
// clone needs no build step: `npm install` and this file is all it takes.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
