/**
 * Whether the engine runs as its TypeScript source (in the repository, through tsx) or as
 * the compiled JavaScript of the installed package (dist/, no tsx). Import specifiers are
 * rewritten by the build, but a path handed to another thread — a piscina worker, BullMQ's
 * sandbox — is just a string: it must name the file that exists in this mode, and the
 * thread needs tsx's loader only when that file is TypeScript.
 */

/** True when running dist/*.js; false when running src/*.ts. Decided by this module's own file. */
export const COMPILED: boolean = !import.meta.url.endsWith('.ts');

/**
 * The URL of a module next to `base` (the caller's `import.meta.url`), named by its source
 * file ('./shard-worker.ts'): that file when running source, its '.js' when compiled.
 */
export function runtimeModule(sourceSpecifier: `./${string}.ts` | `../${string}.ts`, base: string): URL {
  return new URL(COMPILED ? sourceSpecifier.replace(/\.ts$/, '.js') : sourceSpecifier, base);
}
