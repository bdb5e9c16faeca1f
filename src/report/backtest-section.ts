/**
 * One book's backtest section: price with entries and exits, equity, drawdown, monthly
 * returns, metrics and trades, from the phase folder's files. The metrics are always the
 * engine's (phase summary); charts come from equity.ndjson when the run wrote it, else
 * from the trades and bars (equity-from-trades.ts), else they are left out with a note.
 */

import { join } from 'node:path';
import type { Column, BacktestSection, Marker, Table } from './report-data.ts';
import { mergeCandles, minMaxDownsample, snapToCandle, type Candle, type Point } from './downsample.ts';
import { drawdownSeries, monthlyReturns, type EquityCurve } from './equity-analysis.ts';
import { equityFromTrades, pointValueOf, type TradeRow } from './equity-from-trades.ts';
import { readPhaseBars } from './read-bars.ts';
import { forEachRow, num, type PhaseFiles } from './read-results.ts';
import { EquityRowSchema } from '../results/schema/equity-row.ts';
import { TradeRowSchema, type TradeRowJson } from '../results/schema/trade-row.ts';

/** Display limits: points per line chart, candles, trades listed, trades marked on the price chart. */
export const LIMITS = { points: 2000, candles: 1500, tradeRows: 5000, markedTrades: 150 } as const;

const TRADE_COLUMNS: readonly Column[] = [
  { label: '#', format: 'count' },
  { label: 'Symbol', format: 'text' },
  { label: 'Side', format: 'text' },
  { label: 'Quantity', format: 'count' },
  { label: 'Entry', format: 'text' },
  { label: 'Entry price', format: 'money' },
  { label: 'Exit', format: 'text' },
  { label: 'Exit price', format: 'money' },
  { label: 'P&L', format: 'money' },
  { label: 'Return', format: 'percent' },
  { label: 'Bars', format: 'count' },
  { label: 'Exit reason', format: 'text' },
];

/** What the section is built from. */
export interface BookSource {
  readonly heading: string;
  readonly phase: PhaseFiles;
  /** The book whose trades and equity to show (trades of other books are ignored). */
  readonly strategyId: string;
  readonly primaryMetric: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly onBadRow: 'fail' | 'skip';
}

/** Builds the section (see the module comment). */
export async function backtestSection(src: BookSource): Promise<BacktestSection> {
  const notes: string[] = [];
  const rows: TradeRowJson[] = [];
  await forEachRow(join(src.phase.dir, 'trades.ndjson'), TradeRowSchema, (r) => {
    if (r.strategy_id === src.strategyId) rows.push(r);
  });
  const trades = rows.map(toTrade);
  const initial = src.metrics['initial_equity'] ?? 0;

  let curve: EquityCurve | null = await readEquityFile(join(src.phase.dir, 'equity.ndjson'), src.strategyId);
  const bars = src.phase.summary === null ? null : await readPhaseBars(src.phase.summary, src.onBadRow);
  if (bars !== null && !bars.ok) notes.push(`No price chart: ${bars.reason}.`);
  if (curve === null && bars?.ok === true) {
    curve = equityFromTrades(trades, bars.symbols, initial);
    notes.push(
      'Equity recomputed from the trades and the bars (the run kept no equity file; results.storage: disk writes one). Each trade’s whole commission is counted at its exit, so while a trade is open the curve is above the engine’s by its entry commission; it is exact whenever the book is flat.',
    );
  } else if (curve === null) {
    notes.push('No equity curve: the run kept no equity file and the bars are not available to recompute it.');
  }

  let price: BacktestSection['price'] = null;
  if (bars?.ok === true && bars.symbols.length > 0) {
    // The symbol traded most, so a multi-symbol run shows the chart its markers belong to.
    const counts = new Map<string, number>();
    for (const t of trades) counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    const shown = bars.symbols.reduce((a, b) => ((counts.get(b.symbol) ?? 0) > (counts.get(a.symbol) ?? 0) ? b : a));
    const all: Candle[] = shown.ts.map((ts, i) => [
      ts / 1000,
      shown.open[i]!,
      shown.high[i]!,
      shown.low[i]!,
      shown.close[i]!,
    ]);
    const candles = mergeCandles(all, LIMITS.candles);
    if (candles.length < all.length)
      notes.push(
        `Price: ${all.length.toLocaleString('en-US')} bars merged into ${candles.length.toLocaleString('en-US')} candles (open, highest high, lowest low, last close).`,
      );
    const ownTrades = trades.filter((t) => t.symbol === shown.symbol);
    const marked = ownTrades.slice(-LIMITS.markedTrades);
    if (marked.length < ownTrades.length)
      notes.push(
        `Markers: the last ${marked.length} of ${ownTrades.length} trades (more would cover the chart); zoom in on the price chart to tell them apart.`,
      );
    const markers = markersOf(
      marked,
      candles.map((c) => c[0]),
    );
    price = { symbol: shown.symbol, candles, markers };
    if (bars.symbols.length > 1)
      notes.push(`Price chart of ${shown.symbol}, the most traded of ${bars.symbols.length} symbols.`);
  }

  let equity: Point[] | null = null;
  let drawdown: Point[] | null = null;
  if (curve !== null && curve.ts.length > 0) {
    const full: Point[] = curve.ts.map((ts, i) => [ts / 1000, curve.equity[i]!]);
    equity = minMaxDownsample(full, LIMITS.points);
    drawdown = minMaxDownsample(drawdownSeries(curve, initial), LIMITS.points);
    if (equity.length < full.length)
      notes.push(
        `Equity and drawdown: ${full.length.toLocaleString('en-US')} points shown as ${equity.length.toLocaleString('en-US')} (each bucket’s minimum and maximum kept).`,
      );
  }

  return {
    kind: 'backtest',
    heading: src.heading,
    primary_metric: src.primaryMetric,
    metrics: src.metrics,
    price,
    equity,
    drawdown,
    monthly: curve === null ? [] : monthlyReturns(curve, initial),
    trades: tradeTable(rows),
    notes,
  };
}

/** The trades table (first {@link LIMITS.tradeRows} rows). */
export function tradeTable(rows: readonly TradeRowJson[]): Table {
  const shown = rows.slice(0, LIMITS.tradeRows);
  return {
    columns: TRADE_COLUMNS,
    rows: shown.map((r) => [
      r.trade_id,
      r.symbol,
      r.direction,
      r.quantity,
      isoMinute(r.entry_time),
      r.entry_price,
      isoMinute(r.exit_time),
      r.exit_price,
      r.pnl,
      r.return_pct,
      r.bars_held,
      r.exit_reason,
    ]),
    ...(shown.length < rows.length ? { total: rows.length } : {}),
  };
}

/**
 * A book's equity curve for a comparison: its equity file, else recomputed from trades
 * and bars as in {@link backtestSection}; null (with the reason) when neither is there.
 */
export async function bookEquity(
  phase: PhaseFiles,
  strategyId: string,
  initialEquity: number,
): Promise<{ curve: EquityCurve | null; note: string | null }> {
  const stored = await readEquityFile(join(phase.dir, 'equity.ndjson'), strategyId);
  if (stored !== null) return { curve: stored, note: null };
  const bars = phase.summary === null ? null : await readPhaseBars(phase.summary, 'skip');
  if (bars === null || !bars.ok)
    return { curve: null, note: `no equity file, and ${bars === null ? 'no phase summary' : bars.reason}` };
  const trades: TradeRow[] = [];
  await forEachRow(join(phase.dir, 'trades.ndjson'), TradeRowSchema, (r) => {
    if (r.strategy_id === strategyId) trades.push(toTrade(r));
  });
  return {
    curve: equityFromTrades(trades, bars.symbols, initialEquity),
    note: 'equity recomputed from trades and bars (entry commissions counted at exit)',
  };
}

/** Reads one book's rows of an equity file (rows without a strategy_id belong to every book). */
export async function readEquityFile(path: string, strategyId: string | null): Promise<EquityCurve | null> {
  const ts: number[] = [];
  const equity: number[] = [];
  const found = await forEachRow(path, EquityRowSchema, (r) => {
    if (strategyId !== null && r.strategy_id !== undefined && r.strategy_id !== strategyId) return;
    const e = num(r.equity);
    if (e !== null) {
      ts.push(Date.parse(r.ts));
      equity.push(e);
    }
  });
  return found ? { ts, equity } : null;
}

function toTrade(r: TradeRowJson): TradeRow {
  const trade = {
    symbol: r.symbol,
    direction: r.direction,
    quantity: r.quantity,
    entryTs: Date.parse(r.entry_time),
    entryPrice: r.entry_price,
    exitTs: Date.parse(r.exit_time),
    pnl: r.pnl,
  };
  return { ...trade, pointValue: pointValueOf({ ...trade, exitPrice: r.exit_price, grossPnl: r.gross_pnl }) };
}

function markersOf(trades: readonly TradeRow[], candleTimes: readonly number[]): Marker[] {
  const out: Marker[] = [];
  for (const t of trades) {
    out.push({
      time: snapToCandle(candleTimes, t.entryTs / 1000),
      kind: t.direction === 'long' ? 'entry_long' : 'entry_short',
      text: '',
    });
    out.push({ time: snapToCandle(candleTimes, t.exitTs / 1000), kind: 'exit', text: '' });
  }
  // The chart library wants markers in time order.
  return out.sort((a, b) => a.time - b.time);
}

/** `2024-03-26T16:00:00.000Z` → `2024-03-26 16:00` (UTC), sortable as text. */
function isoMinute(v: string): string {
  return v.slice(0, 16).replace('T', ' ');
}
