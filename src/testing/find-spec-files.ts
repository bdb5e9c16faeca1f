import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The default of `sluice marbles`: every spec of the project's `marbles/` folder. */
export const DEFAULT_SPEC_GLOB = 'marbles/**/*.yaml';

const isSpecFile = (name: string): boolean => /\.ya?ml$/i.test(name);

/** Every file under `dir`, recursively, as paths joined to `dir`; folders in name order. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A glob segment as a regular expression: `*` any run of characters but `/`, `?` one. */
function segmentPattern(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Does a path (segments) match a glob (segments), `**` standing for any number of folders? */
function matchSegments(path: readonly string[], glob: readonly string[]): boolean {
  if (glob.length === 0) return path.length === 0;
  const [head, ...rest] = glob;
  if (head === '**') {
    for (let i = 0; i <= path.length; i++) if (matchSegments(path.slice(i), rest)) return true;
    return false;
  }
  return path.length > 0 && segmentPattern(head!).test(path[0]!) && matchSegments(path.slice(1), rest);
}

/** The result of {@link findSpecFiles}. */
export interface FoundSpecs {
  /** Matching files, sorted, each once, as paths relative to `cwd` (or absolute if given so). */
  readonly files: readonly string[];
  /** Arguments that matched nothing. */
  readonly unmatched: readonly string[];
}

/**
 * Finds marble spec files. Each argument is a file, a folder (every `.yaml` / `.yml` in
 * it, recursively) or a glob with `*`, `?` and `**` (`marbles/strategies/*.yaml`,
 * `marbles/**\/*cross*.yaml`). Node 20 has no `fs.glob`, hence this small matcher: the
 * folder part before the first wildcard is walked, the rest matched segment by segment.
 */
export function findSpecFiles(patterns: readonly string[], cwd: string = process.cwd()): FoundSpecs {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const before = files.size;
    const show = (file: string): string => (isAbsolute(pattern) ? file : relative(cwd, file).split(sep).join('/'));
    if (!/[*?]/.test(pattern)) {
      const path = resolve(cwd, pattern);
      if (existsSync(path) && statSync(path).isDirectory()) {
        for (const f of walk(path)) if (isSpecFile(f)) files.add(show(f));
      } else if (existsSync(path)) {
        files.add(show(path));
      }
    } else {
      const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
      const fixed: string[] = [];
      while (segments.length > 0 && !/[*?]/.test(segments[0]!)) fixed.push(segments.shift()!);
      const base = resolve(cwd, (isAbsolute(pattern) ? '/' : '') + fixed.join('/'));
      if (existsSync(base) && statSync(base).isDirectory()) {
        for (const f of walk(base)) if (matchSegments(relative(base, f).split(sep), segments)) files.add(show(f));
      }
    }
    if (files.size === before) unmatched.push(pattern);
  }
  return { files: [...files].sort(), unmatched };
}
