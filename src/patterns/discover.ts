import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kinds of pattern, each in its own subfolder of a patterns folder. */
export const PATTERN_KINDS = ['topologies', 'sequences', 'workflows'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** A pattern file found on disk. */
export interface PatternFile {
  readonly kind: PatternKind;
  readonly name: string;
  readonly file: string;
  /** True for the patterns shipped with Sluice. */
  readonly builtIn: boolean;
  /** The built-in pattern a user pattern of the same name replaces. */
  readonly overrides: string | undefined;
}

/** The package's own patterns/ folder. */
export const BUILT_IN_PATTERNS = resolve(dirname(fileURLToPath(import.meta.url)), '../../patterns');

/**
 * Finds pattern files: the built-in folder first, then each user folder in order. A user
 * pattern with a built-in's name replaces it (the result says which it overrides).
 */
export function discoverPatterns(kind: PatternKind, userDirs: readonly string[] = []): Map<string, PatternFile> {
  const found = new Map<string, PatternFile>();
  const scan = (root: string, builtIn: boolean): void => {
    const dir = join(root, kind);
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const ext = extname(entry);
      if (ext !== '.yaml' && ext !== '.yml') continue;
      const name = basename(entry, ext);
      const previous = found.get(name);
      found.set(name, { kind, name, file: join(dir, entry), builtIn, overrides: previous?.file });
    }
  };
  scan(BUILT_IN_PATTERNS, true);
  for (const dir of userDirs) scan(dir, false);
  return found;
}
