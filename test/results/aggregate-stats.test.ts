import { describe, expect, it } from 'vitest';
import { aggregateMetrics, best } from '../../src/results/aggregate-stats.ts';

const windows = [
  { sharpe_ratio: 1.2, max_drawdown: 0.1, profit_factor: 1.5, total_return: 0.05 },
  { sharpe_ratio: -0.4, max_drawdown: 0.25, profit_factor: null, total_return: -0.02 },
  { sharpe_ratio: 0.8, max_drawdown: 0.05, profit_factor: 2.5, total_return: 0.03 },
  { sharpe_ratio: 1.2, max_drawdown: 0.05, profit_factor: Number.NaN, total_return: 0.01 },
];

describe('aggregateMetrics', () => {
  it('summarizes every metric: count, mean, sample std, extremes, percentiles', () => {
    const agg = aggregateMetrics(windows);
    expect(Object.keys(agg)).toEqual(['sharpe_ratio', 'max_drawdown', 'profit_factor', 'total_return']);
    const s = agg['sharpe_ratio']!;
    // Values −0.4, 0.8, 1.2, 1.2: mean 0.7, sample variance Σd²/3 = (1.21 + 0.01 + 0.25 + 0.25)/3.
    expect(s.count).toBe(4);
    expect(s.mean).toBeCloseTo(0.7, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(1.72 / 3), 12);
    expect(s.min).toBe(-0.4);
    expect(s.max).toBe(1.2);
    // h = 3p: p25 → 0.75 between −0.4 and 0.8; p50 → 1.5 between 0.8 and 1.2.
    expect(s.p25).toBeCloseTo(0.5, 12);
    expect(s.p50).toBeCloseTo(1.0, 12);
    expect(s.p95).toBeCloseTo(1.2, 12);
  });

  it('skips null, undefined and non-finite values and counts only the rest', () => {
    const pf = aggregateMetrics(windows)['profit_factor']!;
    expect(pf).toMatchObject({ count: 2, mean: 2, min: 1.5, max: 2.5 });
    expect(pf.std).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('gives nulls for a metric without values and a null std for one value', () => {
    const agg = aggregateMetrics([{ a: null, b: 3 }, { a: Infinity }], ['a', 'b', 'c']);
    expect(Object.keys(agg)).toEqual(['a', 'b', 'c']);
    expect(agg['a']).toEqual({
      count: 0,
      mean: null,
      std: null,
      min: null,
      max: null,
      p5: null,
      p25: null,
      p50: null,
      p75: null,
      p95: null,
    });
    expect(agg['b']).toMatchObject({ count: 1, mean: 3, std: null, p5: 3, p95: 3 });
    expect(agg['c']!.count).toBe(0);
  });

  it('lists metrics in order of first appearance over the records', () => {
    expect(Object.keys(aggregateMetrics([{ b: 1 }, { a: 2, b: 3 }, { c: 4 }]))).toEqual(['b', 'a', 'c']);
    expect(aggregateMetrics([])).toEqual({});
  });

  it('does not read inherited properties', () => {
    expect(aggregateMetrics([{ x: 1 }], ['toString'])['toString']!.count).toBe(0);
  });
});

describe('best', () => {
  it('takes the direction from METRIC_DIRECTION', () => {
    expect(best(windows, 'total_return')).toMatchObject({ index: 0, value: 0.05 });
    // max_drawdown is lower-is-better; windows 2 and 3 tie at 0.05: the first wins.
    expect(best(windows, 'max_drawdown')).toMatchObject({ index: 2, value: 0.05 });
  });

  it('breaks ties by position, also for the higher direction', () => {
    const b = best(windows, 'sharpe_ratio');
    expect(b?.index).toBe(0);
    expect(b?.record).toBe(windows[0]);
  });

  it('never picks a missing or non-finite value', () => {
    expect(best(windows, 'profit_factor')).toMatchObject({ index: 2, value: 2.5 });
    expect(best([{ sharpe_ratio: null }, { sharpe_ratio: Number.NaN }], 'sharpe_ratio')).toBeUndefined();
    expect(best([{ sharpe_ratio: -Infinity }, { sharpe_ratio: -5 }], 'sharpe_ratio')?.index).toBe(1);
  });

  it('takes an explicit direction for metrics of its own', () => {
    const records = [{ oos_gap: 0.3 }, { oos_gap: 0.1 }];
    expect(best(records, 'oos_gap', 'lower')?.index).toBe(1);
    expect(best(records, 'oos_gap', 'higher')?.index).toBe(0);
    // An explicit direction also overrides the table.
    expect(best(windows, 'max_drawdown', 'higher')?.index).toBe(1);
  });

  it('refuses unknown metrics without a direction, and neutral ones', () => {
    expect(() => best(windows, 'sharpe')).toThrow(/unknown metric 'sharpe'/);
    expect(() => best([{ trade_count: 3 }], 'trade_count')).toThrow(/no better direction/);
  });
});
