// Repository mode only (bin/sluice.js, the BullMQ sandbox entry, worker threads): resolve
// package exports with the "source" condition, so `import … from 'sluice'` in a workflow
// module or plugin file run from this repository is src/index.ts — as in tsconfig.json
// and vitest.config.ts — and not dist/, which only `npm run build` makes.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent('export function resolve(specifier, context, next) { return next(specifier, { ...context, conditions: [...context.conditions, "source"] }); }'),
);
