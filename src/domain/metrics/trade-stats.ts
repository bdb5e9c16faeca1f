/**
 * Round-trip trade statistics, folded online one closed trade at a time (O(1) memory).
 * The formulas are documented in docs/metrics.md.
 */

import type { TradeEvent } from '../../events/events.ts';

/** The fields of a closed trade the fold reads; a {@link TradeEvent} satisfies it. */
export type TradeLike = Pick<TradeEvent, 'pnl' | 'returnPct' | 'barsHeld'>;

/**
 * Statistics of a series of closed trades. Losses are reported as positive magnitudes
 * (`gross_loss`, `average_loss`, `largest_loss`), so "larger" always reads as "more".
 */
export interface TradeMetrics {
  /** Number of closed trades. */
  readonly trade_count: number;
  /** Fraction of trades with pnl > 0 (break-even trades count as not winning); 0 with no trades. */
  readonly win_rate: number;
  /**
   * gross_profit / gross_loss; null when gross_loss is 0 (no losing trade, or no trade at
   * all), because the ratio is then unbounded and Infinity is not valid JSON.
   */
  readonly profit_factor: number | null;
  /** Mean net pnl per trade; 0 with no trades. */
  readonly average_trade: number;
  /** Mean returnPct per trade (net pnl relative to entry notional); 0 with no trades. */
  readonly average_trade_return: number;
  /** Mean pnl of winning trades; 0 with none. */
  readonly average_win: number;
  /** Mean |pnl| of losing trades (positive); 0 with none. */
  readonly average_loss: number;
  /** Sum of pnl over winning trades. */
  readonly gross_profit: number;
  /** Sum of |pnl| over losing trades (positive). */
  readonly gross_loss: number;
  /** Sum of pnl over all trades. */
  readonly net_profit: number;
  /** Largest pnl of a winning trade; 0 with none. */
  readonly largest_win: number;
  /** Largest |pnl| of a losing trade (positive); 0 with none. */
  readonly largest_loss: number;
  /** Mean bars held per trade; 0 with no trades. */
  readonly average_bars_held: number;
}

/**
 * Online fold of closed trades into {@link TradeMetrics}. A trade with pnl > 0 is a win,
 * pnl < 0 a loss, pnl = 0 neither (it still counts in trade_count and the averages).
 *
 * `push` neither validates nor allocates.
 */
export class TradeStats {
  private count = 0;
  private wins = 0;
  private losses = 0;
  private grossProfit = 0;
  private grossLoss = 0;
  private netProfit = 0;
  private returnSum = 0;
  private barsHeldSum = 0;
  private largestWin = 0;
  private largestLoss = 0;

  /** Adds one closed trade. */
  push(t: TradeLike): void {
    const pnl = t.pnl;
    this.count++;
    this.netProfit += pnl;
    this.returnSum += t.returnPct;
    this.barsHeldSum += t.barsHeld;
    if (pnl > 0) {
      this.wins++;
      this.grossProfit += pnl;
      if (pnl > this.largestWin) this.largestWin = pnl;
    } else if (pnl < 0) {
      this.losses++;
      this.grossLoss -= pnl;
      if (-pnl > this.largestLoss) this.largestLoss = -pnl;
    }
  }

  /** The metrics of every trade pushed so far. */
  result(): TradeMetrics {
    const n = this.count;
    return {
      trade_count: n,
      win_rate: n === 0 ? 0 : this.wins / n,
      profit_factor: this.grossLoss > 0 ? this.grossProfit / this.grossLoss : null,
      average_trade: n === 0 ? 0 : this.netProfit / n,
      average_trade_return: n === 0 ? 0 : this.returnSum / n,
      average_win: this.wins === 0 ? 0 : this.grossProfit / this.wins,
      average_loss: this.losses === 0 ? 0 : this.grossLoss / this.losses,
      gross_profit: this.grossProfit,
      gross_loss: this.grossLoss,
      net_profit: this.netProfit,
      largest_win: this.largestWin,
      largest_loss: this.largestLoss,
      average_bars_held: n === 0 ? 0 : this.barsHeldSum / n,
    };
  }
}
