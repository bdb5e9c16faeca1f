/**
 * What a plugin's code is, for identities: the plugin file and every local module it
 * imports (relative specifiers, followed transitively), each with its SHA-256, and one
 * fingerprint over all of them. A changed helper file changes the fingerprint as surely as
 * a changed plugin file, so no stored signal, resumed combination or queue job computed
 * with the old code is taken for the new.
 *
 * Imports are found by scanning the text for `import … from './x'`, `export … from './x'`,
 * `import './x'` and `import('./x')` with a literal relative specifier. Packages (bare
 * specifiers) are not followed: their version is the package manager's business. A
 * commented-out import only adds a file to the fingerprint; a computed `import(path)` is
 * not seen (docs/extending.md says so).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** One file of a plugin's code. */
export interface PluginCodeFile {
  /** Path relative to the plugin file's folder ('' segments never; the plugin itself is its base name). */
  readonly path: string;
  readonly sha256: string;
}

/** A plugin's code: its files (the plugin file first, then the rest sorted) and their fingerprint. */
export interface PluginCode {
  readonly files: readonly PluginCodeFile[];
  /** SHA-256 over the files' relative paths and hashes. */
  readonly fingerprint: string;
}

const SPECIFIER =
  /(?:\bimport|\bexport)\s[^'"`;]*?\bfrom\s*(['"])(\.{1,2}\/[^'"]+)\1|\bimport\s*(['"])(\.{1,2}\/[^'"]+)\3|\bimport\s*\(\s*(['"])(\.{1,2}\/[^'"]+)\5\s*\)/g;

/** The relative specifiers a module's text imports. */
export function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) out.push((m[2] ?? m[4] ?? m[6])!);
  return out;
}

/** The file a relative specifier names, trying the TypeScript twins of `.js` imports. */
function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base];
  const twin = base.replace(/\.([cm]?)js$/, '.$1ts');
  if (twin !== base) candidates.push(twin);
  if (!/\.[cm]?[jt]sx?$/.test(base))
    candidates.push(`${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`);
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * The code of the plugin at `file` (absolute).
 * @throws the fs error when the plugin file cannot be read.
 */
export function pluginCode(file: string): PluginCode {
  const root = dirname(file);
  const seen = new Map<string, string>();
  const pending = [file];
  while (pending.length > 0) {
    const f = pending.pop()!;
    if (seen.has(f)) continue;
    const bytes = readFileSync(f);
    seen.set(f, createHash('sha256').update(bytes).digest('hex'));
    for (const spec of relativeImports(bytes.toString('utf8'))) {
      const dep = resolveLocal(f, spec);
      if (dep !== undefined && !dep.includes(`${'/'}node_modules/`) && !seen.has(dep)) pending.push(dep);
    }
  }
  const rel = (f: string): string => relative(root, f).split('\\').join('/');
  const rest = [...seen.keys()].filter((f) => f !== file).sort((a, b) => rel(a).localeCompare(rel(b)));
  const files = [file, ...rest].map((f) => ({ path: rel(f), sha256: seen.get(f)! }));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(files.map((f) => [f.path, f.sha256])))
    .digest('hex');
  return { files, fingerprint };
}
