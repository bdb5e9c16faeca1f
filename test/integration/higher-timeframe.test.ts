/**
 * Features on higher timeframes through the whole engine, on the bundled SPY 5m bars:
 * the example config (a 5m crossover gated by `close > sma(50)@1h` and `rsi(14)@1d`) run
 * by the CLI, the filter's values against an independent hourly SMA, signal replay equal
 * to the backtest, one computation per distinct spec in a graph of many strategies,
 * `warmup: auto`, located config errors, and the look-ahead check (clean, and catching a
 * deliberately wrong availability).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { loadWorkflow, type LoadWorkflowOptions } from '../../src/load/load-workflow.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { runPhase, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { warmupBars } from '../../src/sequencer/data-range.ts';
import { checkLookahead } from '../../src/analysis/lookahead.ts';
import { main } from '../../src/cli/main.ts';
import { ResampledIndicator } from '../../src/domain/indicators/resampled-indicator.ts';
import type { Indicator } from '../../src/domain/indicators/indicator.ts';
import { fixedDecision } from '../../src/domain/strategies/decision.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { INDICATORS } from '../../src/domain/registry.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { silent } from '../helpers/run.ts';

const EXAMPLE = 'examples/spy-higher-timeframe.yaml';
const exec = promisify(execFile);

async function run(file: string, opts: LoadWorkflowOptions, phaseDir: string | null = null): Promise<PhaseOutcome> {
  const { wf, plan } = await loadWorkflow(file, opts);
  const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir, logger: silent });
  expect(outcome.status, String(outcome.failure?.error)).toBe('completed');
  return outcome;
}

/** The first ConfigError issue of loading `file` with `opts`. */
async function firstIssue(file: string, opts: LoadWorkflowOptions) {
  const err = await loadWorkflow(file, opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues[0]!;
}

/** Hourly closes from 09:30 New York time, written out plainly; each hour's end, epoch ms. */
function hourlyCloses(): { close: number; end: number }[] {
  const ny = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const hours: { key: string; close: number; end: number }[] = [];
  for (const b of loadSpyBars()) {
    const p = Object.fromEntries(ny.formatToParts(new Date(b.ts)).map((x) => [x.type, x.value]));
    const minute = Number(p['hour']) * 60 + Number(p['minute']);
    if (minute < 570 || minute >= 960) continue;
    const k = Math.floor((minute - 570) / 60);
    const key = `${p['year']}-${p['month']}-${p['day']}/${k}`;
    const end = b.ts + (Math.min(570 + (k + 1) * 60, 960) - minute) * 60_000;
    if (hours.at(-1)?.key === key) hours.at(-1)!.close = b.close;
    else hours.push({ key, close: b.close, end });
  }
  return hours;
}

describe('the example: a 5m crossover gated by the hourly and the daily trend', () => {
  it('runs from the CLI and trades', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-htf-'));
    const { stdout } = await exec('node', ['bin/sluice.js', 'run', EXAMPLE, '--out', out], {
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Trades\s+233\n/);
    const [id] = readdirSync(out).filter((d) => !d.startsWith('.'));
    expect((JSON.parse(readFileSync(join(out, id!, 'workflow.json'), 'utf8')) as { status: string }).status).toBe(
      'completed',
    );
  }, 60_000);

  it('enters only on bars where close > SMA(50) of the hourly closes known at that bar', async () => {
    const outcome = await run(EXAMPLE, { sets: ['topology=signal_generation'] });
    const features = outcome.containers.get('features')!;
    expect(features['features']).toEqual(
      expect.arrayContaining(['sma(period=50;close)@1h', 'rsi(period=14;close)@1d']),
    );
    const hours = hourlyCloses();
    const bars = loadSpyBars();
    // The SMA of the last 50 hourly closes whose hour ended by the bar's close.
    const smaAt = (ts: number): number => {
      const known = hours.filter((h) => h.end <= ts + 5 * 60_000);
      if (known.length < 50) return NaN;
      return known.slice(-50).reduce((s, h) => s + h.close, 0) / 50;
    };
    const longs = outcome.signals!.filter((s) => s.direction === 1);
    expect(longs.length).toBeGreaterThan(100);
    for (const s of longs) {
      const bar = bars[s.seq]!;
      expect(bar.close, new Date(bar.ts).toISOString()).toBeGreaterThan(smaAt(bar.ts));
    }
    // The gate matters: some bars the hourly trend refused would have passed a 5m SMA(50).
    const plain = await run(EXAMPLE, {
      sets: ['topology=signal_generation', 'strategies[0].filter=signal > 0 and rsi(14)@1d < 70'],
    });
    expect(plain.signals!.filter((s) => s.direction === 1).length).toBeGreaterThan(longs.length);
  }, 60_000);

  it('replaying its stored signals gives the backtest’s trades, equity and metrics exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-htf-replay-'));
    await run(EXAMPLE, { sets: ['topology=signal_generation'] }, dir);
    const backtest = await run(EXAMPLE, {});
    const replay = await run(EXAMPLE, { sets: ['topology=signal_replay'], overlay: { replay: { store: dir } } });
    const [a, b] = [backtest.books[0]!, replay.books[0]!];
    expect(a.trades!.length).toBeGreaterThan(100);
    expect(b.trades).toEqual(a.trades);
    expect(b.equity).toEqual(a.equity);
    expect(b.metrics).toEqual(a.metrics);
  }, 60_000);
});

describe('a plugin indicator on a higher timeframe', () => {
  it('is resampled like a built-in: the filter passes only where the hourly efficiency ratio does', async () => {
    const plugin = 'examples/plugins/efficiency-ratio.ts';
    const filter = 'signal > 0 and efficiency_ratio(10)@1h > 0.3';
    const outcome = await run(EXAMPLE, {
      plugins: [plugin],
      sets: ['topology=signal_generation', `strategies[0].filter=${filter}`],
    });
    expect(outcome.containers.get('features')!['features']).toContain('efficiency_ratio(period=10;close)@1h');
    // The plugin's own indicator, fed the independently cut hourly closes.
    const def = INDICATORS.get('efficiency_ratio')!;
    const er = def.create(def.params.parse({ period: 10 }), 'close');
    const hours = hourlyCloses();
    const bars = loadSpyBars();
    const erAt = new Float64Array(bars.length);
    let next = 0;
    bars.forEach((b, i) => {
      while (next < hours.length && hours[next]!.end <= b.ts + 5 * 60_000) {
        const c = hours[next++]!.close;
        er.update({ open: c, high: c, low: c, close: c, volume: 0 });
      }
      erAt[i] = er.value();
    });
    const longs = outcome.signals!.filter((s) => s.direction === 1);
    expect(longs.length).toBeGreaterThan(20);
    for (const s of longs) expect(erAt[s.seq]!).toBeGreaterThan(0.3);
  }, 60_000);
});

describe('many strategies reading the same higher-timeframe feature', () => {
  it('share one computation per distinct spec (however the timeframe is spelt)', async () => {
    const outcome = await run(EXAMPLE, {
      sets: [
        'topology=signal_generation',
        'strategies[0].params.fast_period=[5, 10, 20]',
        'strategies[0].filter=signal > 0 and close > sma(50)@1h and close > sma(50)@60m and close > sma(50)',
      ],
    });
    const features = outcome.containers.get('features')!;
    const keys = features['features'] as string[];
    expect(keys.filter((k) => k.includes('@'))).toEqual(['sma(period=50;close)@1h']);
    // Three crossovers' own SMAs (5, 10, 20 and 30 shared), the filter's 5m and 1h SMA(50).
    expect(keys).toHaveLength(6);
    expect(features['indicator_updates']).toBe(6 * outcome.bars);
    expect(outcome.signals!.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('a parameter sweep reading higher-timeframe features', () => {
  it('gives every combination the single graph’s metrics, in shards and on worker threads alike', async () => {
    const grid = ['strategies[0].params.fast_period=[5,10,20]', 'strategies[0].params.slow_period=[30,60]'];
    const single = await runWorkflow(await loadWorkflow(EXAMPLE, { sets: grid }), { logger: silent, inMemory: true });
    const expected = new Map(single.outcome!.books.map((b) => [b.key, b.metrics]));
    expect(expected.size).toBe(6);
    for (const [shard, workers] of [
      [1, 1],
      [4, 2],
    ] as const) {
      const loaded = await loadWorkflow(EXAMPLE, {
        sets: [...grid, `sequence={type: parameter_sweep, shard_size: ${shard}, resume: false}`],
      });
      const r = await runWorkflow(loaded, {
        logger: silent,
        outDir: mkdtempSync(join(tmpdir(), 'sluice-htf-sweep-')),
        workers,
      });
      expect(r.status).toBe('completed');
      const iterations = r.result.iterations as { strategy_id: string; metrics: object }[];
      expect(iterations).toHaveLength(6);
      for (const it of iterations)
        expect(it.metrics, `${it.strategy_id}, shard ${shard}, workers ${workers}`).toEqual(
          expected.get(it.strategy_id),
        );
    }
  }, 120_000);
});

describe('warmup: auto', () => {
  it('counts a higher-timeframe warm-up in data bars', async () => {
    const loaded = await loadWorkflow(EXAMPLE, { sets: ['strategies[0].filter=close > sma(50)@1h'] });
    // sma(50) on 1h bars of 5m data: (50 + 1) × 12 bars, doubled as auto does; the crossover's SMA(30) is far less.
    expect(warmupBars(loaded, 'auto')).toBe(2 * 51 * 12);
    const daily = await loadWorkflow(EXAMPLE, { sets: ['strategies[0].filter=rsi(14)@1d < 70'] });
    expect(warmupBars(daily, 'auto')).toBe(2 * 16 * 288);
  });
});

describe('a timeframe that is not a higher one of the data', () => {
  it('is a config error at the @ of the filter, with the fix', async () => {
    const issue = await firstIssue(EXAMPLE, { sets: ['strategies[0].filter=signal > 0 and close > sma(50)@3m'] });
    expect(issue.path.join('.')).toBe('strategies.0.filter');
    expect(issue.message).toBe(
      "@3m is shorter than the data's timeframe 5m: bars cannot be cut finer than they are; write a multiple of the data's 5m up to 1d, e.g. @10m, @15m, @30m, @1h or @1d",
    );
    expect(issue.sourceLine?.[issue.col! - 1]).toBe('@');
    const odd = await firstIssue(EXAMPLE, { sets: ['strategies[0].filter=sma(50)@7m > 0'] });
    expect(odd.message).toMatch(/not a whole multiple of the data's timeframe 5m/);
    const misplaced = await firstIssue(EXAMPLE, { sets: ['strategies[0].filter=close@1h > 0'] });
    expect(misplaced.message).toBe('@1h can only follow an indicator call');
    expect(misplaced.hint).toMatch(/sma\(close, 1\)@1h/);
    const fn = await firstIssue(EXAMPLE, { sets: ['strategies[0].filter=abs(close)@1h > 0'] });
    expect(fn.message).toBe('@1h can only follow an indicator call, not abs()');
  });

  it('declared in a strategy’s code is a config error at the strategy', async () => {
    const hourly: StrategyDefinition<{ period: number }> = {
      name: 'above_hourly_sma',
      description: 'Long above the SMA of 7-minute bars (not a multiple of 5m).',
      params: z.strictObject({ period: z.number().int().positive().default(20) }),
      features: (p) => [{ indicator: 'sma', params: { period: p.period }, timeframe: '7m' }],
      create: () => (f, bar) => (Number.isNaN(f[0]!) ? null : fixedDecision(bar.close > f[0]! ? 1 : 0)),
    };
    const strategies = new Map([['above_hourly_sma', hourly as unknown as StrategyDefinition]]);
    const issue = await firstIssue(EXAMPLE, { strategies, sets: ['strategies=[{type: above_hourly_sma}]'] });
    expect(issue.path.join('.')).toBe('strategies.0.type');
    expect(issue.message).toMatch(
      /^above_hourly_sma reads sma on timeframe '7m': @7m is not a whole multiple of the data's timeframe 5m/,
    );
  });
});

/** `sluice lookahead <args>` in this process (so a planted bug is in force): exit code and output. */
async function sluiceLookahead(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const io = { out: (t: string) => (text += `${t}\n`), err: (t: string) => (text += `${t}\n`) };
  const code = await main(['node', 'sluice', 'lookahead', ...args], io);
  return { code, text };
}

describe('the look-ahead check on higher-timeframe features', () => {
  it('finds nothing in the example', async () => {
    const r = await checkLookahead(await loadWorkflow(EXAMPLE), { samples: 12, seed: 3 });
    expect(r.features).toEqual(expect.arrayContaining(['sma(period=50;close)@1h', 'rsi(period=14;close)@1d']));
    expect(r.violations).toEqual([]);
    const cli = await sluiceLookahead([EXAMPLE, '--samples', '6']);
    expect(cli.code).toBe(0);
    expect(cli.text).toMatch(/checked 6 bars × 4 features × 1 strategy: no look-ahead found/);
  }, 60_000);

  it('catches an hour’s value made available from the hour’s first 5m bar', async () => {
    // The bug: "an hour's value is known per hour", so it is cached by the hour's start
    // when the hour closes and read while the next run's same hour is still building. A
    // single run looks innocent (its cache is filled only after the hour), every later
    // run — the next combination of a sweep, or a cut run of the check — sees the
    // hour's close from its first 5m bar on.
    const cache = new Map<string, number>();
    const spy = vi.spyOn(ResampledIndicator.prototype, 'value').mockImplementation(function (
      this: ResampledIndicator,
      output = 0,
    ): number {
      const self = this as unknown as { inner: Indicator; building: boolean; start: number };
      const own = self.inner.value(output);
      const key = `${self.start}/${output}`;
      if (!self.building) cache.set(key, own);
      return self.building ? (cache.get(key) ?? own) : own;
    });
    try {
      const loaded = await loadWorkflow(EXAMPLE, { sets: ['strategies[0].filter=signal > 0 and close > sma(50)@1h'] });
      const r = await checkLookahead(loaded, { samples: 12, seed: 3 });
      const names = new Set(r.violations.map((v) => `${v.kind} ${v.name}`));
      expect(names.has('feature sma(period=50;close)@1h')).toBe(true);
      // The 5m features beside it are untouched.
      expect([...names].filter((n) => n.startsWith('feature') && !n.includes('@'))).toEqual([]);
      // `sluice lookahead` says so and fails (from an empty cache: a cache already full
      // leaks alike into the full run and the cut runs, which then agree).
      cache.clear();
      const cli = await sluiceLookahead([
        EXAMPLE,
        '--samples',
        '12',
        '--seed',
        '3',
        '--set',
        'strategies[0].filter=signal > 0 and close > sma(50)@1h',
      ]);
      expect(cli.code).toBe(1);
      expect(cli.text).toContain('sma(period=50;close)@1h');
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
});
