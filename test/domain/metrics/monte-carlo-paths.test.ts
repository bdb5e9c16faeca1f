import { describe, expect, it } from 'vitest';
import { bootstrapPaths } from '../../../src/domain/metrics/monte-carlo-paths.ts';
import { bootstrapTrades } from '../../../src/domain/metrics/monte-carlo.ts';
import { createRng } from '../../../src/domain/random.ts';

function tradeReturns(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => -0.04 + 0.09 * rng.nextFloat());
}

describe('bootstrapPaths', () => {
  const returns = tradeReturns(237, 3);
  const options = { draws: 800, seed: 11, confidence: [0.05, 0.95] as const, block_size: 1 };

  it('ends its bands where bootstrapTrades puts the total-return percentiles (same histories)', () => {
    const paths = bootstrapPaths(returns, options);
    const stats = bootstrapTrades(returns, options);
    const last = (s: readonly number[] | undefined) => s![s!.length - 1]!;
    expect(last(paths.bands['p5']) - 1).toBeCloseTo(stats.total_return.p5, 12);
    expect(last(paths.bands['p50']) - 1).toBeCloseTo(stats.total_return.p50, 12);
    expect(last(paths.bands['p95']) - 1).toBeCloseTo(stats.total_return.p95, 12);
    expect(last(paths.actual) - 1).toBeCloseTo(stats.actual.total_return, 12);
  });

  it('also matches with block resampling', () => {
    const blocks = { ...options, block_size: 9 };
    const paths = bootstrapPaths(returns, blocks);
    const stats = bootstrapTrades(returns, blocks);
    expect(paths.bands['p25']![paths.trade_index.length - 1]! - 1).toBeCloseTo(stats.total_return.p25, 12);
  });

  it('samples at most `points` checkpoints from trade 0 to the last, bands ordered and starting at 1', () => {
    const paths = bootstrapPaths(returns, { ...options, points: 50 });
    expect(paths.trade_index.length).toBe(50);
    expect(paths.trade_index[0]).toBe(0);
    expect(paths.trade_index[49]).toBe(237);
    for (const level of ['p5', 'p25', 'p50', 'p75', 'p95']) expect(paths.bands[level]![0]).toBe(1);
    for (let c = 0; c < 50; c++) {
      expect(paths.bands['p5']![c]!).toBeLessThanOrEqual(paths.bands['p50']![c]!);
      expect(paths.bands['p50']![c]!).toBeLessThanOrEqual(paths.bands['p95']![c]!);
    }
    // Fewer trades than points: one checkpoint per trade count.
    expect(bootstrapPaths([0.01, -0.02, 0.03], options).trade_index).toEqual([0, 1, 2, 3]);
  });

  it('counts every draw once in the drawdown histogram, within the reported range', () => {
    const paths = bootstrapPaths(returns, { ...options, bins: 25 });
    const stats = bootstrapTrades(returns, options);
    const h = paths.max_drawdown_histogram;
    expect(h.counts).toHaveLength(25);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(800);
    expect(h.min).toBeCloseTo(stats.max_drawdown.min, 12);
    expect(h.max).toBeCloseTo(stats.max_drawdown.max, 12);
  });

  it('is one point at 1 without trades, and rejects bad resolutions', () => {
    expect(bootstrapPaths([], options)).toMatchObject({ trade_index: [0], actual: [1] });
    expect(() => bootstrapPaths(returns, { ...options, points: 1 })).toThrow(/points/);
    expect(() => bootstrapPaths(returns, { ...options, bins: 0 })).toThrow(/bins/);
  });
});
