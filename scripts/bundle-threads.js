// Step 5 of `npm run build`: the modules worker threads start from (shard-worker.ts, for
// `--workers N`) bundled by esbuild into a few files in dist/threads/, with the engine's
// public entries (src/runtime-mode.ts, THREAD_BUNDLE_ENTRIES, says which). A thread's
// start-up was mostly Node resolving, reading and compiling the 800 modules a shard worker
// reaches (300 of the engine, 500 of its packages); from a handful of files it is about 40%
// cheaper (docs/performance.md, "Worker threads"). The compiled tree (dist/**) stays what
// the package's users import; only threads start from the bundle.
//
// - Every engine module keeps the `import.meta.url` of its compiled twin in dist/ (a
//   module reads files next to itself: engine-info ../package.json, the patterns, the
//   report's assets), rewritten as a URL relative to the bundle's own file. Entries and
//   chunks all sit in dist/threads/ itself, so that relative URL holds wherever a module
//   lands.
// - plugins/engine-entries.ts is replaced by the bundle's entries: a plugin loaded in a
//   bundled thread imports `sluice` from the bundle, so it registers into the registry
//   that thread runs.
// - Packages are bundled too (zod, rxjs, yaml… are half the modules), except those that
//   find files of their own at run time or start threads (tsx and esbuild, pino and its
//   transports) and native or network ones a thread never needs; they stay
//   imports of node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/** Packages left as imports (see above). */
const EXTERNAL = [
  'tsx',
  'esbuild',
  'pino',
  'pino-pretty',
  '@duckdb/node-api',
  'bullmq',
  'ioredis',
  'ws',
  '@nats-io/jetstream',
  '@nats-io/transport-node',
  'lightweight-charts',
];

/**
 * rxjs's `node` export is its CommonJS build, which a bundler cannot trim: the whole library
 * (340 kB) would be parsed by every thread. Its ES module build (the `es2015` export, same
 * code) is taken instead, trimmed to what the engine uses.
 */
function rxjsEsm(root) {
  const dir = dirname(createRequire(join(root, 'package.json')).resolve('rxjs/package.json'));
  return (path) => join(dir, 'dist', 'esm', path === 'rxjs' ? '' : path.slice('rxjs/'.length), 'index.js');
}

/**
 * Bundles `entries` ({ 'coordinator/shard-worker.ts': 'shard-worker', … }, relative to
 * src/) into `dist/<dir>/`. Returns the bundle's file names.
 */
export async function bundleThreads({ root, dist, dir, entries }) {
  const src = join(root, 'src');
  const out = join(dist, dir);
  const engineEntries = join(src, 'plugins', 'engine-entries.ts');
  const names = Object.fromEntries(Object.entries(entries).map(([file, name]) => [name, join(src, file)]));
  const result = await build({
    entryPoints: names,
    outdir: out,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages written as CommonJS call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __sluiceRequire } from 'node:module'; const require = __sluiceRequire(import.meta.url);" },
    external: EXTERNAL.flatMap((p) => [p, `${p}/*`]),
    // Whitespace and syntax only (names kept): about 30% less for a thread to parse.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'sluice-thread-bundle',
        setup(b) {
          const rxjs = rxjsEsm(root);
          b.onResolve({ filter: /^rxjs(\/[a-z]+)?$/ }, (args) => ({ path: rxjs(args.path) }));
          b.onLoad({ filter: /\.ts$/ }, async (args) => {
            if (!args.path.startsWith(`${src}/`)) return undefined;
            if (args.path === engineEntries) {
              const url = (name) => `new URL(${JSON.stringify(`./${entries[name]}.js`)}, import.meta.url).href`;
              return {
                contents: `export const ENGINE_ENTRIES = { sluice: ${url('index.ts')}, 'sluice/testing': ${url('testing/index.ts')} };\n`,
                loader: 'js',
              };
            }
            const twin = relative(out, join(dist, relative(src, args.path))).replace(/\.ts$/, '.js');
            const text = await readFile(args.path, 'utf8');
            return {
              contents: text.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(twin)}, import.meta.url).href`),
              loader: 'ts',
            };
          });
        },
      },
    ],
  });
  return Object.keys(result.metafile.outputs).map((f) => relative(out, f));
}
