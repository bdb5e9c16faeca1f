/**
 * Loads plugin modules — a user's strategies, indicators and classifiers — into the
 * process's registry. A plugin is an ES module (TypeScript or JavaScript) that exports
 * values made by `defineStrategy`, `defineIndicator`, `defineClassifier` or
 * `defineSequence` (named exports, a default export, or a default list of them). Each file is imported once per process;
 * asking again returns the first load.
 */
import { SluiceError } from '../errors/sluice-error.ts';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { glob } from 'tinyglobby';
import { DEFINITION_KIND, definitionKind, type DefinitionKind } from '../domain/define.ts';
import {
  registry,
  RegistryCollisionError,
  describeOrigin,
  type AnyDefinition,
  type DefinitionOrigin,
} from '../domain/registry.ts';
import type { PluginJson } from '../results/schema/workflow-manifest.ts';
import { pluginCode, type PluginCodeFile } from './plugin-code.ts';
import { installPluginHooks, isTypeScriptFile } from './plugin-hooks.ts';

/** A plugin as a config or the command line names it. */
export interface PluginRequest {
  /** A module path or glob (relative to `baseDir`), or an installed package's name. */
  readonly spec: string;
  /** The folder relative specs resolve against: the config file's, or the working directory for `--plugin`. */
  readonly baseDir: string;
}

/** A plugin module after loading. */
export interface LoadedPlugin {
  /** Absolute path of the module file. */
  readonly file: string;
  /** Its code's fingerprint (see plugin-code.ts): the module and the local files it imports. */
  readonly fingerprint: string;
  readonly files: readonly PluginCodeFile[];
  /** What it registered, in export order. */
  readonly definitions: readonly { readonly kind: DefinitionKind | 'sequence'; readonly name: string }[];
}

/** A sequence kind a plugin defines (`defineSequence`), as this loader sees it: its type name. */
interface PluginSequence {
  readonly definition: { readonly type: string };
  readonly origin: DefinitionOrigin;
}

/**
 * Sequence kinds plugins defined, in load order. The sequence registry (src/sequencer)
 * registers them from here when it is asked for a kind: it may import this module, this
 * module may not import it (the sequencer sits above config loading).
 */
const pluginSequences: PluginSequence[] = [];

/** Sequence kinds defined by the plugins this process has loaded, in load order. */
export function pluginSequenceDefinitions(): readonly PluginSequence[] {
  return pluginSequences;
}

/** True for a value made by `defineSequence` (possibly by another copy of the package). */
function isSequenceDefinition(value: unknown): value is { readonly type: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { [DEFINITION_KIND]?: unknown })[DEFINITION_KIND] === 'sequence'
  );
}

/**
 * A plugin that cannot be found, imported or registered: a user mistake, located in the
 * plugin file where the cause says where (`line`, `col`), else in what named the plugin.
 */
export class PluginError extends SluiceError {
  readonly category = 'plugin';
  /** The plugin module, absolute; undefined when the spec matched no file. */
  readonly plugin: string | undefined;
  /** Where the cause is: the plugin file or a local module it imports (absolute). */
  readonly file: string | undefined;
  readonly line: number | null;
  readonly col: number | null;
  /** What went wrong, without the plugin's name and place (for a message located in the file). */
  readonly detail: string;

  constructor(
    message: string,
    at: {
      plugin?: string;
      file?: string;
      line?: number | null;
      col?: number | null;
      detail?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, at.cause === undefined ? undefined : { cause: at.cause });
    this.name = 'PluginError';
    this.plugin = at.plugin;
    this.file = at.file ?? at.plugin;
    this.line = at.line ?? null;
    this.col = at.col ?? null;
    this.detail = at.detail ?? message;
  }
}

const loads = new Map<string, Promise<LoadedPlugin>>();

// `--plugin` of the command: loaded by every workflow and spec this process loads.
let processPlugins: readonly string[] = [];

/**
 * Sets the plugins every load in this process includes when its caller names none
 * (`--plugin` of the CLI): paths made absolute here, package names as given.
 */
export function setProcessPlugins(specs: readonly string[], cwd: string = process.cwd()): void {
  processPlugins = specs.map((s) => (isPathLike(s) ? resolve(cwd, s) : s));
}

/** The plugins of {@link setProcessPlugins} (absolute paths or package names). */
export function getProcessPlugins(): readonly string[] {
  return processPlugins;
}

/**
 * The plugin files a request names: one file, the sorted matches of a glob, or the entry
 * module of an installed package (resolved from `baseDir` as an `import` there would).
 *
 * @throws PluginError when nothing is found.
 */
export async function pluginFiles(request: PluginRequest): Promise<string[]> {
  const { spec, baseDir } = request;
  if (/[*?[\]{}]/.test(spec)) {
    const files = (
      await glob(spec, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false })
    ).sort();
    if (files.length === 0) throw new PluginError(`plugin glob '${spec}' matches no file (relative to ${baseDir})`);
    return files;
  }
  if (isPathLike(spec)) {
    const file = resolve(baseDir, spec);
    if (!isFile(file)) throw new PluginError(`plugin file not found: ${file} (paths are relative to ${baseDir})`);
    return [file];
  }
  try {
    return [fileURLToPath(resolveModule(spec, pathToFileURL(join(baseDir, 'sluice-plugins.js')).href))];
  } catch (err) {
    throw new PluginError(
      `plugin package '${spec}' is not installed where ${baseDir} can import it (${(err as Error).message.split('\n')[0]})`,
      { cause: err },
    );
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A path, not a package name: starts with . or /, or ends in a module extension. */
export function isPathLike(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(?:[cm]?[jt]s|tsx|jsx)$/.test(spec);
}

/**
 * Loads the plugin modules of `requests`, in order, and registers what they define.
 * Each file is loaded once per process.
 *
 * @throws PluginError for a missing file, a module that fails to import, exports no
 * definition, or defines a name another origin already has.
 */
export async function loadPlugins(requests: readonly PluginRequest[]): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    for (const file of await pluginFiles(request)) {
      if (seen.has(file)) continue;
      seen.add(file);
      out.push(await loadPluginFile(file));
    }
  }
  return out;
}

/** Every plugin this process has loaded, in load order (failed loads left out). */
export async function loadedPlugins(): Promise<LoadedPlugin[]> {
  const settled = await Promise.allSettled(loads.values());
  return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/** Plugins as workflow.json records them: file (as shown to the user), code fingerprint, files with hashes. */
export function pluginsJson(plugins: readonly LoadedPlugin[]): PluginJson[] {
  return plugins.map((p) => ({
    file: display(p.file),
    fingerprint: p.fingerprint,
    files: [...p.files],
    defines: [...p.definitions],
  }));
}

/** Loads one plugin file (absolute), once per process. */
export function loadPluginFile(file: string): Promise<LoadedPlugin> {
  let loading = loads.get(file);
  if (loading === undefined) {
    loading = importPlugin(file);
    loads.set(file, loading);
  }
  return loading;
}

async function importPlugin(file: string): Promise<LoadedPlugin> {
  const code = pluginCode(file);
  await installPluginHooks(isTypeScriptFile(file));
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw locatedError(file, code.files, err);
  }
  const definitions = exportedDefinitions(mod);
  const sequences = exportedValues(mod).filter(isSequenceDefinition);
  if (definitions.length === 0 && sequences.length === 0) {
    throw new PluginError(
      `plugin ${display(file)} exports no strategy, indicator or classifier: export the result of defineStrategy(…), defineIndicator(…) or defineClassifier(…), or a sequence kind made by defineSequence(…) (import them from 'sluice')`,
      { plugin: file },
    );
  }
  const root = resolve(file, '..');
  const origin: DefinitionOrigin = {
    kind: 'plugin',
    file,
    fingerprint: code.fingerprint,
    files: code.files.map((f) => resolve(root, f.path)),
  };
  for (const d of definitions) {
    try {
      registry.add(d, origin);
    } catch (err) {
      if (!(err instanceof RegistryCollisionError)) throw err;
      const kind = err.definitionKind;
      throw new PluginError(
        `plugin ${display(file)} defines the ${kind} '${d.name}', which ${describeOrigin(err.existing).replace(/^plugin (.*)$/, (_, f: string) => `plugin ${display(f)}`)} already defines: rename one of them`,
        { plugin: file },
      );
    }
  }
  for (const definition of sequences) pluginSequences.push({ definition, origin });
  return {
    file,
    fingerprint: code.fingerprint,
    files: code.files,
    definitions: [
      ...definitions.map((d) => ({ kind: definitionKind(d)!, name: d.name })),
      ...sequences.map((d) => ({ kind: 'sequence' as const, name: d.type })),
    ],
  };
}

/** The strategy, indicator and classifier definitions a module exports, in export order. */
function exportedDefinitions(mod: Record<string, unknown>): AnyDefinition[] {
  return exportedValues(mod).filter((v): v is AnyDefinition => definitionKind(v) !== undefined);
}

/** What a module exports, in export order, each once; a default list counts too. */
function exportedValues(mod: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown): void => {
    if (!out.includes(v)) out.push(v);
  };
  for (const [name, value] of Object.entries(mod)) {
    if (name === 'default' && Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  return out;
}

/** A path as the user sees it: relative to the working directory when inside it. */
export function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The error of a failed import, located where the cause says: in the plugin file or one
 * of its local modules (a syntax error's `file:line:col`, the top frame in plugin code of
 * a throw during evaluation, a DefinitionError's call site).
 */
function locatedError(file: string, files: readonly PluginCodeFile[], err: unknown): PluginError {
  const e = err instanceof Error ? err : new Error(String(err));
  const text = `${e.message}\n${e.stack ?? ''}`;
  const root = resolve(file, '..');
  const candidates = files.map((f) => resolve(root, f.path));
  let where: { file: string; line: number; col: number | null } | undefined;
  let best = Infinity;
  for (const f of candidates) {
    for (const form of [f, pathToFileURL(f).href]) {
      const re = new RegExp(`${escape(form)}(?:\\?[^:\\s)]*)?:(\\d+)(?::(\\d+))?`);
      const m = re.exec(text);
      if (m !== null && m.index < best) {
        best = m.index;
        where = { file: f, line: Number(m[1]), col: m[2] !== undefined ? Number(m[2]) : null };
      }
    }
  }
  // V8 keeps an ES module's syntax-error position to itself: ask `node --check` for it.
  if (where === undefined && e.name === 'SyntaxError') where = syntaxErrorAt(candidates);
  const message = cleanMessage(e);
  const at =
    where === undefined ? '' : `${display(where.file)}:${where.line}${where.col !== null ? `:${where.col}` : ''}: `;
  return new PluginError(`plugin ${display(file)} failed to load: ${at}${message}`, {
    plugin: file,
    file: where?.file ?? file,
    line: where?.line ?? null,
    col: where?.col ?? null,
    cause: err,
    detail: message,
  });
}

/**
 * Where the first of `files` with a syntax error has it, by `node --check` over its text as
 * an ES module (only on this failure path: it costs a process).
 */
function syntaxErrorAt(files: readonly string[]): { file: string; line: number; col: number | null } | undefined {
  for (const file of files) {
    if (isTypeScriptFile(file)) continue; // esbuild's message carries the place already
    const check = spawnSync(process.execPath, ['--input-type=module', '--check'], {
      input: readFileSync(file),
      encoding: 'utf8',
      timeout: 10_000,
    });
    const m = /\[stdin\]:(\d+)\n(.*)\n( *)\^/.exec(check.stderr ?? '');
    if (check.status !== 0 && m !== null) return { file, line: Number(m[1]), col: m[3]!.length + 1 };
  }
  return undefined;
}

/** The first meaningful line of an import error, without loader noise. */
function cleanMessage(e: Error): string {
  const lines = e.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // esbuild (through tsx): "Transform failed with 1 error:\n/path:3:7: ERROR: Expected …"
  const esbuild = lines.find((l) => /: ERROR: /.test(l));
  if (esbuild !== undefined) return esbuild.replace(/^.*?: ERROR: /, '');
  const name = e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${lines[0] ?? 'unknown error'}`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The source line `line` (1-based) of a file, for an error's excerpt; undefined when unreadable. */
export function sourceLine(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}
