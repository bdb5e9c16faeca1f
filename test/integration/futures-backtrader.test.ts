/**
 * Futures accounting against backtrader's futures-like model, to the cent.
 *
 * The run is examples/futures-sma-cross.yaml: backtrader's commission-schemes sample
 * (samples/commission-schemes/commission-schemes.py: buy 1 when the close crosses above
 * its SMA(30), sell 1 on a cross below while long, market orders) on its 2006 daily data,
 * with `setcommission(commission=2, mult=10, margin=1000)` and 10,000 of cash.
 *
 * The reference below is written from backtrader's source, not from Sluice's:
 * - `CrossOver(close, SMA(30))` (indicators/crossover.py): up when the last non-zero
 *   close − SMA before this bar was < 0 and close > SMA now; down the other way round.
 * - A market order created at bar t's close executes at bar t+1's open (BackBroker.next
 *   runs before the strategy's next on every bar).
 * - CommInfoBase with margin set and commtype None: `_stocklike = False`, `COMM_FIXED`:
 *   commission = |size| × 2 on every execution, each side (`_getcommission`).
 * - BackBroker._execute: opening takes `getoperationcost = |size| × margin` and the
 *   commission from cash and sets `adjbase` to the price; closing gives back
 *   |size| × margin, takes the commission, and settles `cashadjust(-closed, adjbase,
 *   price) = size × (price − adjbase) × mult`; the trade's P&L is
 *   `profitandloss = size × (exit − entry) × mult` (not added to cash: `pnl × stocklike`
 *   is 0, the variation already moved it).
 * - BackBroker.next, at the end of every bar: `cash += size × (close − adjbase) × mult`,
 *   `adjbase = close`.
 * - Value (`_get_value`, shortcash): cash + `getvaluesize` = cash + |size| × margin.
 * - The last position stays open (the sample never closes it): `close_at_end: false`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';

const EXAMPLE = 'examples/futures-sma-cross.yaml';
const MULT = 10;
const MARGIN = 1000;
const COMM = 2;
const CASH = 10_000;
const PERIOD = 30;

interface Bar {
  readonly ts: number;
  readonly open: number;
  readonly close: number;
}

function readBars(): Bar[] {
  const lines = readFileSync('examples/data/2006-day-001.txt', 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [date, open, , , close] = line.split(',');
    return { ts: Date.parse(`${date}T00:00:00Z`), open: Number(open), close: Number(close) };
  });
}

interface RefTrade {
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  gross: number;
  net: number;
}

/** backtrader's broker and the sample strategy, bar by bar (see the file comment). */
function backtraderReference(bars: readonly Bar[]) {
  let cash = CASH;
  let size = 0;
  let adjbase = 0;
  let entry = { ts: 0, price: 0, comm: 0 };
  let order: 'buy' | 'sell' | undefined;
  let nzd = Number.NaN;
  const trades: RefTrade[] = [];
  const value: number[] = [];
  const cashAt: number[] = [];
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    // broker.next: the order of the previous bar executes at this open.
    if (order === 'buy') {
      const comm = COMM * 1;
      cash -= 1 * MARGIN + comm;
      size = 1;
      adjbase = bar.open;
      entry = { ts: bar.ts, price: bar.open, comm };
    } else if (order === 'sell') {
      const comm = COMM * 1;
      cash += 1 * MARGIN - comm + size * (bar.open - adjbase) * MULT;
      const gross = size * (bar.open - entry.price) * MULT;
      trades.push({
        entryTs: entry.ts,
        entryPrice: entry.price,
        exitTs: bar.ts,
        exitPrice: bar.open,
        gross,
        net: gross - entry.comm - comm,
      });
      size = 0;
    }
    order = undefined;
    // End of bar: variation margin to the close.
    if (size !== 0) {
      cash += size * (bar.close - adjbase) * MULT;
      adjbase = bar.close;
    }
    value.push(cash + Math.abs(size) * MARGIN);
    cashAt.push(cash);
    // strategy.next at this close.
    if (i < PERIOD - 1) continue;
    let sum = 0;
    for (let k = i - PERIOD + 1; k <= i; k++) sum += bars[k]!.close;
    const diff = bar.close - sum / PERIOD;
    if (i > PERIOD - 1) {
      const up = nzd < 0 && diff > 0;
      const down = nzd > 0 && diff < 0;
      if (up) order = 'buy';
      else if (down && size !== 0) order = 'sell';
    }
    nzd = diff !== 0 ? diff : nzd;
  }
  return { trades, value, cash: cashAt, size };
}

describe('futures accounting (examples/futures-sma-cross.yaml) against backtrader', () => {
  it('every trade, every day’s value and the final cash agree to the cent', async () => {
    const bars = readBars();
    const ref = backtraderReference(bars);
    expect(ref.trades.length).toBeGreaterThan(3);
    // backtrader's published log of this sample (blog post "Improving Commissions: Stocks
    // vs Futures", 2015-07-31) starts "2006-03-09, BUY CREATE, 3757.59", then a BUY
    // EXECUTED on 2006-03-10 (at that day's open, 3754.13 in the data).
    expect([ref.trades[0]!.entryTs, ref.trades[0]!.entryPrice]).toEqual([Date.parse('2006-03-10T00:00:00Z'), 3754.13]);

    const outcome = await runConfig(EXAMPLE);
    expect(outcome.status).toBe('completed');
    expect(outcome.bars).toBe(bars.length);
    const book = outcome.books[0]!;
    const trades = book.trades!;
    expect(trades.length).toBe(ref.trades.length);
    trades.forEach((t, i) => {
      const r = ref.trades[i]!;
      expect([t.entryTs, t.exitTs, t.direction, t.quantity]).toEqual([r.entryTs, r.exitTs, 'long', 1]);
      expect(t.entryPrice).toBe(r.entryPrice);
      expect(t.exitPrice).toBe(r.exitPrice);
      expect(t.grossPnl).toBeCloseTo(r.gross, 2);
      expect(t.commission).toBeCloseTo(2 * COMM, 10);
      expect(t.pnl).toBeCloseTo(r.net, 2);
    });

    // Value (equity) at every close: cash + posted margin.
    const equity = book.equity!;
    expect(equity.length).toBe(bars.length);
    equity.forEach((p, i) => {
      expect(p.ts).toBe(bars[i]!.ts);
      expect(p.equity).toBeCloseTo(ref.value[i]!, 2);
    });

    const portfolio = [...outcome.containers.entries()].find(([id]) => id.startsWith('portfolio'))![1];
    expect(portfolio.cash as number).toBeCloseTo(ref.cash.at(-1)!, 2);
    expect(portfolio.final_equity as number).toBeCloseTo(ref.value.at(-1)!, 2);
    expect(portfolio.open_positions).toEqual(ref.size === 0 ? {} : { INDEX: ref.size });
  });

  it('sizing reads a contract as price × multiplier (percent_equity) and its ATR × multiplier (atr_risk)', async () => {
    const rich = ['portfolio.initial_cash=1000000'];
    const byPercent = await runConfig(EXAMPLE, {
      sets: [...rich, 'portfolio.sizing={type: percent_equity, percent: 50}'],
    });
    // The first entry is decided at 2006-03-09's close, 3757.59: 500,000 / 37,575.9 = 13.3.
    expect(byPercent.books[0]!.trades![0]!.quantity).toBe(13);
    const atr =
      'portfolio.sizing={type: atr_risk, risk_percent: 1, atr_period: 14, atr_multiple: 2, max_percent: 1000}';
    const asFuture = await runConfig(EXAMPLE, { sets: [...rich, atr] });
    const asShares = await runConfig(EXAMPLE, { sets: [...rich, atr, 'data.instrument={kind: equity}'] });
    const [f, s] = [asFuture.books[0]!.trades![0]!.quantity, asShares.books[0]!.trades![0]!.quantity];
    expect(s).toBeGreaterThan(100);
    // floor(10,000 / (2 × ATR × 10)) = floor(floor(10,000 / (2 × ATR)) / 10)
    expect(f).toBe(Math.floor(s / MULT));
  });

  it('a trade’s P&L is the price change × multiplier × contracts', async () => {
    const outcome = await runConfig(EXAMPLE, {
      sets: ['portfolio.sizing={type: fixed, quantity: 3}', 'portfolio.initial_cash=100000'],
    });
    for (const t of outcome.books[0]!.trades!) {
      expect(t.quantity).toBe(3);
      expect(t.grossPnl).toBeCloseTo((t.exitPrice - t.entryPrice) * MULT * 3, 8);
      expect(t.commission).toBeCloseTo(2 * 3 * COMM, 10);
      expect(t.returnPct).toBeCloseTo(t.pnl / (3 * t.entryPrice * MULT), 12);
    }
  });
});
