/**
 * An equity curve recomputed from a book's closed trades and the bars, for runs whose
 * storage kept no equity file (`results.storage: memory`, the default).
 *
 * At each bar close: E = E₀ + Σ pnl of trades exited at or before it + Σ over open trades
 * of direction × quantity × (close − entry price). This is the engine's own mark-to-market
 * (cash plus positions at the close, book.ts) except for one thing trades do not record:
 * how a trade's commission splits between its entry and exit fills. Here all of it is
 * charged at the exit, so while a trade is open the curve sits above the engine's by that
 * trade's entry commission (a few dollars per open trade with the bundled examples), and
 * it is exact again at every bar with no open trade — among them the last, when the run
 * closes its positions at the end. The report says so wherever it shows such a curve.
 */

import type { EquityCurve } from './equity-analysis.ts';
import type { SymbolBars } from './read-bars.ts';

/** The fields of a trades.ndjson row this needs. */
export interface TradeRow {
  readonly symbol: string;
  readonly direction: 'long' | 'short';
  readonly quantity: number;
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly pnl: number;
}

/**
 * The curve at every distinct bar time of `bars` (all symbols merged), marking each open
 * trade at the last close of its symbol at or before that time.
 */
export function equityFromTrades(trades: readonly TradeRow[], bars: readonly SymbolBars[], initialEquity: number): EquityCurve {
  const times = [...new Set(bars.flatMap((b) => b.ts))].sort((a, b) => a - b);
  const symbolIndex = new Map(bars.map((b, i) => [b.symbol, i]));
  const cursor = bars.map(() => -1);
  const lastClose = bars.map(() => Number.NaN);
  const byEntry = [...trades].sort((a, b) => a.entryTs - b.entryTs);
  const byExit = [...trades].sort((a, b) => a.exitTs - b.exitTs);
  const open = new Set<TradeRow>();
  let nextEntry = 0;
  let nextExit = 0;
  let realized = 0;
  const equity = new Array<number>(times.length);
  for (let t = 0; t < times.length; t++) {
    const now = times[t]!;
    bars.forEach((b, s) => {
      while (cursor[s]! + 1 < b.ts.length && b.ts[cursor[s]! + 1]! <= now) cursor[s]!++;
      if (cursor[s]! >= 0) lastClose[s] = b.close[cursor[s]!]!;
    });
    while (nextEntry < byEntry.length && byEntry[nextEntry]!.entryTs <= now) open.add(byEntry[nextEntry++]!);
    while (nextExit < byExit.length && byExit[nextExit]!.exitTs <= now) {
      const trade = byExit[nextExit++]!;
      realized += trade.pnl;
      open.delete(trade);
    }
    let unrealized = 0;
    for (const trade of open) {
      const s = symbolIndex.get(trade.symbol);
      const close = s === undefined ? Number.NaN : lastClose[s]!;
      // A symbol with no bar yet cannot be marked; its entry price is the best mark there is.
      const mark = Number.isFinite(close) ? close : trade.entryPrice;
      unrealized += (trade.direction === 'long' ? 1 : -1) * trade.quantity * (mark - trade.entryPrice);
    }
    equity[t] = initialEquity + realized + unrealized;
  }
  return { ts: times, equity };
}
