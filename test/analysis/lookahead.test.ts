import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import {
  checkLookahead,
  LookaheadError,
  type LookaheadReport,
  type SignalState,
} from '../../src/analysis/lookahead.ts';
import { sampleBars } from '../../src/analysis/sample-bars.ts';
import { strategyGraph } from '../../src/analysis/strategy-graph.ts';
import { fixedDecision } from '../../src/domain/strategies/decision.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import type { Direction } from '../../src/events/index.ts';
import { Momentum } from '../../src/domain/indicators/momentum.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPY = join(ROOT, 'examples/data/SPY_5m.csv');
const dir = mkdtempSync(join(tmpdir(), 'sluice-lookahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The deliberately leaking strategy. Its bug is a realistic one: to speed up an
 * optimization loop someone memoized "the next bar's close" per bar timestamp in a
 * module-level cache, filled when the next bar arrives, and let the decision use the
 * "expected return" from the cache whenever it is there. Within one run the cache never
 * holds the current bar (its next close has not been seen), so a single backtest looks
 * innocent; but the cache outlives the run, so every later run over the same bars — the
 * next combination of a sweep — trades on the true next return. Nothing in the engine's
 * data flow leaks: the state shared across runs does.
 */
const nextClose = new Map<number, number>();
const memoNextReturn: StrategyDefinition<{ period: number }> = {
  name: 'memo_next_return',
  description: 'Momentum sign, "sped up" with a cache of next returns (leaks across runs).',
  params: z.strictObject({ period: z.number().int().positive().default(10) }),
  features: (p) => [{ indicator: 'momentum', params: { period: p.period } }],
  create: () => {
    let prevTs: number | undefined;
    let direction: Direction = 0;
    return (features, bar) => {
      if (prevTs !== undefined) nextClose.set(prevTs, bar.close); // the bug: a cache that outlives the run
      prevTs = bar.ts;
      const mom = features[0] ?? NaN;
      if (Number.isNaN(mom)) return null;
      const next = nextClose.get(bar.ts);
      const expected = next !== undefined ? next - bar.close : mom;
      if (expected > 0) direction = 1;
      else if (expected < 0) direction = -1;
      return fixedDecision(direction);
    };
  },
};
const leaking = new Map([['memo_next_return', memoNextReturn as unknown as StrategyDefinition]]);

function config(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ntopology: backtest\n${body}`);
  return file;
}

const spyData = `data: { symbol: SPY, path: ${SPY}, timeframe: 5m, calendar: us_equity }\n`;

const CLEAN = `strategies:
  - type: sma_crossover
    params: { fast_period: 10, slow_period: 30 }
    filter: "signal > 0 and volume > sma(volume, 20) and rsi(14) < 70"
  - type: rsi_threshold
  - type: bollinger_reversion
  - type: macd_crossover
  - type: vwap_deviation
  - type: supertrend_trend
  - type: psar_trend
`;

function signalViolations(r: LookaheadReport, name: string) {
  return r.violations.filter((v) => v.kind === 'signal' && v.name === name);
}

describe('checkLookahead on the built-in strategies (SPY 5m)', () => {
  it('finds no look-ahead in any feature or signal at 50 sampled bars', async () => {
    const loaded = await loadWorkflow(config('clean', spyData + CLEAN));
    const r = await checkLookahead(loaded, { samples: 50, seed: 7 });
    expect(r.violations).toEqual([]);
    expect(r.symbol).toBe('SPY');
    expect(r.bars).toBe(20_769);
    expect(r.checkedBars).toHaveLength(50);
    expect(r.checkedBars.at(-1)).toBe(20_768);
    expect(r.checkedBars.filter((b) => b >= r.warmup).length).toBeGreaterThanOrEqual(40);
    expect(r.strategies).toEqual([
      'sma_crossover',
      'rsi_threshold',
      'bollinger_reversion',
      'macd_crossover',
      'vwap_deviation',
      'supertrend_trend',
      'psar_trend',
    ]);
    // The filter's features are checked like the strategies' own.
    expect(r.features).toEqual(
      expect.arrayContaining([
        'sma(period=20;volume)',
        'rsi(period=14;close)',
        'sma(period=10;close)',
        'vwap(session_start=0)',
      ]),
    );
    expect(r.warmup).toBeGreaterThan(0);
    expect(r.warmup).toBeLessThan(100);
  });
});

describe('checkLookahead on a leaking strategy', () => {
  beforeEach(() => nextClose.clear());

  it('reports the leak with the strategy id, bar and both values, and nothing on the honest strategy beside it', async () => {
    const loaded = await loadWorkflow(
      config(
        'leak',
        `${spyData}strategies:\n  - { type: sma_crossover, params: { fast_period: 10, slow_period: 30 } }\n  - { type: memo_next_return, id: leaky }\n`,
      ),
      { strategies: leaking },
    );
    const r = await checkLookahead(loaded, { samples: 20, seed: 3 });
    const leaks = signalViolations(r, 'leaky');
    expect(leaks.length).toBeGreaterThan(0);
    expect(r.violations.filter((v) => v.name !== 'leaky')).toEqual([]);
    for (const v of leaks) {
      expect(r.checkedBars).toContain(v.bar);
      expect(v.symbol).toBe('SPY');
      expect(v.full).not.toEqual(v.truncated);
    }
    // Signal values are the held state: direction after the filter, strength, and the
    // bar of the signal that set it.
    const v = leaks[0]!;
    for (const state of [v.full, v.truncated] as SignalState[]) {
      expect(Object.keys(state).sort()).toEqual(['direction', 'since', 'strength']);
      expect([-1, 0, 1]).toContain(state.direction);
    }
  });

  it('checks exactly the bars asked for', async () => {
    const loaded = await loadWorkflow(
      config('leak_bars', `${spyData}strategies:\n  - { type: memo_next_return, id: leaky }\n`),
      { strategies: leaking },
    );
    const r = await checkLookahead(loaded, { bars: [5000, 100, 5000] });
    expect(r.checkedBars).toEqual([100, 5000]);
    for (const v of r.violations) expect([100, 5000]).toContain(v.bar);
  });
});

describe('checkLookahead on filters that read earlier bars', () => {
  const lagged = `strategies:
  - type: sma_crossover
    params: { fast_period: 10, slow_period: 30 }
    filter: "close > prev(close, 1) and bars_since(crosses_above(sma(5), sma(10))) < 20"
`;

  it('finds nothing when each run has its own filter state', async () => {
    const loaded = await loadWorkflow(config('lagged', spyData + lagged));
    const r = await checkLookahead(loaded, { samples: 10, seed: 2 });
    expect(r.violations).toEqual([]);
  });
});

describe('checkLookahead on a leaking feature', () => {
  it('names the feature by its key, and the strategy that reads it', async () => {
    // The same bug in an indicator: "the next close" cached per bar number across runs.
    const cache = new Map<number, number>();
    // Definitions are frozen, so the bug goes into the indicator's class: its per-bar step.
    const counters = new WeakMap<object, number>();
    const step = Momentum.prototype as unknown as { combine(x: number, old: number): number };
    const spy = vi.spyOn(step, 'combine').mockImplementation(function (this: object, x: number): number {
      const n = counters.get(this) ?? 0;
      counters.set(this, n + 1);
      cache.set(n - 1, x);
      return (cache.get(n) ?? x) - x; // "momentum" toward the next close
    });
    try {
      const loaded = await loadWorkflow(
        config(
          'feature_leak',
          `${spyData}strategies:\n  - { type: momentum_sign, params: { period: 5 } }\n  - { type: sma_crossover }\n`,
        ),
      );
      const r = await checkLookahead(loaded, { samples: 10 });
      const names = new Set(r.violations.map((v) => `${v.kind} ${v.name}`));
      expect(names.has('feature momentum(period=5;close)')).toBe(true);
      expect(names.has('signal momentum_sign')).toBe(true);
      expect([...names].filter((x) => x.includes('sma'))).toEqual([]);
      const f = r.violations.find((v) => v.kind === 'feature')!;
      expect(typeof f.full).toBe('number');
      expect(f.full).not.toBe(f.truncated);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('bar timestamps in the report', () => {
  it('are the bars’ own', async () => {
    const loaded = await loadWorkflow(
      config('leak_ts', `${spyData}strategies:\n  - { type: memo_next_return, id: leaky }\n`),
      { strategies: leaking },
    );
    nextClose.clear();
    const lines = readFileSync(SPY, 'utf8').trim().split('\n');
    const tsOf = (bar: number) => Date.parse(lines[bar + 1]!.split(',')[0]!.replace(' ', 'T'));
    const r = await checkLookahead(loaded, { bars: [20, 400, 401, 402, 403, 404, 405, 20_768] });
    expect(r.violations.length).toBeGreaterThan(0);
    for (const v of r.violations) expect(v.ts).toBe(tsOf(v.bar));
  });
});

describe('checkLookahead with several symbols', () => {
  // SPY's first 3,000 bars, and a second symbol on every third of those timestamps.
  const lines = readFileSync(SPY, 'utf8').trim().split('\n');
  const head = lines.slice(0, 3001);
  const spyHead = join(dir, 'SPY_head.csv');
  const other = join(dir, 'AAA.csv');
  writeFileSync(spyHead, `${head.join('\n')}\n`);
  writeFileSync(
    other,
    `${[
      head[0],
      ...head
        .slice(1)
        .filter((_, i) => i % 3 === 1)
        .map((l) => {
          const [ts, ...v] = l.split(',');
          return [ts, ...v.map((x, j) => (j < 4 ? (Number(x) / 5).toFixed(4) : x))].join(',');
        }),
    ].join('\n')}\n`,
  );
  const data = `data:\n  timeframe: 5m\n  sources:\n    - { symbol: SPY, path: ${spyHead} }\n    - { symbol: AAA, path: ${other} }\n`;

  it('cuts by timestamp and finds nothing in honest strategies', async () => {
    const loaded = await loadWorkflow(config('multi', data + CLEAN));
    const r = await checkLookahead(loaded, { samples: 30, symbol: 'AAA' });
    expect(r.symbol).toBe('AAA');
    expect(r.bars).toBe(1000);
    expect(r.violations).toEqual([]);
  });

  it('names the symbol of a leak', async () => {
    nextClose.clear();
    const loaded = await loadWorkflow(
      config('multi_leak', `${data}strategies:\n  - { type: memo_next_return, id: leaky }\n`),
      { strategies: leaking },
    );
    const r = await checkLookahead(loaded, { samples: 30 });
    expect(r.symbol).toBe('SPY');
    const symbols = new Set(r.violations.map((v) => v.symbol));
    expect(symbols).toEqual(new Set(['SPY', 'AAA']));
    expect(r.violations.every((v) => v.kind === 'signal' && v.name === 'leaky')).toBe(true);
  });

  it('refuses an unknown symbol and a bar out of range', async () => {
    const loaded = await loadWorkflow(config('multi_err', data + CLEAN));
    await expect(checkLookahead(loaded, { symbol: 'QQQ' })).rejects.toThrow(LookaheadError);
    await expect(checkLookahead(loaded, { symbol: 'QQQ' })).rejects.toThrow(
      /unknown symbol 'QQQ': the config's data has SPY, AAA/,
    );
    await expect(checkLookahead(loaded, { bars: [3000] })).rejects.toThrow(
      /bar 3000 is out of range: SPY has bars 0 to 2999/,
    );
  });
});

describe('sampleBars', () => {
  it('is seeded, includes the last bar and puts most samples after the warm-up', () => {
    const a = sampleBars(20_000, 50, 100, 1);
    expect(a).toEqual(sampleBars(20_000, 50, 100, 1));
    expect(a).not.toEqual(sampleBars(20_000, 50, 100, 2));
    expect(a).toHaveLength(50);
    expect(a.at(-1)).toBe(19_999);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.filter((b) => b >= 100).length).toBeGreaterThanOrEqual(40);
    // Spread: no gap after the warm-up much wider than the stratum width.
    const after = a.filter((b) => b >= 100);
    for (let i = 1; i < after.length; i++) expect(after[i]! - after[i - 1]!).toBeLessThan((2 * 19_900) / 40);
  });

  it('takes every bar of a short series, and none of an empty one', () => {
    expect(sampleBars(10, 50, 3, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sampleBars(0, 50, 0, 1)).toEqual([]);
  });

  it('samples only after the warm-up when there is none', () => {
    const a = sampleBars(1000, 20, 0, 5);
    expect(a).toHaveLength(20);
  });
});

describe('strategyGraph', () => {
  it('keeps the backtest topology up to its strategies and sends their signals to a sink', async () => {
    const loaded = await loadWorkflow(
      config('graph', `${spyData}strategies:\n  - { type: sma_crossover }\n  - { type: rsi_threshold }\n`),
    );
    const plan = strategyGraph(loaded);
    expect(plan.instances.map((i) => i.id)).toEqual([
      'data',
      'features',
      'strategy_sma_crossover',
      'strategy_rsi_threshold',
      'lookahead_signals',
    ]);
    expect(plan.routes.map((r) => `${r.name}: ${r.from.join('+')} → ${r.targets.map((t) => t.id).join('+')}`)).toEqual([
      'bars: data → features',
      'features: features → strategy_sma_crossover+strategy_rsi_threshold',
      // Kept as in the full plan: classifiers feed strategies (none configured here).
      'regimes:  → strategy_sma_crossover+strategy_rsi_threshold',
      'lookahead_signals: strategy_sma_crossover+strategy_rsi_threshold → lookahead_signals',
    ]);
  });

  it('refuses a topology without strategies', async () => {
    const loaded = await loadWorkflow(config('no_strategies', `${spyData}strategies:\n  - { type: sma_crossover }\n`));
    const topology = {
      ...loaded.plan.topology,
      containers: loaded.plan.topology.containers.filter((c) => c.role !== 'strategy'),
    };
    expect(() => strategyGraph({ ...loaded, plan: { ...loaded.plan, topology } })).toThrow(LookaheadError);
  });
});
