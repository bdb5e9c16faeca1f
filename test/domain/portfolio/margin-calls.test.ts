import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARGIN_RATES, marginCallDue, type Account } from '../../../src/domain/portfolio/account.ts';
import { Book } from '../../../src/domain/portfolio/book.ts';
import type { Instrument } from '../../../src/domain/portfolio/instrument.ts';
import { clearOfMaintenance, MarginCalls, type MarginCallCause } from '../../../src/domain/portfolio/margin-calls.ts';

const MARGIN: Account = { type: 'margin', ...DEFAULT_MARGIN_RATES };

/** A book that bought (or sold short) `qty` shares of SPY at `entry` with `commission`, marked at `mark`. */
function book(qty: number, entry: number, commission: number, mark: number): Book {
  const b = new Book(100_000);
  b.applyFill({
    symbol: 'SPY',
    side: qty > 0 ? 'buy' : 'sell',
    quantity: Math.abs(qty),
    price: entry,
    commission,
    ts: 0,
    barIndex: 0,
    reason: 'signal',
  });
  b.mark('SPY', mark);
  return b;
}

describe('MarginCalls', () => {
  const cause: MarginCallCause = { seq: 7, ts: 70, symbol: 'SPY', price: 80 };

  function calls(committed: number) {
    const sent: { signed: number; equity: number }[] = [];
    const cancelled: MarginCallCause[] = [];
    let id = 100;
    const m = new MarginCalls(MARGIN, {
      committed: () => committed,
      cancelEntries: (c) => cancelled.push(c),
      send: (_c, signed, equity) => {
        sent.push({ signed, equity });
        return ++id;
      },
    });
    return { m, sent, cancelled };
  }

  it('liquidates a book below maintenance, once until its orders end', () => {
    // Long 1,500 at 100 on 100,000 (cash -50,000). At 45: equity 17,500 against 0.25 × 67,500
    // = 16,875, not due; at 44: 16,000 against 16,500, due.
    const b = book(1500, 100, 0, 45);
    const { m, sent, cancelled } = calls(1500);
    expect(m.due(b)).toBe(false);
    b.mark('SPY', 44);
    expect(b.equity()).toBe(16_000);
    expect(m.due(b)).toBe(true);
    m.liquidate(b, cause);
    expect(sent).toEqual([{ signed: -1500, equity: 16_000 }]);
    expect(cancelled).toEqual([cause]);
    expect(m.due(b)).toBe(false); // its order is open
    m.ended(999);
    expect(m.due(b)).toBe(false);
    m.ended(101);
    expect(m.due(b)).toBe(true);
  });

  it('calls again after a liquidation that ended before its send returned (fill: close fills it at once)', () => {
    const b = book(1500, 100, 0, 44);
    let id = 200;
    const m: MarginCalls = new MarginCalls(MARGIN, {
      committed: () => 1500,
      cancelEntries: () => {},
      // As the broker with fill: close: the order fills, and the book hears of it, before send returns.
      send: () => {
        m.ended(++id);
        return id;
      },
    });
    expect(m.due(b)).toBe(true);
    m.liquidate(b, cause);
    expect(m.due(b)).toBe(true); // nothing of it is open: the next snapshot below maintenance calls again
  });

  it('sends only what leaves the book flat after its open orders, and nothing for a flat symbol', () => {
    const b = book(1500, 100, 0, 44);
    const half = calls(700); // an exit of 800 already on its way
    half.m.liquidate(b, cause);
    expect(half.sent.map((s) => s.signed)).toEqual([-700]);
    const none = calls(0);
    none.m.liquidate(b, cause);
    expect(none.sent).toEqual([]);
    const flat = calls(0);
    flat.m.liquidate(b, { ...cause, symbol: 'QQQ' });
    expect(flat.cancelled).toEqual([]);
  });
});

describe('clearOfMaintenance', () => {
  it('never clears a book a margin call is due for, and clears those far from the line', () => {
    const rates = fc.record({
      maintenance: fc.double({ min: 0.05, max: 1, noNaN: true }),
      shortMaintenance: fc.double({ min: 0.05, max: 2, noNaN: true }),
    });
    fc.assert(
      fc.property(
        rates,
        fc.integer({ min: -5000, max: 5000 }).filter((q) => q !== 0),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (r, qty, entry, mark, commission) => {
          const account: Account = { ...MARGIN, ...r };
          const b = book(qty, entry, commission, mark);
          const clear = clearOfMaintenance(account, b.cash, b.position('SPY'), mark);
          if (marginCallDue(b, account)) expect(clear).toBe(false);
          // Away from the line by more than the screen's margin, it agrees.
          const equity = b.equity();
          const requirement = qty > 0 ? r.maintenance * qty * mark : r.shortMaintenance * -qty * mark;
          if (equity - requirement > 1e-5 * (Math.abs(equity) + requirement)) expect(clear).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('at the line exactly, leaves the book to the rule', () => {
    // Long 1,000 at 100 with 75,000 borrowed: equity 25,000 = 0.25 × 100,000.
    expect(clearOfMaintenance(MARGIN, -75_000, 1000, 100)).toBe(false);
    expect(clearOfMaintenance(MARGIN, -70_000, 1000, 100)).toBe(true);
    expect(clearOfMaintenance({ type: 'cash' }, -1e9, 1000, 100)).toBe(true);
  });

  it("a future's book: never clears one a call is due for (cash below zero), clears those far from it", () => {
    const future: Instrument = { kind: 'future', multiplier: 10, margin: 2600 };
    fc.assert(
      fc.property(
        fc.integer({ min: -60, max: 60 }).filter((q) => q !== 0),
        fc.double({ min: 100, max: 600, noNaN: true }),
        fc.double({ min: 100, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (qty, entry, mark, commission) => {
          const b = new Book(100_000, new Map([['ES', future]]));
          b.applyFill({
            symbol: 'ES',
            side: qty > 0 ? 'buy' : 'sell',
            quantity: Math.abs(qty),
            price: entry,
            commission,
            ts: 0,
            barIndex: 0,
            reason: 'signal',
          });
          b.mark('ES', mark);
          const clear = clearOfMaintenance(MARGIN, b.cash, b.position('ES'), mark, future);
          if (marginCallDue(b, MARGIN)) expect(clear).toBe(false);
          const posted = Math.abs(qty) * future.margin;
          if (b.cash > 1e-5 * (Math.abs(b.equity()) + posted)) expect(clear).toBe(true);
          // The share formula would value the contracts at their notional: wrong for a future.
          if (b.cash < 0) expect(clear).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
