/**
 * Whether the engine runs as its TypeScript source (in the repository, through tsx) or as
 * the compiled JavaScript of the installed package (dist/, no tsx). Import specifiers are
 * rewritten by the build, but a path handed to another thread — a worker thread, BullMQ's
 * sandbox — is just a string: it must name the file that exists in this mode, and the
 * thread needs tsx's loader only when that file is TypeScript.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readBuildStamp, sourceTreeHash } from './build-stamp.ts';

/** True when running dist/*.js; false when running src/*.ts. Decided by this module's own file. */
export const COMPILED: boolean = !import.meta.url.endsWith('.ts');

/**
 * The URL of a module next to `base` (the caller's `import.meta.url`), named by its source
 * file ('./shard-worker.ts'): that file when running source, its '.js' when compiled.
 */
export function runtimeModule(sourceSpecifier: `./${string}.ts` | `../${string}.ts`, base: string): URL {
  return new URL(COMPILED ? sourceSpecifier.replace(/\.ts$/, '.js') : sourceSpecifier, base);
}

/** The folder this module is in: src/ when running source, dist/ when compiled. */
const ENGINE_ROOT = new URL('./', import.meta.url);
/** Where `npm run build` puts the compiled twin of src/ (only meaningful when running source). */
const DIST_ROOT = new URL('../dist/', import.meta.url);

/** A module a new thread should run, and whether it is compiled JavaScript. */
export interface ThreadModule {
  readonly url: URL;
  /** The thread needs no TypeScript loader for the engine's own code. */
  readonly compiled: boolean;
  /** It is the thread bundle's file (dist/threads/), not a file of the compiled tree. */
  readonly bundled: boolean;
}

/**
 * The folder of dist/ holding the thread bundle (`npm run build`, scripts/bundle-threads.js):
 * a thread's start-up is mostly Node resolving, reading and compiling modules — about 0.4
 * CPU-seconds for the 300 engine files and 500 package files a shard worker reaches — so
 * the modules a thread starts from are also bundled by esbuild into a few files.
 */
export const THREAD_BUNDLE_DIR = 'threads';

/**
 * The bundle's entries, by source file (relative to src/): the modules threads start from,
 * and the engine's public entries, which a plugin loaded in a bundled thread gets for
 * `sluice` and `sluice/testing` (plugins/engine-entries.ts) so that it registers into the
 * very registry the thread runs (one copy of the engine per thread, as everywhere).
 */
export const THREAD_BUNDLE_ENTRIES: Readonly<Record<string, string>> = {
  'coordinator/shard-worker.ts': 'shard-worker',
  'index.ts': 'index',
  'testing/index.ts': 'testing',
};

let buildIsCurrent: boolean | undefined;

/**
 * Is there a dist/ built from exactly this src/ (its build stamp's hash matches)? Checked
 * once per process. `SLUICE_DIST=0` says no, to measure or debug threads on the source.
 */
function currentBuild(): boolean {
  if (buildIsCurrent === undefined) {
    const dist = fileURLToPath(DIST_ROOT);
    const stamp = process.env['SLUICE_DIST'] === '0' || !existsSync(dist) ? null : readBuildStamp(dist);
    buildIsCurrent = stamp !== null && stamp.source === sourceTreeHash(fileURLToPath(ENGINE_ROOT));
  }
  return buildIsCurrent;
}

/**
 * The thread bundle's file for a source file (relative to src/) in the compiled tree at
 * `distRoot`, or undefined when the file is not one of its entries, the bundle is not
 * there, or `SLUICE_BUNDLE=0` (to compare with the unbundled tree).
 */
export function threadBundleFile(relativeSource: string, distRoot: URL): URL | undefined {
  const name = THREAD_BUNDLE_ENTRIES[relativeSource];
  if (name === undefined || process.env['SLUICE_BUNDLE'] === '0') return undefined;
  const url = new URL(`${THREAD_BUNDLE_DIR}/${name}.js`, distRoot);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * The module a worker thread should start from, named like {@link runtimeModule}. Running
 * source, a thread started on the TypeScript pays tsx's loader compiling the engine on
 * every start (about 1.5 CPU-seconds a thread here, against 0.5 for the JavaScript), so
 * when `npm run build` has made a dist/ from this very src/ the thread runs that instead;
 * otherwise (no build, or a stale one) the TypeScript. Compiled, the thread bundle's file
 * when the module is one of its entries (start-up about 0.25 CPU-seconds instead of 0.4),
 * else the compiled tree's. Same code either way, so the same numbers.
 */
export function threadModule(sourceSpecifier: `./${string}.ts` | `../${string}.ts`, base: string): ThreadModule {
  if (COMPILED) {
    const url = runtimeModule(sourceSpecifier, base);
    const bundled = url.href.startsWith(ENGINE_ROOT.href)
      ? threadBundleFile(url.href.slice(ENGINE_ROOT.href.length).replace(/\.js$/, '.ts'), ENGINE_ROOT)
      : undefined;
    return { url: bundled ?? url, compiled: true, bundled: bundled !== undefined };
  }
  const source = new URL(sourceSpecifier, base);
  if (!source.href.startsWith(ENGINE_ROOT.href) || !currentBuild())
    return { url: source, compiled: false, bundled: false };
  const bundled = threadBundleFile(source.href.slice(ENGINE_ROOT.href.length), DIST_ROOT);
  return { url: bundled ?? compiledTwin(source), compiled: true, bundled: bundled !== undefined };
}

/** The dist/ file compiled from a src/ file's URL (`src/a/b.ts` → `dist/a/b.js`). */
export function compiledTwin(source: URL): URL {
  return new URL(source.href.slice(ENGINE_ROOT.href.length).replace(/\.ts$/, '.js'), DIST_ROOT);
}
