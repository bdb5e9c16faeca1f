/**
 * Sluice as a user gets it: `npm pack` (which builds dist/ through `prepack`), then
 * `npm install <tarball>` into a fresh project outside the repository, then use it the
 * way a user would — import it from plain Node, typecheck against its types, run its
 * command on the example data it ships.
 *
 * The expensive part runs once, in beforeAll: a copy of the repository's package files
 * is packed (so the build never writes dist/ into the repository), and the tarball is
 * installed once. Each check is its own `it` working in `project`; to add one (a
 * scaffold command, a plugin file…), write another `it` with `sh` and `project`.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFiles, resultsDir } from '../helpers/results.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** What `npm pack` needs from the repository: the package's `files`, and what builds them. */
const PACKAGE_SOURCES = [
  'package.json',
  'package-lock.json',
  'README.md',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.js',
  'scripts/bundle-threads.js',
  'src',
  'bin',
  'patterns',
  'schema',
  'examples',
  'templates',
];
const MINUTES = 60_000;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (never throws on a non-zero exit: the test looks at `code`). */
function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** `sh`, failing the test with the command's output when it does not exit 0. */
async function ok(cmd: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  const r = await sh(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

let work: string;
/** A fresh npm project with the packed tarball installed: where every check runs. */
let project: string;
/** The installed package: project/node_modules/sluice. */
let installed: string;
/** The packed tarball. */
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sluice-pack-'));

  // Pack from a copy, so `prepack`'s build writes dist/ there, not into the repository.
  const copy = join(work, 'repo');
  for (const path of PACKAGE_SOURCES) cpSync(join(REPO, path), join(copy, path), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packed = await ok('npm', ['pack', '--json', '--pack-destination', work], copy);
  tarball = join(
    work,
    (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0]!.filename,
  );

  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'sluice-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await ok('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project);
  installed = join(project, 'node_modules', 'sluice');
}, 10 * MINUTES);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed and installed package', () => {
  it('holds the compiled code, the patterns and the examples, and no TypeScript sources', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/report/assets/report.css',
      'dist/threads/shard-worker.js',
      'bin/sluice.js',
      'patterns',
      'schema/sluice.schema.json',
      'examples/spy-sma-crossover.yaml',
      'examples/data/SPY_5m.csv',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  });

  it('is importable from plain Node: loadWorkflow and runWorkflow are functions', async () => {
    const script =
      "import('sluice').then(async (m) => { const t = await import('sluice/testing'); console.log(JSON.stringify({ loadWorkflow: typeof m.loadWorkflow, runWorkflow: typeof m.runWorkflow, defineStrategy: typeof m.defineStrategy, defineIndicator: typeof m.defineIndicator, defineClassifier: typeof m.defineClassifier, z: typeof m.z?.object, marbleTest: typeof t.marbleTest })); })";
    const r = await ok(process.execPath, ['--input-type=module', '-e', script], project);
    expect(JSON.parse(r.stdout)).toEqual({
      loadWorkflow: 'function',
      runWorkflow: 'function',
      defineStrategy: 'function',
      defineIndicator: 'function',
      defineClassifier: 'function',
      z: 'function',
      marbleTest: 'function',
    });
  });

  it('typechecks a TypeScript consumer against the installed types (NodeNext)', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { defineStrategy, loadWorkflow, runWorkflow, STRATEGIES, z, type LoadedWorkflow, type WorkflowResult } from 'sluice';
import { marbleTest } from 'sluice/testing';


export async function trades(file: string): Promise<number> {
  const loaded: LoadedWorkflow = await loadWorkflow(file, { sets: ['execution.fill=close'] });
  const result: WorkflowResult = await runWorkflow(loaded, { inMemory: true });
  return result.ranking[0]?.metrics.trade_count ?? 0;
}

export const known: boolean = STRATEGIES.has('sma_crossover');

// A plugin definition, typed from its zod params: p.period is a number.
export const mine = defineStrategy({
  name: 'consumer_strategy',
  description: 'Long above the SMA.',
  params: z.strictObject({ period: z.number().int().positive().default(20) }),
  features: (p) => [{ indicator: 'sma', params: { period: p.period } }],
  create: () => (features, bar) => (Number.isNaN(features[0]!) ? null : { direction: bar.close > features[0]! ? 1 : 0, strength: 1 }),
});
// @ts-expect-error params are typed: no such param
export const wrong = mine.features({ perod: 3 });
export const tester: typeof marbleTest = marbleTest;

// The types are real, not \`any\` from an import the compiler could not follow:
// @ts-expect-error a config is a file name, not a number
void loadWorkflow(42);
`,
    );
    const r = await sh(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('`npx sluice --version` prints the version', async () => {
    const r = await ok('npx', ['--no', '--', 'sluice', '--version'], project);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('`npx sluice run` backtests the bundled example on the bundled SPY bars', async () => {
    cpSync(join(installed, 'examples'), join(project, 'examples'), { recursive: true });
    const r = await ok(
      'npx',
      ['--no', '--', 'sluice', 'run', 'examples/spy-sma-crossover.yaml', '--out', join(work, 'results')],
      project,
    );
    expect(r.stdout).toContain('spy_sma_crossover: 20769 bars');
    expect(Number(/^Trades\s+(\d+)/m.exec(r.stdout)?.[1])).toBeGreaterThan(0);
  });

  it('`npx sluice run --workers 2` sweeps the TypeScript plugin strategy on the thread bundle to the files of one thread', async () => {
    const dir = join(project, 'plugin-sweep');
    cpSync(join(installed, 'examples'), dir, { recursive: true });
    const sweep = [
      'run',
      'spy-plugin-strategy.yaml',
      '--set',
      'strategies=[{type: trend_efficiency, params: {fast_period: [8, 12], slow_period: [48, 96], min_efficiency: 0.3}}]',
      '--set',
      'sequence={type: parameter_sweep, shard_size: 1, resume: false}',
      '--set',
      'data.end=2024-08-01',
    ];
    const one = await ok('npx', ['--no', '--', 'sluice', ...sweep, '--out', 'one'], dir);
    const two = await ok('npx', ['--no', '--', 'sluice', ...sweep, '--workers', '2', '--out', 'two'], dir);
    const a = resultFiles(join(dir, resultsDir(one.stdout)));
    const b = resultFiles(join(dir, resultsDir(two.stdout)));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, text] of a) expect(b.get(file), file).toBe(text);
    expect(a.get('backtest/aggregate_results.json')).toMatch(/trend_efficiency_8_48/);
  });

  it(
    '`npx sluice init` writes a project whose TypeScript plugin runs through the compiled engine: backtest and tests green',
    async () => {
      const scaffold = join(work, 'scaffold');
      await ok('npx', ['--no', '--', 'sluice', 'init', scaffold], project);
      await ok('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], scaffold);
      const run = await ok('npm', ['run', 'backtest', '--', '--out', join(work, 'scaffold-results')], scaffold);
      expect(run.stdout).toContain('my_research: 20769 bars, 2 strategies');
      const trades = /^Trades\s+(\d+)\s+(\d+)$/m.exec(run.stdout);
      expect(Number(trades?.[1]) * Number(trades?.[2])).toBeGreaterThan(0);
      const test = await ok('npm', ['test'], scaffold);
      expect(test.stdout).toMatch(/1 marble spec: 1 passed/);
      expect(test.stdout).toMatch(/# pass 2\b/);
      expect(test.stdout).toMatch(/# fail 0\b/);
      const listed = await ok(
        'npx',
        ['--no', '--', 'sluice', 'list', 'strategies', '--plugin', 'plugins/*.ts'],
        scaffold,
      );
      expect(listed.stdout).toMatch(/my_strategy .*\n.*\n\s+plugin {2}plugins\/my-strategy\.ts/);
    },
    5 * MINUTES,
  );
});
