/**
 * Which source tree a compiled build (dist/) was made from. `npm run build` writes the
 * hash of src/ into dist/build-stamp.json (computed by the compiled copy of this very
 * module, so the build and the check cannot hash differently); a repository run that
 * wants to hand a thread the compiled JavaScript (runtime-mode.ts, `threadModule`) first
 * checks that the hash still matches src/, so a thread never runs a stale build.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The stamp's file name inside dist/. */
export const BUILD_STAMP_FILE = 'build-stamp.json';

/** What the stamp holds. */
export interface BuildStamp {
  /** {@link sourceTreeHash} of src/ at build time. */
  readonly source: string;
}

/** Every file under `dir`, recursively, sorted by path. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/**
 * SHA-256 over every file under `root` (its path relative to `root`, then its bytes). About
 * 20 ms for the engine's src/ (3 MB): paid once per process, when the first pool starts.
 */
export function sourceTreeHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(root)) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp in `distDir`, or null when there is none (or it is not one). */
export function readBuildStamp(distDir: string): BuildStamp | null {
  try {
    const stamp: unknown = JSON.parse(readFileSync(join(distDir, BUILD_STAMP_FILE), 'utf8'));
    return typeof stamp === 'object' && stamp !== null && typeof (stamp as { source?: unknown }).source === 'string'
      ? (stamp as BuildStamp)
      : null;
  } catch {
    return null;
  }
}
