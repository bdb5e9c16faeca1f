import { describe, expect, it } from 'vitest';
import { loadSpyBars } from '../../helpers/spy.ts';
import { build, close, run } from './harness.ts';

// Values computed by TA-Lib's own C code (the talib-web 0.1.3 WebAssembly build, default
// settings, PPO with MAType 1 = EMA) on examples/data/SPY_5m.csv, recorded once here so the
// test needs no TA-Lib. [bar index, value]. They pin the conventions docs/indicators.md
// states: ATR and TRANGE skip bar 0, KAMA seeds from the previous price, ADXR averages
// ADX_t and ADX_{t-(n-1)} (equal to TA-Lib once the ADX seed difference has decayed).
// `first`: the first listed bar is TA-Lib's first output (its lookback).
const TALIB: Readonly<
  Record<
    string,
    { params: Record<string, number | string>; first: boolean; values: readonly (readonly [number, number])[] }
  >
> = {
  atr: {
    params: { period: 14 },
    first: true,
    values: [
      [14, 0.33875000000001265],
      [15, 0.3371678571428685],
      [40, 0.2217302070305063],
      [1000, 0.6451221842071481],
      [20768, 0.9484492732398098],
    ],
  },
  true_range: {
    params: {},
    first: true,
    values: [
      [1, 0.4599999999999227],
      [2, 0.37839999999994234],
      [1000, 0.75],
    ],
  },
  kama: {
    params: { period: 10 },
    first: true,
    values: [
      [10, 521.4250515013896],
      [11, 521.4230910635121],
      [1000, 510.3066988092863],
      [20768, 562.3183714380989],
    ],
  },
  adxr: {
    params: { period: 14 },
    first: false,
    values: [
      [1000, 45.24776222776777],
      [20768, 28.713704761148236],
    ],
  },
  ppo: {
    params: {},
    first: false,
    values: [
      [33, 0.00012506402544567148],
      [1000, -0.14169619890135368],
      [20768, -0.07388170227669137],
    ],
  },
};

const bars = loadSpyBars();

describe('agreement with TA-Lib on SPY', () => {
  for (const [name, ref] of Object.entries(TALIB)) {
    it(`${name} matches TA-Lib's values`, () => {
      const v = run(build(name, ref.params).indicator, bars, 1).values[0]!;
      // Where the first listed bar is TA-Lib's first output, Sluice starts on it too.
      if (ref.first) expect(Number.isNaN(v[ref.values[0]![0] - 1]!)).toBe(true);
      for (const [t, x] of ref.values)
        expect(close(v[t]!, x, 1e-12), `${name} bar ${t}: ${v[t]} vs TA-Lib ${x}`).toBe(true);
    });
  }

  it("first_bar: high_low is not TA-Lib: its ATR starts a bar early and differs at TA-Lib's first value", () => {
    const v = run(build('atr', { period: 14, first_bar: 'high_low' }).indicator, bars, 1).values[0]!;
    expect(Number.isNaN(v[13]!)).toBe(false);
    expect(close(v[14]!, 0.33875000000001265, 1e-6)).toBe(false);
  });
});
