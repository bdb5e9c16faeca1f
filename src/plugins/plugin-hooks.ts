/**
 * The module hooks plugin files are imported under, installed once per thread before the
 * first plugin import:
 *
 * - `sluice` and `sluice/testing` resolve to the engine that is running, whichever copy of
 *   the package (if any) sits near the plugin file. A plugin therefore registers into, and
 *   computes with, the very modules that load it: one registry, one zod, no dual-package
 *   surprises, and a plugin folder outside any npm project works with no install.
 * - A plugin file (and what it imports, outside node_modules) is ES module code whatever
 *   the nearest package.json says: plugins are ESM by contract, and a `.ts` file in a
 *   folder without `"type": "module"` would otherwise be compiled to CommonJS, whose
 *   `require` bypasses these hooks.
 * - TypeScript goes through tsx's loader. Inside the repository the CLI already runs under
 *   it; the compiled package registers it only when a plugin is TypeScript, so JavaScript
 *   plugins (and `sluice --version`) do not pay for it.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { ENGINE_ENTRIES } from './engine-entries.ts';

/** Is this engine running as TypeScript source (under tsx) rather than compiled JavaScript? */
const RUNNING_SOURCE = import.meta.url.endsWith('.ts');

/** The engine's own folder (src/ or dist/): its files keep the format their package gives them. */
const ENGINE_ROOT = new URL('../', import.meta.url).href;

let hooksInstalled = false;
let typescriptReady = RUNNING_SOURCE;

// The hook module runs on Node's loader thread, so it is plain JavaScript text with its data
// passed at registration.
const HOOK_SOURCE = `
let entries = {};
let engineRoot = '';
export function initialize(data) { entries = data.entries; engineRoot = data.engineRoot; }
const CODE = /\\.(?:[cm]?[jt]s|tsx|jsx)$/;
export async function resolve(specifier, context, next) {
  // The engine's entry goes through the rest of the chain (tsx's resolve marks TypeScript
  // it must load) as if the plugin had named the file itself.
  const entry = entries[specifier];
  if (entry !== undefined) return next(entry, context);
  const result = await next(specifier, context);
  const url = result.url;
  if (url.startsWith('file:') && !url.includes('/node_modules/') && !url.startsWith(engineRoot)) {
    const path = new URL(url).pathname;
    if (CODE.test(path) && !/\\.c[jt]s$/.test(path)) return { ...result, format: 'module' };
  }
  return result;
}
`;

/**
 * Installs the hooks in this thread (a no-op after the first call), and tsx's TypeScript
 * loader too when `typescript` is set and the engine runs compiled.
 */
export async function installPluginHooks(typescript: boolean): Promise<void> {
  // A worker thread started with workerExecArgv() has them from its preload.
  const preloaded = (globalThis as Record<symbol, { typescript: boolean } | undefined>)[PRELOADED];
  if (preloaded !== undefined && !hooksInstalled) {
    hooksInstalled = true;
    typescriptReady ||= preloaded.typescript;
  }
  if (typescript && !typescriptReady) {
    const tsx = await import('tsx/esm/api');
    tsx.register();
    typescriptReady = true;
    // Hooks registered later run first: ours must see `sluice` before tsx resolves it.
    hooksInstalled = false;
  }
  if (hooksInstalled) return;
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, {
    parentURL: pathToFileURL(`${process.cwd()}/`).href,
    data: { entries: ENGINE_ENTRIES, engineRoot: ENGINE_ROOT },
  });
  hooksInstalled = true;
}

const PRELOADED = Symbol.for('sluice.plugin-hooks-preloaded');

/**
 * The `execArgv` of a worker thread that may load plugins (`--workers`): the parent's, and,
 * when the thread runs the engine's source, a preload that sets the thread up as
 * {@link installPluginHooks} set up this one — tsx's loader, then these hooks after it (so
 * they run first). On Node 20 a worker's `--import tsx` does not make tsx's resolve take
 * part in the chain the way its API does, so the preload calls the API, as the CLI's own
 * entry does.
 *
 * With `compiled`, the thread runs compiled JavaScript (dist/, or the thread bundle) and
 * needs no loader to start: tsx is left out of the parent's own flags (`tsx script.ts`
 * passes its loader in `execArgv`), and the thread installs the hooks itself, from its
 * own copy of this module, when it first loads a plugin — as the compiled engine does in
 * the main thread (tsx too, for a TypeScript plugin). So `sluice` names the entries of the
 * engine that thread runs (engine-entries.ts), and a thread that loads no plugin starts no
 * hooks thread: registering them cost each thread about 70 ms before its first module.
 */
export function workerExecArgv(compiled: boolean = !RUNNING_SOURCE): string[] {
  const own = threadFlags(process.execArgv);
  if (compiled) return RUNNING_SOURCE ? withoutTsx(own) : own;
  const preload = [
    ...(typescriptReady
      ? [
          `import { register as registerTsx } from ${JSON.stringify(resolveModule('tsx/esm/api', import.meta.url))};`,
          'registerTsx();',
        ]
      : []),
    "import { register } from 'node:module';",
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`)}, { data: ${JSON.stringify({ entries: ENGINE_ENTRIES, engineRoot: ENGINE_ROOT })} });`,
    `globalThis[Symbol.for('sluice.plugin-hooks-preloaded')] = ${JSON.stringify({ typescript: typescriptReady })};`,
  ].join('\n');
  return [...own, '--import', `data:text/javascript,${encodeURIComponent(preload)}`];
}

/**
 * The parent's Node flags a worker thread can take: those that load code (`--import`,
 * `--require`, loaders, `--conditions`) and a few that shape what the thread prints.
 * Node refuses a thread whose `execArgv` holds a V8 option (`--max-old-space-size`,
 * `--max-semi-space-size`, …) or a per-process one (ERR_WORKER_INVALID_EXEC_ARGV), so
 * `node --max-old-space-size=8192 sluice run … --workers 2` could not start its threads;
 * those options act on the whole process or on the main thread's heap anyway.
 */
export function threadFlags(argv: readonly string[]): string[] {
  const withValue = /^(?:--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/;
  const kept =
    /^(?:--(?:import|require|loader|experimental-loader|conditions)=|--enable-source-maps$|--no-warnings$|--no-deprecation$|--trace-warnings$|--trace-deprecation$|--trace-uncaught$|--(?:no-)?experimental-)/;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (withValue.test(arg) && i + 1 < argv.length) out.push(arg, argv[++i]!);
    else if (kept.test(arg)) out.push(arg);
  }
  return out;
}

/** Node flags without the ones that load tsx (`--import tsx`, tsx's own `--require …/tsx/…/preflight.cjs`). */
function withoutTsx(argv: readonly string[]): string[] {
  const isTsx = (module: string): boolean =>
    module === 'tsx' || module.startsWith('tsx/') || /[/\\]node_modules[/\\]tsx[/\\]/.test(module);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const joined = /^--(?:import|require|loader|experimental-loader)=(.*)$/.exec(arg);
    if (joined !== null && isTsx(joined[1]!)) continue;
    if (
      /^(?:--import|--require|-r|--loader|--experimental-loader)$/.test(arg) &&
      i + 1 < argv.length &&
      isTsx(argv[i + 1]!)
    ) {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Does a plugin file need the TypeScript loader? */
export function isTypeScriptFile(file: string): boolean {
  return /\.(?:[cm]?ts|tsx)$/.test(file);
}
