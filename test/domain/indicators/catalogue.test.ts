import { describe, expect, it } from 'vitest';
import { FeatureHub } from '../../../src/domain/indicators/feature-hub.ts';
import type { BarInput } from '../../../src/domain/indicators/indicator.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { mulberry32 } from '../../helpers/prng.ts';
import { build, firstValue, run } from './harness.ts';
import { INDICATORS, getIndicator } from '../../../src/domain/registry.ts';

// Params for the indicators whose schema has a required param; the others use defaults.
const REQUIRED: Readonly<Record<string, Record<string, number>>> = {
  sma: { period: 10 },
  ema: { period: 10 },
  wma: { period: 10 },
  smma: { period: 10 },
  rma: { period: 10 },
  dema: { period: 10 },
  tema: { period: 10 },
  hma: { period: 16 },
  highest: { period: 10 },
  lowest: { period: 10 },
  stddev: { period: 10 },
  roc: { period: 10 },
  zlema: { period: 10 },
};

const ISSUE_6 = [
  'sma',
  'ema',
  'wma',
  'smma',
  'rma',
  'dema',
  'tema',
  'kama',
  'hma',
  'vwap',
  'rsi',
  'stoch',
  'stoch_rsi',
  'williams_r',
  'cci',
  'macd',
  'momentum',
  'roc',
  'trix',
  'ultimate_oscillator',
  'atr',
  'true_range',
  'bbands',
  'keltner',
  'donchian',
  'stddev',
  'adx',
  'aroon',
  'psar',
  'supertrend',
  'obv',
  'mfi',
  'highest',
  'lowest',
];
// Added beyond the issue's list: realized volatility, which volatility-target sizing reads.
const EXTRA = ['volatility'];
// Issue #17, item 8: the standard indicators researchers look for.
const ISSUE_17 = ['adxr', 'zlema', 'vortex', 'tsi', 'ppo'];
const ALL = [...ISSUE_6, ...EXTRA, ...ISSUE_17];

const bars = loadSpyBars();
const paramsOf = (name: string): Record<string, number> => REQUIRED[name] ?? {};

describe('indicator catalogue', () => {
  it('holds every indicator of issues #6 and #17 (40), snake_case names and params', () => {
    expect(INDICATORS.size).toBe(40);
    expect([...INDICATORS.keys()].sort()).toEqual([...ALL].sort());
    for (const def of INDICATORS.values()) {
      expect(def.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(def.outputs.length).toBeGreaterThan(0);
      const shape = (def.params as unknown as { shape: Record<string, unknown> }).shape;
      for (const key of Object.keys(shape)) expect(key, `${def.name}.${key}`).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('rejects unknown params everywhere (strict schemas)', () => {
    for (const def of INDICATORS.values()) {
      expect(def.params.safeParse({ ...paramsOf(def.name), perod: 3 }).success, def.name).toBe(false);
    }
  });

  // Every output of every indicator: NaN and not ready before warmup - 1, a finite value on
  // every bar from there on (SPY has no flat windows long enough to hit a 0/0 rule).
  for (const name of ALL) {
    it(`${name}: first value exactly at bar warmup - 1, every output defined from there`, () => {
      const b = build(name, paramsOf(name));
      const r = run(b.indicator, bars, b.outputs.length);
      for (let o = 0; o < b.outputs.length; o++) {
        const xs = r.values[o]!;
        expect(firstValue(xs), `${name}.${b.outputs[o]}`).toBe(b.warmup - 1);
        expect(xs.slice(b.warmup - 1).every(Number.isFinite), `${name}.${b.outputs[o]} finite`).toBe(true);
      }
      expect(r.ready.indexOf(true)).toBe(b.warmup - 1);
      expect(r.ready.slice(b.warmup - 1).every((x) => x)).toBe(true);
    });
  }

  it('reset() forgets everything: a reset indicator replays the same series', () => {
    for (const name of ALL) {
      const b = build(name, paramsOf(name));
      const first = run(b.indicator, bars.slice(0, 300), b.outputs.length);
      b.indicator.reset();
      expect(b.indicator.ready, name).toBe(false);
      const again = run(b.indicator, bars.slice(0, 300), b.outputs.length);
      expect(again, name).toEqual(first);
    }
  });
});

describe('no look-ahead, every indicator at once through the feature hub', () => {
  const hub = new FeatureHub();
  for (const name of ALL) {
    for (const output of getIndicator(name).outputs) hub.register({ indicator: name, params: paramsOf(name), output });
  }
  const feed = (series: readonly BarInput[]): Float64Array[] => {
    const state = hub.createState();
    return series.map((bar) => {
      const out = new Float64Array(hub.size);
      hub.update(state, bar, out);
      return out;
    });
  };
  const full = feed(bars);
  const cuts = [0, 1, 2, 9, 10, 27, 31, 44, 78, 79, 5000, bars.length - 2];

  it('registers one slot per output', () => {
    const outputs = ALL.reduce((n, name) => n + getIndicator(name).outputs.length, 0);
    expect(hub.size).toBe(outputs);
    expect(hub.indicatorCount).toBe(ALL.length);
  });

  it('bars fed one by one up to t give, at t, exactly the values of the full run', () => {
    for (const t of cuts) {
      const prefix = feed(bars.slice(0, t + 1));
      expect(prefix[t], `bar ${t}`).toEqual(full[t]);
    }
  });

  it('values up to t do not change when every bar after t is replaced', () => {
    const rand = mulberry32(6);
    for (const t of cuts) {
      // A short replaced future is enough: nothing at or before t may see even one bar of it.
      const future: BarEvent[] = bars.slice(t + 1, t + 60).map((b) => {
        const c = b.close * (1 + (rand() - 0.5) * 0.2);
        return { ...b, open: c, high: c * 1.01, low: c * 0.99, close: c, volume: Math.floor(rand() * 1e7) };
      });
      const other = feed([...bars.slice(0, t + 1), ...future]);
      for (let i = Math.max(0, t - 40); i <= t; i++) expect(other[i], `bar ${i} (cut ${t})`).toEqual(full[i]);
      // The replacement does change later values, so the comparison above means something.
      expect(other[t + 1]).not.toEqual(full[t + 1]);
    }
  });
});
