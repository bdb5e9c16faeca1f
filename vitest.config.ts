import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// package.json exports: `import 'sluice'` in the tests is src/ (the "source" condition),
// never dist/ — which may be missing, or stale from the last `npm run build`. The rest
// are Vite's default conditions (which setting `conditions` replaces).
const viteDefaults = ['module', 'development|production'];

export default defineConfig({
  resolve: {
    conditions: ['source', ...viteDefaults, 'browser'],
    // Plugin modules imported by tests in process (from temporary folders outside the
    // project) go through vitest's module runner, not Node's loader hooks
    // (src/plugins/plugin-hooks.ts): bind `sluice` to the engine here too.
    alias: [
      { find: /^sluice$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^sluice\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
    ],
  },
  ssr: { resolve: { conditions: ['source', ...viteDefaults, 'node'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn the CLI on real data; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
