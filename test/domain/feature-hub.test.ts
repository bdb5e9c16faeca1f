import { describe, expect, it } from 'vitest';
import { FeatureHub } from '../../src/domain/indicators/feature-hub.ts';
import { featureKey } from '../../src/domain/indicators/feature-key.ts';
import { loadSpyBars } from '../helpers/spy.ts';

// Naive SMA of closes at bar t, NaN before the window fills.
function naiveSmaAt(xs: readonly number[], t: number, p: number): number {
  if (t < p - 1) return NaN;
  let s = 0;
  for (let i = t - p + 1; i <= t; i++) s += xs[i]!;
  return s / p;
}

const bars = loadSpyBars(2000);
const px = bars.map((b) => b.close);

describe('featureKey', () => {
  it('is canonical: params sorted, defaults applied, input and output named', () => {
    expect(featureKey({ indicator: 'sma', params: { period: 10 } })).toBe('sma(period=10;close)');
    expect(featureKey({ indicator: 'sma', params: { period: 10 }, input: 'hl2' })).toBe('sma(period=10;hl2)');
    expect(featureKey({ indicator: 'bbands', params: { stddev: 2, period: 20 }, output: 'upper' })).toBe(
      'bbands(ddof=0,period=20,stddev=2;close).upper',
    );
    // Defaults and the first output are implied.
    expect(featureKey({ indicator: 'bbands', params: {} })).toBe('bbands(ddof=0,period=20,stddev=2;close).upper');
    expect(featureKey({ indicator: 'macd', params: { slow: 26 }, output: 'histogram' })).toBe(
      'macd(fast=12,signal=9,slow=26;close).histogram',
    );
    // Bar readers do not depend on the price input.
    expect(featureKey({ indicator: 'atr', params: {}, input: 'open' })).toBe('atr(first_bar=skip,period=14)');
    const lower = featureKey({ indicator: 'donchian', params: { period: 5 }, output: 'lower' });
    expect(lower).toBe('donchian(period=5).lower');
  });

  it('explains what is wrong', () => {
    expect(() => featureKey({ indicator: 'smaa', params: {} })).toThrow(/unknown indicator 'smaa'.*sma/);
    expect(() => featureKey({ indicator: 'sma', params: {} })).toThrow(/invalid params for indicator 'sma': period/);
    expect(() => featureKey({ indicator: 'sma', params: { period: 3, perod: 4 } })).toThrow(/perod/);
    expect(() => featureKey({ indicator: 'bbands', params: {}, output: 'uper' })).toThrow(
      /no output 'uper' \(outputs: upper, middle, lower, percent_b, bandwidth\)/,
    );
    expect(() => featureKey({ indicator: 'sma', params: { period: 3 }, input: 'mid' as never })).toThrow(/input 'mid'/);
  });
});

describe('FeatureHub', () => {
  it('deduplicates: SMA(10) requested by 100 readers is one slot, one instance, one update per bar', () => {
    const hub = new FeatureHub();
    const slots = new Set<number>();
    for (let r = 0; r < 100; r++) {
      // Half of the readers spell the default input out; it is the same feature.
      const req =
        r % 2 === 0
          ? { indicator: 'sma', params: { period: 10 } }
          : { indicator: 'sma', params: { period: 10 }, input: 'close' as const };
      slots.add(hub.register(req));
    }
    expect([...slots]).toEqual([0]);
    expect(hub.size).toBe(1);
    expect(hub.indicatorCount).toBe(1);
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    for (let t = 0; t < bars.length; t++) {
      hub.update(state, bars[t]!, out);
      const e = naiveSmaAt(px, t, 10);
      if (Number.isNaN(e)) expect(out[0]).toBeNaN();
      else expect(Math.abs(out[0]! - e)).toBeLessThan(1e-9);
    }
    expect(hub.indicatorUpdates).toBe(bars.length);
  });

  it('shares one instance between the outputs of a multi-output indicator', () => {
    const hub = new FeatureHub();
    const outputs = ['upper', 'middle', 'lower', 'percent_b', 'bandwidth'];
    const slots = outputs.map((output) => hub.register({ indicator: 'bbands', params: {}, output }));
    expect(slots).toEqual([0, 1, 2, 3, 4]);
    // Asking again, with the default spelled out, returns the same slots.
    expect(hub.register({ indicator: 'bbands', params: { period: 20, stddev: 2, ddof: 0 }, output: 'lower' })).toBe(2);
    expect(hub.register({ indicator: 'bbands', params: {} })).toBe(0);
    expect(hub.indicatorCount).toBe(1);
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    for (const bar of bars) hub.update(state, bar, out);
    expect(hub.indicatorUpdates).toBe(bars.length);
    // Last bar against a naive two-pass over the final 20 closes.
    const w = px.slice(-20);
    const m = w.reduce((a, b) => a + b, 0) / 20;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 20);
    expect(out[1]).toBeCloseTo(m, 9);
    expect(out[0]).toBeCloseTo(m + 2 * sd, 9);
    expect(out[2]).toBeCloseTo(m - 2 * sd, 9);
    expect(out[3]).toBeCloseTo((px.at(-1)! - (m - 2 * sd)) / (4 * sd), 9);
    expect(out[4]).toBeCloseTo((4 * sd) / m, 9);
  });

  it('keeps distinct params, inputs and indicators apart, counting one update per instance per bar', () => {
    const hub = new FeatureHub();
    hub.register({ indicator: 'sma', params: { period: 10 } });
    hub.register({ indicator: 'sma', params: { period: 20 } });
    hub.register({ indicator: 'sma', params: { period: 10 }, input: 'open' });
    hub.register({ indicator: 'ema', params: { period: 10 } });
    hub.register({ indicator: 'donchian', params: { period: 10 }, output: 'upper' });
    hub.register({ indicator: 'donchian', params: { period: 10 }, output: 'lower' });
    hub.register({ indicator: 'sma', params: { period: 20 } });
    expect(hub.keys()).toEqual([
      'sma(period=10;close)',
      'sma(period=20;close)',
      'sma(period=10;open)',
      'ema(period=10;close)',
      'donchian(period=10).upper',
      'donchian(period=10).lower',
    ]);
    expect(hub.size).toBe(6);
    expect(hub.indicatorCount).toBe(5);
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    const opens = bars.map((b) => b.open);
    for (let t = 0; t < 100; t++) {
      hub.update(state, bars[t]!, out);
      if (t < 9) {
        expect([out[0], out[2]]).toEqual([NaN, NaN]);
      } else {
        expect(out[0]).toBeCloseTo(naiveSmaAt(px, t, 10), 9);
        expect(out[2]).toBeCloseTo(naiveSmaAt(opens, t, 10), 9);
      }
    }
    expect(Number.isNaN(out[1]!)).toBe(false);
    expect(out[4]).toBe(Math.max(...bars.slice(90, 100).map((b) => b.high)));
    expect(out[5]).toBe(Math.min(...bars.slice(90, 100).map((b) => b.low)));
    expect(hub.indicatorUpdates).toBe(5 * 100);
  });

  it('writes NaN for every slot until that feature is ready', () => {
    const hub = new FeatureHub();
    hub.register({ indicator: 'sma', params: { period: 3 } });
    hub.register({ indicator: 'rsi', params: { period: 3 } });
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    const seen: boolean[][] = [];
    for (let t = 0; t < 5; t++) {
      hub.update(state, bars[t]!, out);
      seen.push([...out].map((v) => !Number.isNaN(v)));
    }
    expect(seen).toEqual([
      [false, false],
      [false, false],
      [true, false],
      [true, true],
      [true, true],
    ]);
  });

  it('gives each symbol its own state', () => {
    const hub = new FeatureHub();
    hub.register({ indicator: 'sma', params: { period: 2 } });
    const a = hub.createState();
    const b = hub.createState();
    const outA = new Float64Array(1);
    const outB = new Float64Array(1);
    const bar = (close: number) => ({ open: close, high: close, low: close, close, volume: 0 });
    hub.update(a, bar(1), outA);
    hub.update(b, bar(100), outB);
    hub.update(a, bar(3), outA);
    hub.update(b, bar(300), outB);
    expect([outA[0], outB[0]]).toEqual([2, 200]);
    expect(hub.indicatorUpdates).toBe(4);
  });

  it('a feature registered after createState starts warming up on the next update', () => {
    const hub = new FeatureHub();
    hub.register({ indicator: 'sma', params: { period: 2 } });
    const state = hub.createState();
    const out = new Float64Array(2);
    const bar = (close: number) => ({ open: close, high: close, low: close, close, volume: 0 });
    hub.update(state, bar(1), out);
    expect(hub.register({ indicator: 'sma', params: { period: 1 } })).toBe(1);
    hub.update(state, bar(3), out);
    expect([...out]).toEqual([2, 3]);
  });

  it('rejects unknown indicators and outputs with a clear message', () => {
    const hub = new FeatureHub();
    expect(() => hub.register({ indicator: 'not_an_indicator', params: {} })).toThrow(
      /unknown indicator 'not_an_indicator'/,
    );
    expect(() => hub.register({ indicator: 'macd', params: {}, output: 'hist' })).toThrow(
      /indicator 'macd' has no output 'hist' \(outputs: line, signal, histogram\)/,
    );
    expect(hub.size).toBe(0);
  });
});

describe('FeatureHub.updateColumns', () => {
  it('writes per chunk the values update writes per bar: columnar indicators, bar readers, a higher timeframe', () => {
    const all = loadSpyBars(4000);
    const requests = [
      { indicator: 'sma', params: { period: 10 } },
      { indicator: 'sma', params: { period: 30 }, input: 'hl2' as const },
      { indicator: 'ema', params: { period: 12 } },
      { indicator: 'bbands', params: {}, output: 'lower' },
      { indicator: 'bbands', params: {}, output: 'upper' },
      { indicator: 'atr', params: {} },
      { indicator: 'sma', params: { period: 5 }, timeframe: '1h' },
    ];
    const make = () => {
      const hub = new FeatureHub({ timeframe: '5m', calendar: 'us_equity' });
      for (const r of requests) hub.register(r);
      return hub;
    };
    const perBar = make();
    const state = perBar.createState();
    const expected = all.map((bar) => {
      const out = new Float64Array(perBar.size);
      perBar.update(state, bar, out);
      return out;
    });
    const hub = make();
    const cols = hub.createState();
    let from = 0;
    for (const length of [1, 7, 500, 1, 1300, 2191]) {
      const view = (f: (b: (typeof all)[number]) => number) => Float64Array.from(all.slice(from, from + length), f);
      const chunk = {
        length,
        symbols: ['SPY'],
        symbol: new Uint16Array(length),
        ts: view((b) => b.ts),
        open: view((b) => b.open),
        high: view((b) => b.high),
        low: view((b) => b.low),
        close: view((b) => b.close),
        volume: view((b) => b.volume),
      };
      const columns = Array.from({ length: hub.size }, () => new Float64Array(length));
      hub.updateColumns(cols, chunk, columns);
      for (let b = 0; b < length; b++)
        for (let s = 0; s < hub.size; s++)
          if (!Object.is(columns[s]![b], expected[from + b]![s]))
            expect.fail(`slot ${hub.keys()[s]} bar ${from + b}: ${columns[s]![b]} against ${expected[from + b]![s]}`);
      from += length;
    }
    expect(from).toBe(all.length);
    expect(hub.indicatorUpdates).toBe(perBar.indicatorUpdates);
  });
});
