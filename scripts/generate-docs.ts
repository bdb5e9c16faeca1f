/** Regenerates the docs that are derived from code: `npm run docs`. */
import { writeFileSync } from 'node:fs';
import { configReference } from '../src/config/schema/reference.ts';

writeFileSync('docs/config-reference.md', configReference());
console.log('wrote docs/config-reference.md');
