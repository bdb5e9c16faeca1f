/**
 * Plugins through the real `sluice` command, as a user meets them: the example plugin
 * config copied outside the repository, `list`, broken plugins, a plugin that throws, a
 * sweep on worker threads, the look-ahead check, `features`, marbles, the signal store
 * that must not reuse what an older plugin computed, and `live`.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, sluice } from '../helpers/cli.ts';
import { resultFiles, resultsDir } from '../helpers/results.ts';

const exec = promisify(execFile);
const BIN = join(ROOT, 'bin/sluice.js');

/** `sluice …` run from `cwd` (outside the repository, as a user's project would be). */
async function sluiceIn(
  cwd: string,
  args: string[],
  timeout = 90_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...args], {
      cwd,
      timeout,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sluice-plugin-cli-'));

/** The example plugin config with its plugins and data, copied into a fresh folder outside the repository. */
function exampleProject(): string {
  const dir = tmp();
  cpSync(join(ROOT, 'examples/spy-plugin-strategy.yaml'), join(dir, 'config.yaml'));
  cpSync(join(ROOT, 'examples/plugins'), join(dir, 'plugins'), { recursive: true });
  mkdirSync(join(dir, 'data'));
  cpSync(join(ROOT, 'examples/data/SPY_5m.csv'), join(dir, 'data/SPY_5m.csv'));
  return dir;
}

const STRATEGY = (name: string, body: string): string =>
  `import { defineStrategy, z } from 'sluice';\n\nexport const s = defineStrategy({\n  name: '${name}',\n  description: 'A test strategy.',\n  params: z.strictObject({}),\n  features: () => [],\n${body}\n});\n`;

describe('the example plugin project, outside the repository', () => {
  it('validates, runs with trades, and lists its plugins with their files', async () => {
    const dir = exampleProject();
    const v = await sluiceIn(dir, ['validate', 'config.yaml']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/config\.yaml: OK — topology backtest, 2 strategies/);
    const r = await sluiceIn(dir, ['run', 'config.yaml', '--out', 'results']);
    expect(r.code, r.stderr).toBe(0);
    const trades = /^Trades\s+(\d+)\s+(\d+)$/m.exec(r.stdout);
    expect(trades, r.stdout).not.toBeNull();
    expect(Number(trades![1])).toBeGreaterThan(0);
    expect(Number(trades![2])).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(dir, resultsDir(r.stdout), 'workflow.json'), 'utf8')) as {
      plugins: { file: string; fingerprint: string; defines: { name: string }[] }[];
    };
    expect(
      manifest.plugins
        .map((p) => p.defines.map((d) => d.name))
        .flat()
        .sort(),
    ).toEqual(['efficiency_ratio', 'efficiency_regime', 'trend_efficiency']);
    expect(manifest.plugins.every((p) => /^[0-9a-f]{64}$/.test(p.fingerprint))).toBe(true);

    const l = await sluiceIn(dir, ['list', 'strategies', '--plugin', 'plugins/*.ts']);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toMatch(
      /trend_efficiency\s+fast_period=12, slow_period=48, er_period=20, min_efficiency=0\.3\n.*\n\s+plugin {2}plugins\/trend-efficiency\.ts/,
    );
    const i = await sluiceIn(dir, ['list', 'indicators', '--plugin', 'plugins/*.ts']);
    expect(i.stdout).toMatch(/efficiency_ratio\s+period=10\s+→ value\n.*\n\s+plugin {2}plugins\/efficiency-ratio\.ts/);
  }, 120_000);

  it("checks a plugin strategy's params against its own schema, located in the config", async () => {
    const dir = exampleProject();
    const r = await sluiceIn(dir, ['validate', 'config.yaml', '--set', 'strategies[0].params.fast_period=100']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /config\.yaml:\d+:\d+ {2}strategies\[0\]\.params\.slow_period: slow_period must be greater than fast_period/,
    );
    const typo = await sluiceIn(dir, ['validate', 'config.yaml', '--set', 'strategies[0].type=trend_eficiency']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/unknown strategy 'trend_eficiency'[\s\S]*did you mean 'trend_efficiency'\?/);
  });

  it('runs the plugin marble specs and computes the plugin indicator with `features`', async () => {
    const dir = exampleProject();
    const m = await sluiceIn(dir, ['marbles', 'plugins']);
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.stdout).toMatch(/2 marble specs: 2 passed/);
    const f = await sluiceIn(dir, [
      'features',
      'data/SPY_5m.csv',
      '--plugin',
      'plugins/efficiency-ratio.ts',
      '--indicator',
      'efficiency_ratio:10',
      '--out',
      'er.csv',
    ]);
    expect(f.code, f.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'er.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/efficiency_ratio\(period=10\)/);
    expect(rows).toHaveLength(20_770);
  });
});

describe('plugins that are broken', () => {
  it('a syntax error is one screen naming the file, line and column; exit 1; a stack only with --debug', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'broken.ts'), STRATEGY('broken', '  create: () => () => { return null +; },'));
    const r = await sluiceIn(dir, ['list', 'strategies', '--plugin', 'broken.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^broken\.ts:8:37 {2}plugin failed to load: Unexpected ";"\n {3}8 \| {3}create: .*\n.*\^\n {2}hint: given with --plugin broken\.ts\n$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = await sluiceIn(dir, ['list', 'strategies', '--plugin', 'broken.ts', '--debug']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/caused by: [\s\S]*\n\s+at /);
  });

  it('a JavaScript syntax error in a module the plugin imports is located in that module', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'uses.js'), "import { helper } from './helper.js';\nexport default helper;\n");
    writeFileSync(join(dir, 'helper.js'), 'export const helper = 1 +;\n');
    const r = await sluiceIn(dir, ['validate', 'c.yaml', '--plugin', 'uses.js']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^helper\.js:1:26 {2}plugin failed to load: SyntaxError: Unexpected token ';' \(imported by plugin uses\.js\)/,
    );
  });

  it('a plugin listed in a config that exports nothing usable, and two plugins defining one name', async () => {
    const dir = tmp();
    cpSync(join(ROOT, 'examples/data/SPY_5m.csv'), join(dir, 'bars.csv'));
    writeFileSync(join(dir, 'nothing.js'), 'export const answer = 42;\n');
    writeFileSync(join(dir, 'a.ts'), STRATEGY('same_name', '  create: () => () => null,'));
    writeFileSync(join(dir, 'b.ts'), STRATEGY('same_name', '  create: () => () => null,'));
    const config = (plugins: string) =>
      `name: t\nplugins: ${plugins}\ndata: { symbol: SPY, path: bars.csv, timeframe: 5m }\nstrategies: [ { type: sma_crossover } ]\n`;
    writeFileSync(join(dir, 'nothing.yaml'), config('[./nothing.js]'));
    const n = await sluiceIn(dir, ['validate', 'nothing.yaml']);
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(
      /^nothing\.yaml:2:11 {2}plugins\[0\]: plugin nothing\.js exports no strategy, indicator or classifier: export the result of defineStrategy/,
    );
    writeFileSync(join(dir, 'twice.yaml'), config('[./a.ts, ./b.ts]'));
    const t = await sluiceIn(dir, ['validate', 'twice.yaml']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(
      /plugins\[1\]: plugin b\.ts defines the strategy 'same_name', which plugin a\.ts already defines: rename one of them/,
    );
    writeFileSync(join(dir, 'builtin.ts'), STRATEGY('sma_crossover', '  create: () => () => null,'));
    const b = await sluiceIn(dir, ['validate', 'nothing.yaml', '--plugin', 'builtin.ts']);
    expect(b.stderr).toMatch(
      /plugin builtin\.ts defines the strategy 'sma_crossover', which the built-in catalogue already defines/,
    );
  });

  it('a plugin named by package is imported from the folder it is installed in', async () => {
    const dir = tmp();
    const pkg = join(dir, 'node_modules', 'sluice-plugin-demo');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'sluice-plugin-demo', type: 'module', exports: { '.': { import: './main.js' } } }),
    );
    writeFileSync(
      join(pkg, 'main.js'),
      "import { defineIndicator, z } from 'sluice';\nexport default [defineIndicator({ name: 'demo_close', description: 'The close.', params: z.strictObject({}), outputs: ['value'], reads: 'bar', warmup: () => 1,\n  create: () => { let v = NaN; return { update: (b) => { v = b.close; }, get ready() { return !Number.isNaN(v); }, value: () => v, reset: () => { v = NaN; } }; } })];\n",
    );
    const r = await sluiceIn(dir, ['list', 'indicators', '--plugin', 'sluice-plugin-demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/demo_close .*\n.*The close\.\n\s+plugin {2}node_modules\/sluice-plugin-demo\/main\.js/);
  });

  it('a plugin that throws during a run fails it as a built-in would, naming its file, line and bar', async () => {
    const dir = tmp();
    cpSync(join(ROOT, 'examples/data/SPY_5m.csv'), join(dir, 'bars.csv'));
    writeFileSync(
      join(dir, 'boom.ts'),
      STRATEGY(
        'boom',
        '  create: () => {\n    let n = 0;\n    return (_f, bar) => {\n      if (++n === 100) throw new Error(`cannot handle close ${bar.close}`);\n      return { direction: 1, strength: 1 };\n    };\n  },',
      ),
    );
    writeFileSync(
      join(dir, 'c.yaml'),
      'name: boom_test\nplugins: [boom.ts]\ndata: { symbol: SPY, path: bars.csv, timeframe: 5m }\nstrategies: [ { type: boom } ]\n',
    );
    const r = await sluiceIn(dir, ['run', 'c.yaml', '--out', 'res']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /run failed during execute in container 'strategy_boom': .* threw on SPY bar 2024-03-27T15:10:00\.000Z at boom\.ts:11:30 \(plugin boom\.ts\): cannot handle close 520/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('Final equity');
    const manifest = JSON.parse(readFileSync(join(dir, resultsDir(r.stderr), 'workflow.json'), 'utf8')) as {
      status: string;
      error: { kind: string };
    };
    expect(manifest.status).toBe('failed');
    expect(manifest.error.kind).toBe('UserCodeError');
  });
});

describe('plugins everywhere the built-ins go', () => {
  const SWEEP = [
    '--set',
    'strategies=[{type: trend_efficiency, params: {fast_period: [8, 12], slow_period: [48, 96], min_efficiency: 0.3}}]',
    '--set',
    'classifiers=[]',
    '--set',
    'sequence={type: parameter_sweep, shard_size: 1, resume: false}',
    '--set',
    'data.end=2024-08-01',
  ];

  it('a sweep of a plugin strategy on two worker threads writes files identical to one thread', async () => {
    const dir = exampleProject();
    const [one, two] = await Promise.all([
      sluiceIn(dir, ['run', 'config.yaml', ...SWEEP, '--out', 'one']),
      sluiceIn(dir, ['run', 'config.yaml', ...SWEEP, '--workers', '2', '--out', 'two']),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const a = resultFiles(join(dir, resultsDir(one.stdout)));
    const b = resultFiles(join(dir, resultsDir(two.stdout)));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(a.size).toBeGreaterThan(2);
    for (const [file, text] of a) expect(b.get(file), file).toBe(text);
    expect(a.get('backtest/aggregate_results.json')).toMatch(/trend_efficiency_8_48/);
  }, 180_000);

  it('sluice lookahead reruns plugin code and catches a plugin indicator that leaks', async () => {
    const dir = exampleProject();
    // A "two-sided" smoother: it memoises closes by time across runs and averages the
    // neighbours it knows on both sides. Over all bars it can only know the past; rerun on
    // a cut, it finds the future of the earlier run in its memo.
    writeFileSync(
      join(dir, 'plugins', 'centered.ts'),
      `import { defineIndicator, z } from 'sluice';
// Keyed by the bar's position in the run, shared by every instance and every run.
const memo = new Map<number, number>();
export const centered = defineIndicator({
  name: 'centered_close', description: 'Mean of the close and its remembered neighbours.', params: z.strictObject({}), outputs: ['value'], reads: 'bar', warmup: () => 1,
  create: () => {
    let v = NaN;
    let i = 0;
    return {
      update(bar) { memo.set(i, bar.close); const next = memo.get(i + 1); v = next === undefined ? bar.close : (bar.close + next) / 2; i++; },
      get ready() { return !Number.isNaN(v); },
      value: () => v,
      reset() { v = NaN; i = 0; },
    };
  },
});
`,
    );
    writeFileSync(
      join(dir, 'leak.yaml'),
      `name: leak\nplugins: [./plugins/*.ts]\ndata: { symbol: SPY, path: data/SPY_5m.csv, timeframe: 5m, end: '2024-04-15' }\nstrategies:\n  - type: sma_crossover\n    filter: "centered_close() > close"\n`,
    );
    const clean = await sluiceIn(dir, ['lookahead', 'config.yaml', '--samples', '5', '--set', 'data.end=2024-04-15']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    const leak = await sluiceIn(dir, ['lookahead', 'leak.yaml', '--samples', '5']);
    expect(leak.code, leak.stdout + leak.stderr).toBe(1);
    expect(leak.stdout + leak.stderr).toMatch(/centered_close/);
  }, 120_000);

  it('the signal store recomputes a plugin strategy whose code changed, and reuses it otherwise', async () => {
    const dir = exampleProject();
    const args = ['signals', 'config.yaml', '--store', 'store', '--set', 'data.end=2024-06-01'];
    const first = await sluiceIn(dir, args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/signal store: 2 strategies: 0 reused, 2 computed/);
    const again = await sluiceIn(dir, args);
    expect(again.stdout).toMatch(/signal store: 2 strategies: 2 reused, 0 computed/);
    // A comment changes no signal, but the store cannot know that: new code, new computation.
    // Both strategies read the plugins (one directly, one through its filter and classifier).
    appendFileSync(join(dir, 'plugins', 'efficiency-ratio.ts'), '\n// edited\n');
    const edited = await sluiceIn(dir, args);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/signal store: 2 strategies: 0 reused, 2 computed/);
  }, 120_000);

  it("replaying a store of plugin strategies gives the backtest's trades byte for byte", async () => {
    const dir = exampleProject();
    const end = ['--set', 'data.end=2024-08-01'];
    const stored = await sluiceIn(dir, ['signals', 'config.yaml', '--store', 'store', ...end]);
    expect(stored.code, stored.stderr).toBe(0);
    const config = readFileSync(join(dir, 'config.yaml'), 'utf8').replace(
      'topology: backtest',
      'topology: signal_replay\nreplay: { store: store }',
    );
    writeFileSync(join(dir, 'replay.yaml'), config);
    const [replayed, backtest] = await Promise.all([
      sluiceIn(dir, ['run', 'replay.yaml', ...end, '--out', 'replayed']),
      sluiceIn(dir, ['run', 'config.yaml', ...end, '--out', 'backtest']),
    ]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/stored signals replayed from .*store \(no indicator computed\)/);
    const trades = (out: string, phase: string) =>
      readFileSync(join(dir, resultsDir(out), phase, 'trades.ndjson'), 'utf8');
    expect(trades(replayed.stdout, 'signal_replay').split('\n').length).toBeGreaterThan(50);
    expect(trades(replayed.stdout, 'signal_replay')).toBe(trades(backtest.stdout, 'backtest'));
  }, 120_000);

  it('sluice live runs a plugin strategy on a feed, with the signals of the batch run', async () => {
    const dir = exampleProject();
    writeFileSync(
      join(dir, 'live.yaml'),
      'name: live_plugin\ntopology: signal_generation\nplugins: [./plugins/*.ts]\ndata: { symbol: SPY, path: data/SPY_5m.csv, timeframe: 5m }\nstrategies: [ { type: trend_efficiency } ]\n',
    );
    const bars = readFileSync(join(dir, 'data/SPY_5m.csv'), 'utf8').trim().split('\n');
    const history = 2_000;
    writeFileSync(join(dir, 'history.csv'), bars.slice(0, history + 1).join('\n') + '\n');
    const feed = bars
      .slice(history + 1, history + 1 + 1_000)
      .map((line) => {
        const [ts, o, h, l, c, v] = line.split(',');
        return JSON.stringify({
          type: 'bar',
          symbol: 'SPY',
          ts,
          open: Number(o),
          high: Number(h),
          low: Number(l),
          close: Number(c),
          volume: Number(v),
        });
      })
      .join('\n');
    writeFileSync(join(dir, 'feed.ndjson'), `${feed}\n`);
    const live = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        'node',
        [BIN, 'live', 'live.yaml', '--feed', 'stdin', '--warmup', 'history.csv'],
        { cwd: dir, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? -1), stdout, stderr }),
      );
      child.stdin!.end(readFileSync(join(dir, 'feed.ndjson')));
    });
    expect(live.code, live.stderr).toBe(0);
    const liveSignals = live.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((m) => m['type'] === 'signal');
    expect(liveSignals.length).toBeGreaterThan(0);
    // The batch run over the same bars: its signals after the warm-up are the live ones.
    writeFileSync(join(dir, 'batch.csv'), bars.slice(0, history + 1 + 1_000).join('\n') + '\n');
    const batch = await sluiceIn(dir, ['run', 'live.yaml', '--set', 'data.path=batch.csv', '--out', 'batch']);
    expect(batch.code, batch.stderr).toBe(0);
    const store = join(dir, resultsDir(batch.stdout), 'signal_generation');
    const q = await sluiceIn(dir, [
      'query',
      store,
      `SELECT count(*) AS n FROM signals WHERE ts >= TIMESTAMP '${bars[history + 1]!.split(',')[0]!.replace('T', ' ').replace('Z', '')}'`,
    ]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toMatch(new RegExp(`\\b${liveSignals.length}\\b`));
  }, 120_000);
});

describe('sluice schema and the committed files', () => {
  it('the example plugin config is valid in the repository too', async () => {
    const r = await sluice(['validate', 'examples/spy-plugin-strategy.yaml']);
    expect(r.code, r.stderr).toBe(0);
  });
});
