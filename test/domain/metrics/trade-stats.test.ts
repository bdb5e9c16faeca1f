import { mulberry32 } from '../../helpers/prng.ts';
import { describe, expect, it } from 'vitest';
import { TradeStats } from '../../../src/domain/metrics/trade-stats.ts';
import type { TradeLike, TradeMetrics } from '../../../src/domain/metrics/trade-stats.ts';

function fold(trades: readonly TradeLike[]): TradeMetrics {
  const stats = new TradeStats();
  for (const t of trades) stats.push(t);
  return stats.result();
}

/** The reference: filters and sums over the whole array. */
function batch(trades: readonly TradeLike[]): TradeMetrics {
  const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
  const pnl = trades.map((t) => t.pnl);
  const wins = pnl.filter((p) => p > 0);
  const losses = pnl.filter((p) => p < 0).map((p) => -p);
  const grossProfit = sum(wins);
  const grossLoss = sum(losses);
  const n = trades.length;
  return {
    trade_count: n,
    win_rate: wins.length / n,
    profit_factor: grossLoss > 0 ? grossProfit / grossLoss : null,
    average_trade: sum(pnl) / n,
    average_trade_return: sum(trades.map((t) => t.returnPct)) / n,
    average_win: grossProfit / wins.length,
    average_loss: grossLoss / losses.length,
    gross_profit: grossProfit,
    gross_loss: grossLoss,
    net_profit: sum(pnl),
    largest_win: Math.max(...wins),
    largest_loss: Math.max(...losses),
    average_bars_held: sum(trades.map((t) => t.barsHeld)) / n,
  };
}

describe('TradeStats', () => {
  it('matches the hand-worked example', () => {
    // pnl: +300, −100, 0, +150, −250 (returnPct and barsHeld alongside).
    // wins 300, 150 → gross profit 450, average 225, largest 300
    // losses 100, 250 → gross loss 350, average 175, largest 250
    // break-even trade: neither win nor loss, but counted: win rate 2 / 5 = 0.4
    // net 450 − 350 = 100 → average trade 20; profit factor 450 / 350 = 9 / 7
    // returnPct 0.03 − 0.01 + 0 + 0.015 − 0.025 = 0.01 → 0.002; bars (4+2+1+6+7)/5 = 4
    const m = fold([
      { pnl: 300, returnPct: 0.03, barsHeld: 4 },
      { pnl: -100, returnPct: -0.01, barsHeld: 2 },
      { pnl: 0, returnPct: 0, barsHeld: 1 },
      { pnl: 150, returnPct: 0.015, barsHeld: 6 },
      { pnl: -250, returnPct: -0.025, barsHeld: 7 },
    ]);
    expect(m.trade_count).toBe(5);
    expect(m.win_rate).toBe(0.4);
    expect(m.profit_factor).toBeCloseTo(9 / 7, 12);
    expect(m.average_trade).toBe(20);
    expect(m.average_trade_return).toBeCloseTo(0.002, 12);
    expect(m.average_win).toBe(225);
    expect(m.average_loss).toBe(175);
    expect(m.gross_profit).toBe(450);
    expect(m.gross_loss).toBe(350);
    expect(m.net_profit).toBe(100);
    expect(m.largest_win).toBe(300);
    expect(m.largest_loss).toBe(250);
    expect(m.average_bars_held).toBe(4);
  });

  it.each([11, 12, 13])('matches a batch computation on random trades (seed %d)', (seed) => {
    const rnd = mulberry32(seed);
    const trades: TradeLike[] = [];
    for (let i = 0; i < 1_000; i++) {
      const pnl = Math.round((rnd() - 0.45) * 2_000 * 100) / 100;
      trades.push({ pnl, returnPct: pnl / 10_000, barsHeld: 1 + Math.floor(rnd() * 40) });
    }
    const actual = fold(trades);
    const expected = batch(trades);
    for (const key of Object.keys(expected) as (keyof TradeMetrics)[]) {
      expect(actual[key], key).toBeCloseTo(expected[key] as number, 8);
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });

  it('returns zeros and a null profit factor with no trades', () => {
    expect(new TradeStats().result()).toEqual({
      trade_count: 0,
      win_rate: 0,
      profit_factor: null,
      average_trade: 0,
      average_trade_return: 0,
      average_win: 0,
      average_loss: 0,
      gross_profit: 0,
      gross_loss: 0,
      net_profit: 0,
      largest_win: 0,
      largest_loss: 0,
      average_bars_held: 0,
    });
  });

  it('gives a null profit factor (not Infinity) when no trade lost', () => {
    const m = fold([
      { pnl: 10, returnPct: 0.01, barsHeld: 1 },
      { pnl: 0, returnPct: 0, barsHeld: 3 },
    ]);
    expect(m.profit_factor).toBeNull();
    expect(m.win_rate).toBe(0.5);
    expect(m.average_loss).toBe(0);
    expect(m.largest_loss).toBe(0);
  });

  it('gives a zero profit factor when every trade lost', () => {
    const m = fold([
      { pnl: -10, returnPct: -0.01, barsHeld: 1 },
      { pnl: -30, returnPct: -0.03, barsHeld: 1 },
    ]);
    expect(m.profit_factor).toBe(0);
    expect(m.win_rate).toBe(0);
    expect(m.average_win).toBe(0);
    expect(m.largest_win).toBe(0);
    expect(m.average_loss).toBe(20);
    expect(m.largest_loss).toBe(30);
  });
});
