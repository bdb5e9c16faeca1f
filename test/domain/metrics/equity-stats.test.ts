import { mulberry32 } from '../../helpers/prng.ts';
import { describe, expect, it } from 'vitest';
import { EquityStats } from '../../../src/domain/metrics/equity-stats.ts';
import type { EquityMetrics } from '../../../src/domain/metrics/equity-stats.ts';
import { loadSpyBars } from '../../helpers/spy.ts';

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const T0 = Date.UTC(2024, 0, 2);

interface Curve {
  readonly ts: number[];
  readonly equity: number[];
  readonly invested: boolean[];
}

function fold(initialEquity: number, barsPerYear: number, curve: Curve, riskFreeRate?: number): EquityMetrics {
  const stats = new EquityStats(
    riskFreeRate === undefined ? { initialEquity, barsPerYear } : { initialEquity, barsPerYear, riskFreeRate },
  );
  for (let i = 0; i < curve.ts.length; i++) stats.push(curve.ts[i]!, curve.equity[i]!, curve.invested[i]!);
  return stats.result();
}

/**
 * The reference: every metric computed in batch over whole arrays, two-pass mean/std, and
 * drawdown durations found as maximal runs of under-water bars (a different formulation
 * from the fold's peak tracking).
 */
function batch(initialEquity: number, bpy: number, rf: number, curve: Curve): EquityMetrics {
  const { ts, equity, invested } = curve;
  const n = equity.length;
  const returns = equity.map((e, i) => e / (i === 0 ? initialEquity : equity[i - 1]!) - 1);
  const rfBar = Math.pow(1 + rf, 1 / bpy) - 1;
  const mean = returns.reduce((s, r) => s + r, 0) / n;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  const excessMean = returns.reduce((s, r) => s + (r - rfBar), 0) / n;
  const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(0, r - rfBar) ** 2, 0) / n);

  // Running peak including the initial equity; under water where equity < peak.
  const underwater: boolean[] = [];
  let peak = initialEquity;
  let maxDd = 0;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, equity[i]!);
    maxDd = Math.max(maxDd, 1 - equity[i]! / peak);
    underwater.push(equity[i]! < peak);
  }
  let bestBars = 0;
  let bestDays = 0;
  for (let a = 0; a < n; a++) {
    if (!underwater[a] || (a > 0 && underwater[a - 1])) continue;
    let b = a;
    while (b + 1 < n && underwater[b + 1]) b++;
    const peakIdx = a - 1; // -1 is the initial equity
    const endIdx = b + 1 < n ? b + 1 : n - 1; // recovery bar, or the last bar
    const bars = endIdx - peakIdx;
    const peakTs = peakIdx >= 0 ? ts[peakIdx]! : ts[0]!;
    if (bars > bestBars) {
      bestBars = bars;
      bestDays = (ts[endIdx]! - peakTs) / DAY;
    }
  }

  const first = ts[0]!;
  const last = ts[n - 1]!;
  const final = equity[n - 1]!;
  const years = (last - first) / YEAR;
  const cagr = final <= 0 ? -1 : years <= 0 ? 0 : (final / initialEquity) ** (1 / years) - 1;
  return {
    bars: n,
    start_ts: first,
    end_ts: last,
    initial_equity: initialEquity,
    final_equity: final,
    total_return: final / initialEquity - 1,
    cagr,
    annual_volatility: std * Math.sqrt(bpy),
    sharpe_ratio: std > 0 ? (excessMean / std) * Math.sqrt(bpy) : 0,
    sortino_ratio: downside > 0 ? (excessMean / downside) * Math.sqrt(bpy) : 0,
    max_drawdown: maxDd,
    max_drawdown_duration_bars: bestBars,
    max_drawdown_duration_days: bestDays,
    calmar_ratio: maxDd > 0 ? cagr / maxDd : 0,
    exposure: invested.filter(Boolean).length / n,
  };
}

function expectClose(actual: EquityMetrics, expected: EquityMetrics, digits = 10): void {
  for (const key of Object.keys(expected) as (keyof EquityMetrics)[]) {
    const e = expected[key];
    const a = actual[key];
    if (e === null || a === null) expect(a, key).toBe(e);
    else expect(a, key).toBeCloseTo(e, digits);
  }
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
}

function randomCurve(seed: number, n: number, initialEquity: number): Curve {
  const rnd = mulberry32(seed);
  const ts: number[] = [];
  const equity: number[] = [];
  const invested: boolean[] = [];
  let t = T0;
  let e = initialEquity;
  for (let i = 0; i < n; i++) {
    // Irregular gaps (weekends, holidays) so bars and days of a drawdown differ.
    t += (1 + Math.floor(rnd() * 3)) * DAY;
    const inMarket = rnd() < 0.7;
    // Returns in about ±2 %, with a slight upward drift; flat when out of the market.
    const r = inMarket ? (rnd() - 0.48) * 0.04 : 0;
    e *= 1 + r;
    ts.push(t);
    equity.push(e);
    invested.push(inMarket);
  }
  return { ts, equity, invested };
}

describe('EquityStats', () => {
  describe('hand-worked 5-bar example', () => {
    // E0 = 100, barsPerYear = 4 (so √barsPerYear = 2).
    // bar  day  equity   return              peak   drawdown
    //  0    0   110      +0.10               110    0
    //  1    1    99      -0.10               110    0.10
    //  2    2    99       0                  110    0.10
    //  3    5   118.8    +0.20 (99 × 1.2)    118.8  0      ← regains 110: stretch bar 0 → 3
    //  4    6   100.98   -0.15 (118.8 × .85) 118.8  0.15   ← still under water at the end
    const curve: Curve = {
      ts: [0, 1, 2, 5, 6].map((d) => T0 + d * DAY),
      equity: [110, 99, 99, 118.8, 100.98],
      invested: [true, true, false, true, true],
    };

    it('with no risk-free rate', () => {
      const m = fold(100, 4, curve);
      // returns 0.1, -0.1, 0, 0.2, -0.15: sum 0.05, mean 0.01.
      // deviations 0.09, -0.11, -0.01, 0.19, -0.16; squares 0.0081 + 0.0121 + 0.0001 +
      // 0.0361 + 0.0256 = 0.082; sample variance 0.082 / 4 = 0.0205.
      // downside squares (r < 0): 0.01 + 0.0225 = 0.0325; / 5 bars = 0.0065.
      // years = 6 days / 365.25; total return 100.98 / 100 - 1 = 0.0098.
      const cagr = Math.pow(1.0098, 365.25 / 6) - 1; // ≈ 0.8106
      expect(m.bars).toBe(5);
      expect(m.start_ts).toBe(T0);
      expect(m.end_ts).toBe(T0 + 6 * DAY);
      expect(m.initial_equity).toBe(100);
      expect(m.final_equity).toBe(100.98);
      expect(m.total_return).toBeCloseTo(0.0098, 12);
      expect(m.cagr).toBeCloseTo(cagr, 10);
      expect(m.cagr).toBeCloseTo(0.8106, 3);
      expect(m.annual_volatility).toBeCloseTo(Math.sqrt(0.0205) * 2, 12); // ≈ 0.28636
      expect(m.sharpe_ratio).toBeCloseTo((0.01 / Math.sqrt(0.0205)) * 2, 10); // ≈ 0.13970
      expect(m.sortino_ratio).toBeCloseTo((0.01 / Math.sqrt(0.0065)) * 2, 10); // ≈ 0.24807
      expect(m.max_drawdown).toBeCloseTo(0.15, 12);
      expect(m.max_drawdown_duration_bars).toBe(3); // bar 0 → bar 3 (the open stretch is 1)
      expect(m.max_drawdown_duration_days).toBe(5); // day 0 → day 5
      expect(m.calmar_ratio).toBeCloseTo(cagr / 0.15, 10);
      expect(m.exposure).toBe(0.8);
    });

    it('with a risk-free rate of 0.5 % a bar', () => {
      // rf = 1.005^4 - 1 per year → rf_bar = 0.005.
      const m = fold(100, 4, curve, Math.pow(1.005, 4) - 1);
      // Excess returns 0.095, -0.105, -0.005, 0.195, -0.155: mean 0.005. The flat bar is
      // now below the risk-free rate and counts as downside:
      // 0.011025 + 0.000025 + 0.024025 = 0.035075; / 5 = 0.007015.
      expect(m.sharpe_ratio).toBeCloseTo((0.005 / Math.sqrt(0.0205)) * 2, 10);
      expect(m.sortino_ratio).toBeCloseTo((0.005 / Math.sqrt(0.007015)) * 2, 10);
      // Volatility does not depend on the risk-free rate.
      expect(m.annual_volatility).toBeCloseTo(Math.sqrt(0.0205) * 2, 12);
    });
  });

  describe('drawdown durations', () => {
    it('measures a drawdown from the initial equity that never recovers to the last bar', () => {
      // E0 = 100 sits one bar before bar 0: bars 0, 1, 2 under water → 3 bars (−1 → 2);
      // in days E0 counts as at bar 0's time: day 0 → day 4.
      const m = fold(100, 252, {
        ts: [0, 1, 4].map((d) => T0 + d * DAY),
        equity: [90, 95, 99],
        invested: [true, true, true],
      });
      expect(m.max_drawdown).toBeCloseTo(0.1, 12);
      expect(m.max_drawdown_duration_bars).toBe(3);
      expect(m.max_drawdown_duration_days).toBe(4);
    });

    it('counts regaining the exact peak as recovery', () => {
      // 100 → 90 → 100 (regained: −1 → 1 = 2 bars) → 90 (open: 1 → 2 = 1 bar).
      const m = fold(100, 252, {
        ts: [0, 1, 2].map((d) => T0 + d * DAY),
        equity: [90, 100, 90],
        invested: [true, true, true],
      });
      expect(m.max_drawdown_duration_bars).toBe(2);
      expect(m.max_drawdown_duration_days).toBe(1);
      expect(m.max_drawdown).toBeCloseTo(0.1, 12);
    });

    it('reports the first of two equally long stretches, with that stretch’s days', () => {
      // −1 (E0, day 0) → bar 1 (day 10): 2 bars, 10 days; bar 1 → bar 3 (day 12): 2 bars, 2 days.
      const m = fold(100, 252, {
        ts: [0, 10, 11, 12].map((d) => T0 + d * DAY),
        equity: [90, 100, 90, 100],
        invested: [true, true, true, true],
      });
      expect(m.max_drawdown_duration_bars).toBe(2);
      expect(m.max_drawdown_duration_days).toBe(10);
    });

    it('reports an open stretch at the end when it is the longest', () => {
      // Peak 120 at bar 1, under water for bars 2..5 → 4 bars, days 1 → 9.
      const m = fold(100, 252, {
        ts: [0, 1, 2, 3, 8, 9].map((d) => T0 + d * DAY),
        equity: [110, 120, 100, 90, 96, 119],
        invested: [true, true, true, true, true, true],
      });
      expect(m.max_drawdown).toBeCloseTo(0.25, 12);
      expect(m.max_drawdown_duration_bars).toBe(4);
      expect(m.max_drawdown_duration_days).toBe(8);
    });
  });

  describe('against a batch computation on a random curve', () => {
    it.each([
      [1, 0],
      [2, 0.03],
      [3, 0.1],
    ])('seed %d, risk-free %d', (seed, rf) => {
      const curve = randomCurve(seed, 3_000, 10_000);
      expectClose(fold(10_000, 252, curve, rf), batch(10_000, 252, rf, curve), 9);
    });

    it('matches when read mid-run too', () => {
      const curve = randomCurve(7, 500, 1_000);
      const stats = new EquityStats({ initialEquity: 1_000, barsPerYear: 1_638, riskFreeRate: 0.02 });
      for (let i = 0; i < 500; i++) {
        stats.push(curve.ts[i]!, curve.equity[i]!, curve.invested[i]!);
        if (i === 249) {
          const half: Curve = {
            ts: curve.ts.slice(0, 250),
            equity: curve.equity.slice(0, 250),
            invested: curve.invested.slice(0, 250),
          };
          expectClose(stats.result(), batch(1_000, 1_638, 0.02, half), 9);
        }
      }
      expectClose(stats.result(), batch(1_000, 1_638, 0.02, curve), 9);
    });
  });

  describe('edge cases', () => {
    it('returns neutral values before any bar', () => {
      const m = new EquityStats({ initialEquity: 500, barsPerYear: 252 }).result();
      expect(m).toEqual({
        bars: 0,
        start_ts: null,
        end_ts: null,
        initial_equity: 500,
        final_equity: 500,
        total_return: 0,
        cagr: 0,
        annual_volatility: 0,
        sharpe_ratio: 0,
        sortino_ratio: 0,
        max_drawdown: 0,
        max_drawdown_duration_bars: 0,
        max_drawdown_duration_days: 0,
        calmar_ratio: 0,
        exposure: 0,
      });
    });

    it('gives zero ratios for a flat curve (zero std, no downside)', () => {
      const m = fold(100, 252, {
        ts: [0, 1, 2, 3].map((d) => T0 + d * DAY),
        equity: [100, 100, 100, 100],
        invested: [false, false, false, false],
      });
      expect(m.total_return).toBe(0);
      expect(m.cagr).toBe(0);
      expect(m.annual_volatility).toBe(0);
      expect(m.sharpe_ratio).toBe(0);
      expect(m.sortino_ratio).toBe(0);
      expect(m.max_drawdown).toBe(0);
      expect(m.max_drawdown_duration_bars).toBe(0);
      expect(m.calmar_ratio).toBe(0);
      expect(m.exposure).toBe(0);
    });

    it('gives zero Sharpe for a single return and zero CAGR for zero elapsed time', () => {
      const m = fold(100, 252, { ts: [T0], equity: [110], invested: [true] });
      expect(m.total_return).toBeCloseTo(0.1, 12);
      expect(m.annual_volatility).toBe(0);
      expect(m.sharpe_ratio).toBe(0);
      expect(m.cagr).toBe(0);
      // No negative return: no downside deviation.
      expect(m.sortino_ratio).toBe(0);
    });

    it('gives zero Sortino when no return falls below the risk-free rate, and a positive Sharpe', () => {
      // Returns +1 %, +2 %, +1 %: mean 4/3 %, deviations −1/3, 2/3, −1/3 (%),
      // sample variance (1/9 + 4/9 + 1/9) / 2 = 1/3 (%²).
      const m = fold(100, 4, {
        ts: [0, 1, 2].map((d) => T0 + d * DAY),
        equity: [101, 101 * 1.02, 101 * 1.02 * 1.01],
        invested: [true, true, true],
      });
      expect(m.sortino_ratio).toBe(0);
      expect(m.sharpe_ratio).toBeCloseTo((4 / 3 / Math.sqrt(1 / 3)) * 2, 8);
    });

    it('reports CAGR −1 when equity is wiped out', () => {
      const m = fold(100, 252, {
        ts: [0, 30].map((d) => T0 + d * DAY),
        equity: [50, 0],
        invested: [true, true],
      });
      expect(m.cagr).toBe(-1);
      expect(m.total_return).toBe(-1);
      expect(m.max_drawdown).toBe(1);
      expect(m.calmar_ratio).toBe(-1);
    });

    it('rejects invalid options', () => {
      expect(() => new EquityStats({ initialEquity: 0, barsPerYear: 252 })).toThrow(/initialEquity/);
      expect(() => new EquityStats({ initialEquity: 100, barsPerYear: Number.NaN })).toThrow(/barsPerYear/);
      expect(() => new EquityStats({ initialEquity: 100, barsPerYear: 252, riskFreeRate: -1 })).toThrow(/riskFreeRate/);
    });
  });
});

describe('EquityStats.pushColumns', () => {
  it('folds columns exactly as push folds them row by row, across chunk boundaries', () => {
    // A book's equity over real SPY bars: in the market for stretches of uneven length
    // (the equity follows the close), flat in between (a risk-free rate makes flat bars
    // count as downside too), so peaks, drawdowns and their durations all occur.
    const bars = loadSpyBars(6000);
    const ts = Float64Array.from(bars, (b) => b.ts);
    const equity = new Float64Array(bars.length);
    const invested = new Uint8Array(bars.length);
    let level = 100_000;
    for (let i = 0; i < bars.length; i++) {
      const on = Math.floor(i / 97) % 3 !== 0;
      if (on && i > 0) level *= bars[i]!.close / bars[i - 1]!.close;
      equity[i] = level;
      invested[i] = on ? 1 : 0;
    }
    for (const rf of [0, 0.04]) {
      const rows = new EquityStats({ initialEquity: 100_000, barsPerYear: 19_656, riskFreeRate: rf });
      let pushed = 0;
      const pushRowsTo = (to: number) => {
        for (; pushed < to; pushed++) rows.push(ts[pushed]!, equity[pushed]!, invested[pushed] === 1);
      };
      const columns = new EquityStats({ initialEquity: 100_000, barsPerYear: 19_656, riskFreeRate: rf });
      let from = 0;
      for (let c = 0; from < bars.length; c++) {
        const length = Math.min([1, 0, 5, 999, 2, 3000][c % 6]!, bars.length - from);
        columns.pushColumns(ts.subarray(from), equity.subarray(from), invested.subarray(from), length);
        from += length;
        if (c === 3) {
          // A row pushed singly in between: the two forms share one state.
          columns.push(ts[from]!, equity[from]!, invested[from] === 1);
          from++;
        }
        // Mid-run results are the same too.
        pushRowsTo(from);
        expect(columns.result()).toEqual(rows.result());
      }
      expect(pushed).toBe(bars.length);
      expect(rows.result().max_drawdown_duration_bars).toBeGreaterThan(0);
    }
  });
});
