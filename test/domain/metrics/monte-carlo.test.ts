import { describe, expect, it } from 'vitest';
import { bootstrapTrades, returnsOnEquity, sequenceStats } from '../../../src/domain/metrics/monte-carlo.ts';
import { createRng } from '../../../src/domain/random.ts';

/** `n` trade returns, uniform in [−4 %, +5 %), from a seeded generator. */
function tradeReturns(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => -0.04 + 0.09 * rng.nextFloat());
}

const width = (s: { ci_low: number; ci_high: number }) => s.ci_high - s.ci_low;

describe('sequenceStats', () => {
  it('compounds, measures the drawdown from the running peak, and per-trade Sharpe', () => {
    // Equity 1 → 1.1 → 0.55 → 0.66: peak 1.1, trough 0.55.
    const s = sequenceStats([0.1, -0.5, 0.2]);
    expect(s.total_return).toBeCloseTo(-0.34, 12);
    expect(s.max_drawdown).toBeCloseTo(0.5, 12);
    const mean = (0.1 - 0.5 + 0.2) / 3;
    const std = Math.sqrt(((0.1 - mean) ** 2 + (-0.5 - mean) ** 2 + (0.2 - mean) ** 2) / 2);
    expect(s.mean_trade_return).toBeCloseTo(mean, 12);
    expect(s.trade_sharpe).toBeCloseTo(mean / std, 12);
  });

  it('counts the initial equity as the first peak', () => {
    expect(sequenceStats([-0.2, 0.1]).max_drawdown).toBeCloseTo(0.2, 12);
  });

  it('treats ruin as absorbing', () => {
    expect(sequenceStats([-1, 0.5])).toMatchObject({ total_return: -1, max_drawdown: 1 });
    expect(sequenceStats([0.5, -1.5, 2])).toMatchObject({ total_return: -1, max_drawdown: 1 });
  });

  it('is all zeros without trades, and Sharpe 0 without dispersion', () => {
    expect(sequenceStats([])).toEqual({ total_return: 0, max_drawdown: 0, mean_trade_return: 0, trade_sharpe: 0 });
    expect(sequenceStats([0.01, 0.01]).trade_sharpe).toBe(0);
  });
});

describe('returnsOnEquity', () => {
  it('divides each pnl by the equity before it, so compounding gives back the final equity', () => {
    const r = returnsOnEquity([100, -55, 22], 1000);
    expect(r[0]).toBeCloseTo(0.1, 15);
    expect(r[1]).toBeCloseTo(-0.05, 15);
    expect(r[2]).toBeCloseTo(22 / 1045, 15);
    expect(sequenceStats(r).total_return).toBeCloseTo(1067 / 1000 - 1, 12);
  });

  it('refuses a bad initial equity, a non-finite pnl and trades after ruin', () => {
    expect(() => returnsOnEquity([1], 0)).toThrow(/initial equity/);
    expect(() => returnsOnEquity([Number.NaN], 100)).toThrow(/trade 0: pnl/);
    expect(() => returnsOnEquity([-100, 5], 100)).toThrow(/trade 1: equity is 0/);
  });
});

describe('bootstrapTrades', () => {
  it('is reproducible for a seed and changes with it', () => {
    const returns = tradeReturns(60, 1);
    const a = bootstrapTrades(returns, { draws: 500, seed: 42 });
    expect(bootstrapTrades(returns, { draws: 500, seed: 42 })).toEqual(a);
    expect(bootstrapTrades(returns, { draws: 500, seed: 43 }).total_return).not.toEqual(a.total_return);
  });

  it('collapses to the one possible history with one trade', () => {
    const r = bootstrapTrades([-0.03], { draws: 100, seed: 1 });
    // 1 · (1 − 0.03) − 1 in binary floating point.
    const only = 1 * (1 - 0.03) - 1;
    expect(r.total_return).toMatchObject({ min: only, max: only, ci_low: only, ci_high: only });
    expect(r.total_return.std).toBeLessThan(1e-15);
    expect(r.max_drawdown.p50).toBeCloseTo(0.03, 15);
    expect(r.probability_of_loss).toBe(1);
  });

  it('draws the four equally likely histories of two trades', () => {
    // (+,+) → +21 %, dd 0; (+,−) and (−,+) → −1 %, dd 10 %; (−,−) → −19 %, dd 19 %.
    const r = bootstrapTrades([0.1, -0.1], { draws: 40_000, seed: 7 });
    expect(r.total_return.max).toBeCloseTo(0.21, 12);
    expect(r.total_return.min).toBeCloseTo(-0.19, 12);
    expect(r.total_return.p50).toBeCloseTo(-0.01, 12);
    expect(r.total_return.mean).toBeCloseTo(0, 2);
    expect(r.max_drawdown.min).toBe(0);
    expect(r.max_drawdown.max).toBeCloseTo(0.19, 12);
    expect(r.max_drawdown.p50).toBeCloseTo(0.1, 12);
    // P(loss) = 3/4; the standard error over 40,000 draws is 0.002.
    expect(r.probability_of_loss).toBeGreaterThan(0.74);
    expect(r.probability_of_loss).toBeLessThan(0.76);
  });

  it('reports the realized sequence and percentile intervals at the confidence levels', () => {
    const returns = tradeReturns(40, 3);
    const r = bootstrapTrades(returns, { draws: 2000, seed: 1 });
    expect(r.actual).toEqual(sequenceStats(returns));
    expect(r).toMatchObject({ trades: 40, draws: 2000, seed: 1, confidence: [0.05, 0.95], block_size: 1 });
    // The default 90 % interval is [p5, p95] of the same draws.
    expect(r.total_return.ci_low).toBe(r.total_return.p5);
    expect(r.total_return.ci_high).toBe(r.total_return.p95);
    const wide = bootstrapTrades(returns, { draws: 2000, seed: 1, confidence: [0.01, 0.99] });
    expect(wide.total_return.ci_low).toBeLessThan(r.total_return.ci_low);
    expect(wide.total_return.ci_high).toBeGreaterThan(r.total_return.ci_high);
    // The realized mean trade return is inside the bootstrap's interval of it.
    expect(r.actual.mean_trade_return).toBeGreaterThan(r.mean_trade_return.ci_low);
    expect(r.actual.mean_trade_return).toBeLessThan(r.mean_trade_return.ci_high);
  });

  it('narrows the intervals of per-trade statistics as trades grow (≈ 1/√n)', () => {
    const few = bootstrapTrades(tradeReturns(50, 5), { draws: 2000, seed: 2 });
    const many = bootstrapTrades(tradeReturns(800, 5), { draws: 2000, seed: 2 });
    // 16× the trades: about a quarter of the width.
    const ratio = width(many.mean_trade_return) / width(few.mean_trade_return);
    expect(ratio).toBeGreaterThan(0.15);
    expect(ratio).toBeLessThan(0.4);
    expect(width(many.trade_sharpe)).toBeLessThan(width(few.trade_sharpe) / 2.5);
    // The total return compounds more trades, so its spread grows instead.
    expect(width(many.total_return)).toBeGreaterThan(width(few.total_return));
  });

  it('with blocks as long as the sequence, only rotates it: the total return never changes', () => {
    const returns = tradeReturns(12, 8);
    const r = bootstrapTrades(returns, { draws: 300, seed: 4, block_size: 12 });
    expect(r.total_return.max - r.total_return.min).toBeLessThan(1e-12);
    expect(r.total_return.mean).toBeCloseTo(sequenceStats(returns).total_return, 12);
    // Drawdowns still differ between rotations.
    expect(r.max_drawdown.max).toBeGreaterThan(r.max_drawdown.min);
  });

  it('block bootstrap keeps streaks: a clustered sequence gets deeper drawdowns than i.i.d.', () => {
    // Twenty losses in a row, then twenty wins.
    const returns = [...new Array<number>(20).fill(-0.02), ...new Array<number>(20).fill(0.021)];
    const iid = bootstrapTrades(returns, { draws: 3000, seed: 6 });
    const blocks = bootstrapTrades(returns, { draws: 3000, seed: 6, block_size: 10 });
    expect(blocks.max_drawdown.p50).toBeGreaterThan(iid.max_drawdown.p50);
  });

  it('gives zeros without trades', () => {
    const r = bootstrapTrades([], { draws: 10, seed: 1 });
    expect(r.trades).toBe(0);
    expect(r.total_return).toMatchObject({ mean: 0, ci_low: 0, ci_high: 0 });
    expect(r.probability_of_loss).toBe(0);
  });

  it('validates its input', () => {
    expect(() => bootstrapTrades([0.1], { draws: 0, seed: 1 })).toThrow(/draws must be a whole number from 1/);
    expect(() => bootstrapTrades([0.1], { draws: 2.5, seed: 1 })).toThrow(/draws/);
    expect(() => bootstrapTrades([0.1], { draws: 10, seed: 1, confidence: [0.95, 0.05] })).toThrow(
      /0 <= low < high <= 1/,
    );
    expect(() => bootstrapTrades([0.1], { draws: 10, seed: 1, confidence: [5, 95] })).toThrow(/confidence/);
    expect(() => bootstrapTrades([0.1], { draws: 10, seed: 1, block_size: 0 })).toThrow(/block_size/);
    expect(() => bootstrapTrades([0.1, Number.NaN], { draws: 10, seed: 1 })).toThrow(/trade 1: return/);
    expect(() => bootstrapTrades([0.1], { draws: 10, seed: -1 })).toThrow(/seed/);
  });
});
