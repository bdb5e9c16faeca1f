/**
 * An equity curve recomputed from a book's closed trades and the bars, for runs whose
 * storage kept no equity file (`results.storage: memory`, the default).
 *
 * At each bar close: E = E₀ + Σ pnl of trades exited at or before it + Σ over open trades
 * of direction × quantity × (close − entry price) × point value (a future's multiplier,
 * read back from the trades' gross P&L; 1 for shares). This is the engine's own mark-to-market
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
  /**
   * Currency per point per unit: a future's multiplier, 1 for a share (see
   * {@link pointValueOf}); undefined when the trade cannot tell, and then the value of
   * another trade of its symbol, else 1, is used.
   */
  readonly pointValue?: number | undefined;
}

/**
 * A trade's currency per point per unit, read back from its own record: gross P&L /
 * (direction × quantity × (exit − entry)), rounded to 6 decimals (a future's multiplier;
 * exactly 1 for a share). Undefined when the exit price equals the entry price.
 */
export function pointValueOf(t: {
  direction: 'long' | 'short';
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  grossPnl: number;
}): number | undefined {
  const points = (t.direction === 'long' ? 1 : -1) * t.quantity * (t.exitPrice - t.entryPrice);
  if (points === 0 || !Number.isFinite(points) || !Number.isFinite(t.grossPnl)) return undefined;
  return Math.round((t.grossPnl / points) * 1e6) / 1e6;
}

/**
 * The curve at every distinct bar time of `bars` (all symbols merged), marking each open
 * trade at the last close of its symbol at or before that time.
 */
export function equityFromTrades(
  trades: readonly TradeRow[],
  bars: readonly SymbolBars[],
  initialEquity: number,
): EquityCurve {
  const times = [...new Set(bars.flatMap((b) => b.ts))].sort((a, b) => a - b);
  const symbolIndex = new Map(bars.map((b, i) => [b.symbol, i]));
  const cursor = bars.map(() => -1);
  const lastClose = bars.map(() => Number.NaN);
  const byEntry = [...trades].sort((a, b) => a.entryTs - b.entryTs);
  const byExit = [...trades].sort((a, b) => a.exitTs - b.exitTs);
  const open = new Set<TradeRow>();
  const pointBySymbol = new Map<string, number>();
  for (const t of trades)
    if (t.pointValue !== undefined && !pointBySymbol.has(t.symbol)) pointBySymbol.set(t.symbol, t.pointValue);
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
      const point = trade.pointValue ?? pointBySymbol.get(trade.symbol) ?? 1;
      unrealized += (trade.direction === 'long' ? 1 : -1) * trade.quantity * (mark - trade.entryPrice) * point;
    }
    equity[t] = initialEquity + realized + unrealized;
  }
  return { ts: times, equity };
}
