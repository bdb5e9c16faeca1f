import { describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';
import { loadSpyBars } from '../helpers/spy.ts';

// The bundled SPY 5m bars the spy-small config reads; long-only SMA(5/20) crossover, 100 shares.
const bars = loadSpyBars();
const indexOfTs = new Map(bars.map((b, i) => [b.ts, i]));
const NO_COSTS = ['execution.slippage_bps=0', 'execution.commission={per_share: 0}'];

async function trades(risk: string, extra: string[] = []) {
  const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
    sets: [...NO_COSTS, `risk=${risk}`, ...extra],
  });
  expect(outcome.status).toBe('completed');
  return { trades: outcome.books[0]!.trades!, outcome };
}

describe('exit rules on real bars', () => {
  it('stop loss: exits on the first bar after the entry bar whose low reaches entry × (1 − pct), at min(open, stop)', async () => {
    const { trades: ts } = await trades('{stop_loss_pct: 0.3}');
    const stops = ts.filter((t) => t.exitReason === 'stop_loss');
    expect(stops.length).toBeGreaterThan(20);
    for (const t of stops) {
      const e = indexOfTs.get(t.entryTs)!;
      const x = indexOfTs.get(t.exitTs)!;
      const stop = t.entryPrice * (1 - 0.003);
      // Not reached on any bar between the entry bar (exclusive) and the exit bar.
      for (let i = e + 1; i < x; i++) expect(bars[i]!.low, `bar ${i}`).toBeGreaterThan(stop);
      expect(x).toBeGreaterThan(e);
      expect(bars[x]!.low).toBeLessThanOrEqual(stop);
      expect(t.exitPrice).toBeCloseTo(Math.min(bars[x]!.open, stop), 9);
    }
    // Some stops gap: the bar opened below the stop and filled at the open.
    expect(stops.some((t) => t.exitPrice < t.entryPrice * (1 - 0.003) - 1e-9)).toBe(true);
  });

  it('take profit: exits where the high first reaches entry × (1 + pct), at max(open, limit), OCO with the stop', async () => {
    const { trades: ts } = await trades('{stop_loss_pct: 0.5, take_profit_pct: 0.3}');
    const tps = ts.filter((t) => t.exitReason === 'take_profit');
    expect(tps.length).toBeGreaterThan(20);
    for (const t of tps) {
      const e = indexOfTs.get(t.entryTs)!;
      const x = indexOfTs.get(t.exitTs)!;
      const tp = t.entryPrice * 1.003;
      const stop = t.entryPrice * 0.995;
      for (let i = e + 1; i < x; i++) expect(bars[i]!.high < tp && bars[i]!.low > stop, `bar ${i}`).toBe(true);
      expect(t.exitPrice).toBeCloseTo(Math.max(bars[x]!.open, tp), 9);
    }
    // Every trade ends once: stop or take-profit, never both (OCO), the book is flat between trades.
    for (let i = 1; i < ts.length; i++) expect(ts[i]!.entryTs).toBeGreaterThanOrEqual(ts[i - 1]!.exitTs);
  });

  it('trailing stop: the level follows the highest high of closed bars since the entry', async () => {
    const { trades: ts } = await trades('{trailing_stop_pct: 0.25}');
    const trails = ts.filter((t) => t.exitReason === 'trailing_stop');
    expect(trails.length).toBeGreaterThan(20);
    for (const t of trails) {
      const e = indexOfTs.get(t.entryTs)!;
      const x = indexOfTs.get(t.exitTs)!;
      // Level in force on bar i: 0.9975 × max(entry, highs of bars e..i−1).
      let best = t.entryPrice;
      for (let i = e + 1; i < x; i++) {
        best = Math.max(best, bars[i - 1]!.high);
        expect(bars[i]!.low, `bar ${i}`).toBeGreaterThan(best * 0.9975);
      }
      best = Math.max(best, bars[x - 1]!.high);
      expect(t.exitPrice).toBeCloseTo(Math.min(bars[x]!.open, best * 0.9975), 9);
    }
  });

  it('max holding: a position held N bars exits at the next open (N + 1 bars held)', async () => {
    const { trades: ts } = await trades('{max_holding_bars: 12}');
    const timed = ts.filter((t) => t.exitReason === 'max_holding');
    expect(timed.length).toBeGreaterThan(20);
    for (const t of timed) {
      expect(t.barsHeld).toBe(13);
      expect(t.exitPrice).toBe(bars[indexOfTs.get(t.exitTs)!]!.open);
    }
    for (const t of ts) expect(t.barsHeld).toBeLessThanOrEqual(13);
  });

  it('close_eod: never holds across a session close; exits at the close of the 15:55 New York bar', async () => {
    const { trades: ts } = await trades('{close_eod: true}');
    const ny = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const eod = ts.filter((t) => t.exitReason === 'close_eod');
    expect(eod.length).toBeGreaterThan(50);
    for (const t of ts) {
      if (t.exitReason === 'end_of_data') continue;
      expect(ny.format(new Date(t.exitTs)).slice(0, 10), `trade entered ${new Date(t.entryTs).toISOString()}`).toBe(
        ny.format(new Date(t.entryTs)).slice(0, 10),
      );
    }
    for (const t of eod) {
      const x = bars[indexOfTs.get(t.exitTs)!]!;
      if (ny.format(new Date(x.ts)).endsWith('15:55'))
        expect(t.exitPrice).toBe(x.close); // market on close
      else expect(t.exitPrice).toBe(x.open); // a gap hid the last bar: next open
    }
  });

  it('max drawdown halt: closes everything once and takes no trade after it', async () => {
    const { trades: ts, outcome } = await trades('{max_drawdown_pct: 1}', [
      'portfolio.sizing={type: percent_equity, percent: 100}',
    ]);
    const portfolio = outcome.containers.get('portfolio_sma_crossover')!;
    const exits = portfolio['exits'] as { halted_at: string | null; halted_signals: number };
    expect(exits.halted_at).not.toBeNull();
    const haltedAt = Date.parse(exits.halted_at!);
    // The position open at the halt (if any) closes at the next open, by the halt or by a
    // sell the strategy had already sent on the same bar; nothing opens after it.
    const last = ts[ts.length - 1]!;
    expect(['drawdown_halt', 'signal']).toContain(last.exitReason);
    expect(last.exitTs).toBeLessThanOrEqual(bars[indexOfTs.get(haltedAt)! + 1]!.ts);
    for (const t of ts) expect(t.entryTs).toBeLessThanOrEqual(haltedAt);
    expect(exits.halted_signals).toBeGreaterThan(0);
    // The halt tripped at ≥ 1 % below the peak of closing equity.
    const equity = outcome.books[0]!.equity!;
    const before = equity.filter((p) => p.ts <= haltedAt);
    const peak = Math.max(...before.map((p) => p.equity));
    expect((peak - before[before.length - 1]!.equity) / peak).toBeGreaterThanOrEqual(0.01);
  });
});

describe('entry orders', () => {
  it('limit entries: fill at or below close × (1 − offset) within their expiry, or not at all', async () => {
    const { trades: ts } = await trades('{}', [
      'portfolio.entry_order={type: limit, offset_bps: 5, expires_after_bars: 3}',
    ]);
    expect(ts.length).toBeGreaterThan(50);
    for (const t of ts) {
      const e = indexOfTs.get(t.entryTs)!;
      // Some bar 1..3 bars before the fill closed at a price whose limit the fill respects.
      const ok = [1, 2, 3].some((k) => e - k >= 0 && t.entryPrice <= bars[e - k]!.close * (1 - 0.0005) + 1e-9);
      expect(ok, `trade entered ${new Date(t.entryTs).toISOString()} at ${t.entryPrice}`).toBe(true);
    }
    const market = await trades('{}');
    // Fewer entries than with market orders (some limits expire unfilled), each at a better price.
    expect(ts.length).toBeLessThan(market.trades.length);
  });
});

describe('exit rules with fill: close', () => {
  it('a time exit decided at a bar close fills at that close (the bar reaches the book before execution)', async () => {
    const { trades: ts } = await trades('{max_holding_bars: 12, close_eod: true}', ['execution.fill=close']);
    const timed = ts.filter((t) => t.exitReason === 'max_holding');
    expect(timed.length).toBeGreaterThan(10);
    for (const t of timed) {
      // Held 12 bars and out at the close of the 12th: fill: close trades at the deciding bar's close.
      expect(t.barsHeld).toBe(12);
      expect(t.exitPrice).toBe(bars[indexOfTs.get(t.exitTs)!]!.close);
    }
    expect(ts.some((t) => t.exitReason === 'close_eod')).toBe(true);
  });
});
