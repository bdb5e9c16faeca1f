/**
 * The files a plugin gets for `import … from 'sluice'` and `'sluice/testing'`: the public
 * entries of the engine that is running (plugin-hooks.ts maps the names to them), found
 * next to this very module — src/ running source, dist/ compiled.
 *
 * The thread bundle (dist/threads/, scripts/bundle-threads.js) replaces this module with
 * one naming the bundle's own entries: a plugin loaded in a bundled thread must register
 * into the registry that thread runs, which is the bundle's copy, not dist/index.js's.
 */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** File URLs of the engine's public entry points, by the name a plugin imports. */
export const ENGINE_ENTRIES: Readonly<Record<string, string>> = {
  sluice: new URL(`../index${EXT}`, import.meta.url).href,
  'sluice/testing': new URL(`../testing/index${EXT}`, import.meta.url).href,
};
