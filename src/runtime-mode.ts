/**
 * Whether the engine runs as its TypeScript source (in the repository, through tsx) or as
 * the compiled JavaScript of the installed package (dist/, no tsx). Import specifiers are
 * rewritten by the build, but a path handed to another thread — a piscina worker, BullMQ's
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
}

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
 * The module a worker thread should start from, named like {@link runtimeModule}. Running
 * source, a thread started on the TypeScript pays tsx's loader compiling the engine on
 * every start (about 1.5 CPU-seconds a thread here, against 0.5 for the JavaScript), so
 * when `npm run build` has made a dist/ from this very src/ the thread runs that instead;
 * otherwise (no build, or a stale one) the TypeScript. Same code either way, so the same
 * numbers.
 */
export function threadModule(sourceSpecifier: `./${string}.ts` | `../${string}.ts`, base: string): ThreadModule {
  if (COMPILED) return { url: runtimeModule(sourceSpecifier, base), compiled: true };
  const source = new URL(sourceSpecifier, base);
  if (!source.href.startsWith(ENGINE_ROOT.href) || !currentBuild()) return { url: source, compiled: false };
  return { url: compiledTwin(source), compiled: true };
}

/** The dist/ file compiled from a src/ file's URL (`src/a/b.ts` → `dist/a/b.js`). */
export function compiledTwin(source: URL): URL {
  return new URL(source.href.slice(ENGINE_ROOT.href.length).replace(/\.ts$/, '.js'), DIST_ROOT);
}
