/**
 * Cross-sectional rotation (examples/daily-rotation.yaml) against an independent
 * calculation, to the cent.
 *
 * The reference below is a plain loop over the merged daily bars of NVDA, ORCL and YHOO,
 * written from the rules in docs/portfolios.md, not from the engine's code:
 * - roc(60) of a symbol at its bar i ≥ 60: 100 × (close[i] − close[i−60]) / close[i−60];
 * - decision points are dates where every symbol has a bar (here: every date) and every
 *   score is ready; the first rebalances, then every 20th;
 * - rank by score, highest first, ties by symbol; the best 2 get weight
 *   min(0.95 / 2, 0.5) of the equity at that date's closes (a second case: all three by
 *   positive score × 0.9, at most 0.4 each), in whole shares at the close;
 * - orders fill at each symbol's next open, ±5 bps slippage against the trader,
 *   commission max(1, 0.005 × shares); cash pays buys and receives sells;
 * - trades are booked at the average entry price, the entry commission pro rata;
 * - equity at every close is cash + Σ shares × close.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';
import { mergeSources } from '../../src/data/merge-sources.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { checkLookahead } from '../../src/analysis/lookahead.ts';

const EXAMPLE = 'examples/daily-rotation.yaml';
const SYMBOLS = ['NVDA', 'ORCL', 'YHOO'] as const;
const CASH = 100_000;
const PERIOD = 60;
const EVERY = 20;
const SLIP = 5 / 1e4;

/** The example's allocation: the best 2, equal weight, 95 % gross, at most half per symbol. */
const EXAMPLE_ALLOCATION: Allocation = { top: 2, weights: 'equal', gross: 0.95, cap: 0.5 };

interface Allocation {
  readonly top: number;
  readonly weights: 'equal' | 'score';
  readonly gross: number;
  readonly cap: number;
}

/** Target weights of the held symbols (docs/portfolios.md): equal or by positive score, × gross, capped. */
function targetWeights(scores: readonly number[], held: readonly number[], a: Allocation): Map<number, number> {
  const positive = held.reduce((sum, s) => sum + Math.max(scores[s]!, 0), 0);
  const base = (s: number): number =>
    a.weights === 'equal' ? 1 / held.length : positive > 0 ? Math.max(scores[s]!, 0) / positive : 0;
  return new Map(held.map((s) => [s, Math.min(base(s) * a.gross, a.cap)]));
}

interface Bar {
  readonly ts: number;
  readonly open: number;
  readonly close: number;
}

function readBars(symbol: string): Bar[] {
  const lines = readFileSync(`examples/data/${symbol}_1d.csv`, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [date, open, , , close] = line.split(',');
    return { ts: Date.parse(`${date}T00:00:00Z`), open: Number(open), close: Number(close) };
  });
}

interface RefTrade {
  symbol: string;
  quantity: number;
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  gross: number;
  commission: number;
}

const commission = (shares: number): number => Math.max(1, 0.005 * shares);
/** Whole shares, as a notional / price computed in doubles can land a hair below an integer. */
const whole = (x: number): number => (x > 0 ? Math.floor(x + Math.max(1e-9, x * 1e-12)) : 0);

function reference(bars: readonly (readonly Bar[])[], allocation: Allocation) {
  const n = bars[0]!.length;
  let cash = CASH;
  const pos = SYMBOLS.map(() => ({ qty: 0, avg: 0, entryTs: 0, entryComm: 0 }));
  const trades: RefTrade[] = [];
  const equity: number[] = [];
  let orders: number[] | undefined; // signed shares per symbol, to fill at the next open
  let ready = 0;
  let rebalances = 0;
  for (let d = 0; d < n; d++) {
    // Next-open fills of the previous date's rebalance.
    if (orders !== undefined) {
      orders.forEach((delta, s) => {
        if (delta === 0) return;
        const bar = bars[s]![d]!;
        const p = pos[s]!;
        const shares = Math.abs(delta);
        const comm = commission(shares);
        if (delta > 0) {
          const price = bar.open * (1 + SLIP);
          cash -= shares * price + comm;
          if (p.qty === 0) Object.assign(p, { qty: shares, avg: price, entryTs: bar.ts, entryComm: comm });
          else
            Object.assign(p, {
              avg: (p.qty * p.avg + shares * price) / (p.qty + shares),
              qty: p.qty + shares,
              entryComm: p.entryComm + comm,
            });
        } else {
          const price = bar.open * (1 - SLIP);
          cash += shares * price - comm;
          const full = shares === p.qty;
          const entryShare = full ? p.entryComm : (p.entryComm * shares) / p.qty;
          trades.push({
            symbol: SYMBOLS[s]!,
            quantity: shares,
            entryTs: p.entryTs,
            entryPrice: p.avg,
            exitTs: bar.ts,
            exitPrice: price,
            gross: shares * (price - p.avg),
            commission: entryShare + comm,
          });
          p.qty -= shares;
          p.entryComm -= entryShare;
          if (full) Object.assign(p, { avg: 0, entryComm: 0 });
        }
      });
      orders = undefined;
    }
    const closes = bars.map((b) => b[d]!.close);
    const value = cash + pos.reduce((sum, p, s) => sum + p.qty * closes[s]!, 0);
    equity.push(value);
    if (d < PERIOD) continue; // a score not ready yet: no decision point
    const scores = bars.map((b) => (100 * (b[d]!.close - b[d - PERIOD]!.close)) / b[d - PERIOD]!.close);
    const due = ready % EVERY === 0;
    ready++;
    if (!due) continue;
    rebalances++;
    const ranked = SYMBOLS.map((_, s) => s).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const weights = targetWeights(scores, ranked.slice(0, allocation.top), allocation);
    orders = SYMBOLS.map((_, s) => whole(((weights.get(s) ?? 0) * value) / closes[s]!) - pos[s]!.qty);
  }
  // End of data (close_at_end): what is open sells at the last close, slippage and
  // commission as any sell; a rebalance decided on the last date never fills.
  const last = n - 1;
  pos.forEach((p, s) => {
    if (p.qty === 0) return;
    const bar = bars[s]![last]!;
    const price = bar.close * (1 - SLIP);
    const comm = commission(p.qty);
    cash += p.qty * price - comm;
    trades.push({
      symbol: SYMBOLS[s]!,
      quantity: p.qty,
      entryTs: p.entryTs,
      entryPrice: p.avg,
      exitTs: bar.ts,
      exitPrice: price,
      gross: p.qty * (price - p.avg),
      commission: p.entryComm + comm,
    });
    p.qty = 0;
  });
  equity[last] = cash;
  const unfilled = orders?.filter((o) => o !== 0).length ?? 0;
  return { trades, equity, cash, rebalances, unfilled };
}

async function checkAgainstReference(allocation: Allocation, sets: readonly string[]): Promise<void> {
  const bars = SYMBOLS.map(readBars);
  // Same dates for all three (the example's files were cut to the common range).
  for (const b of bars) expect(b.map((x) => x.ts)).toEqual(bars[0]!.map((x) => x.ts));
  const ref = reference(bars, allocation);
  expect(ref.rebalances).toBeGreaterThan(150);
  expect(ref.trades.length).toBeGreaterThan(100);

  const outcome = await runConfig(EXAMPLE, {
    sets: [...sets],
    source: (wf) => mergeSources(wf.sources.map((s) => openBarSource({ path: s.path, symbol: s.symbol }, wf.baseDir))),
  });
  expect(outcome.status).toBe('completed');
  expect(outcome.bars).toBe(3 * bars[0]!.length);
  const book = outcome.books[0]!;

  const key = (t: { exitTs: number; symbol: string }) => `${t.exitTs}:${t.symbol}`;
  const trades = [...book.trades!].sort((a, b) => a.exitTs - b.exitTs || a.symbol.localeCompare(b.symbol));
  const refTrades = [...ref.trades].sort((a, b) => a.exitTs - b.exitTs || a.symbol.localeCompare(b.symbol));
  expect(trades.map(key)).toEqual(refTrades.map(key));
  trades.forEach((t, i) => {
    const r = refTrades[i]!;
    expect([t.symbol, t.direction, t.quantity, t.entryTs]).toEqual([r.symbol, 'long', r.quantity, r.entryTs]);
    expect(t.entryPrice).toBeCloseTo(r.entryPrice, 8);
    expect(t.exitPrice).toBeCloseTo(r.exitPrice, 8);
    expect(t.grossPnl).toBeCloseTo(r.gross, 2);
    expect(t.commission).toBeCloseTo(r.commission, 6);
    expect(t.pnl).toBeCloseTo(r.gross - r.commission, 2);
  });
  // Every symbol traded, out of one book.
  expect(new Set(trades.map((t) => t.symbol))).toEqual(new Set(SYMBOLS));

  // One equity curve for the book: a point per date, at its closes.
  const equity = book.equity!;
  expect(equity.length).toBe(bars[0]!.length);
  equity.forEach((p, d) => {
    expect(p.ts).toBe(bars[0]![d]!.ts);
    expect(p.equity).toBeCloseTo(ref.equity[d]!, 2);
  });

  const containers = [...outcome.containers.entries()];
  const portfolio = containers.find(([id]) => id.startsWith('portfolio'))![1];
  expect(portfolio.cash as number).toBeCloseTo(ref.cash, 2);
  // The buying-power check never had to cut a buy: the sells went first.
  expect([portfolio.rejects, portfolio.unsized]).toEqual([0, 0]);
  // Only the orders of a rebalance on the last date end unfilled.
  expect(portfolio.notices).toBe(ref.unfilled);
  expect(portfolio.open_positions).toEqual({});
  const strategy = containers.find(([id]) => id.startsWith('strategy'))![1];
  expect(strategy.rebalances).toBe(ref.rebalances);
}

describe('rotation (examples/daily-rotation.yaml) against an independent calculation', () => {
  it('every trade, every day’s equity and the final cash agree to the cent', async () => {
    await checkAgainstReference(EXAMPLE_ALLOCATION, []);
  });

  it('score weights, all three held, a 90 % gross cap and a 40 % cap per symbol: the same, to the cent', async () => {
    const sets = [
      'strategies[0].params.weights=score',
      'strategies[0].params.top_n=3',
      'strategies[0].params.gross_exposure=0.9',
      'strategies[0].params.max_weight=0.4',
    ];
    await checkAgainstReference({ top: 3, weights: 'score', gross: 0.9, cap: 0.4 }, sets);
  });

  it('sluice lookahead finds nothing: a rebalance at t reads only bars up to t', async () => {
    const loaded = await loadWorkflow(EXAMPLE);
    const report = await checkLookahead(loaded, { samples: 30, seed: 3 });
    expect(report.checkedBars).toHaveLength(30);
    expect(report.violations).toEqual([]);
  });

  it('a book halted by max_drawdown_pct stays out: later rebalances open nothing', async () => {
    const outcome = await runConfig(EXAMPLE, {
      sets: ['risk.max_drawdown_pct=40'],
      source: (wf) =>
        mergeSources(wf.sources.map((s) => openBarSource({ path: s.path, symbol: s.symbol }, wf.baseDir))),
    });
    const portfolio = [...outcome.containers.entries()].find(([id]) => id.startsWith('portfolio'))![1];
    const exits = portfolio.exits as { halted_at: string | null };
    expect(exits.halted_at).not.toBeNull();
    const halted = Date.parse(exits.halted_at!);
    const trades = outcome.books[0]!.trades!;
    expect(trades.length).toBeGreaterThan(5);
    // Every position was opened before the halt (and closed by it, or before).
    for (const t of trades) expect(t.entryTs).toBeLessThanOrEqual(halted);
    expect(portfolio.open_positions).toEqual({});
  });
});
