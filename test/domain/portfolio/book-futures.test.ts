import { describe, expect, it } from 'vitest';
import { Book } from '../../../src/domain/portfolio/book.ts';
import type { BookFill } from '../../../src/domain/portfolio/book.ts';
import type { Instrument } from '../../../src/domain/portfolio/instrument.ts';

/** An index future: 50 per point, 5,000 margin per contract (an E-mini-like contract). */
const ES: Instrument = { kind: 'future', multiplier: 50, margin: 5000 };

function fill(f: Partial<BookFill> & Pick<BookFill, 'side' | 'quantity' | 'price'>): BookFill {
  return { symbol: 'ES', commission: 0, ts: 0, barIndex: 0, reason: 'signal', ...f };
}

/** equity = initial cash + realized + unrealized − open commission, the book's identity. */
function expectIdentity(book: Book): void {
  expect(book.equity()).toBeCloseTo(
    book.initialCash + book.realizedPnl + book.unrealizedPnl() - book.openCommission(),
    8,
  );
}

describe('Book — futures (margin posted, variation settled at every mark)', () => {
  it('a long round trip, worked by hand', () => {
    const book = new Book(100_000, new Map([['ES', ES]]));
    // Buy 2 at 4000 (never marked before: the fill price is the mark), commission 4.
    book.applyFill(fill({ side: 'buy', quantity: 2, price: 4000, commission: 4, ts: 1 }));
    expect(book.cash).toBe(100_000 - 2 * 5000 - 4); // 89,996: margin posted, no notional paid
    expect(book.postedMargin()).toBe(10_000);
    expect(book.equity()).toBe(99_996);
    expect(book.grossExposure()).toBe(2 * 4000 * 50);
    // Close at 4010: +10 points × 50 × 2 = +1,000 settled into cash.
    book.mark('ES', 4010);
    expect(book.cash).toBe(89_996 + 1000);
    expect(book.equity()).toBe(100_996);
    expect(book.unrealizedPnl()).toBe(1000);
    expectIdentity(book);
    // Next close 3995: −15 × 50 × 2 = −1,500.
    book.mark('ES', 3995);
    expect(book.cash).toBe(90_996 - 1500);
    expect(book.equity()).toBe(99_496);
    // Sell 2 at 3990 (the next open) while the mark is still 3995: −5 × 50 × 2 settles at
    // the fill, margin comes back, commission 4.
    const [trade] = book.applyFill(fill({ side: 'sell', quantity: 2, price: 3990, commission: 4, ts: 2, barIndex: 3 }));
    expect(trade).toMatchObject({
      direction: 'long',
      quantity: 2,
      entryPrice: 4000,
      exitPrice: 3990,
      grossPnl: -1000,
      commission: 8,
      pnl: -1008,
      barsHeld: 3,
    });
    expect(trade!.returnPct).toBeCloseTo(-1008 / (2 * 4000 * 50), 15);
    expect(book.cash).toBe(100_000 - 1008);
    expect(book.equity()).toBe(100_000 - 1008);
    expect(book.postedMargin()).toBe(0);
    expect(book.invested).toBe(false);
    expectIdentity(book);
  });

  it('a fill after the bar was marked settles to that mark at once (backtrader adjusts every open future to the close at the end of the bar)', () => {
    const book = new Book(50_000, new Map([['ES', ES]]));
    book.mark('ES', 4000); // bar t closes at 4000; the order fills at bar t+1's open …
    book.mark('ES', 4020); // … bar t+1 was marked first (the book sees a bar before execution)
    book.applyFill(fill({ side: 'buy', quantity: 1, price: 4005 }));
    // margin 5000 out, and the move from the fill (4005) to the close (4020) already in.
    expect(book.cash).toBe(50_000 - 5000 + 15 * 50);
    expect(book.equity()).toBe(50_000 + 750);
    expectIdentity(book);
  });

  it('adding, reducing and reversing keep the identity and the margin per open contract', () => {
    const book = new Book(200_000, new Map([['ES', ES]]));
    book.applyFill(fill({ side: 'buy', quantity: 1, price: 4000, commission: 2 }));
    book.mark('ES', 4004);
    // Add 2 at 4006: the held contract settles 2 points to the fill price, 3 contracts then
    // settle to the mark (4004).
    book.applyFill(fill({ side: 'buy', quantity: 2, price: 4006, commission: 4 }));
    expect(book.position('ES')).toBe(3);
    expect(book.avgPrice('ES')).toBeCloseTo((4000 + 2 * 4006) / 3, 10);
    expect(book.postedMargin()).toBe(15_000);
    expect(book.cash).toBe(200_000 - 2 - 4 - 15_000 + (4004 - 4000) * 50 + (4004 - 4006) * 2 * 50);
    expectIdentity(book);
    // Reduce 1 at 4010: realized (4010 − avg) × 50; 2 contracts and 10,000 margin remain.
    const [partial] = book.applyFill(fill({ side: 'sell', quantity: 1, price: 4010, commission: 2 }));
    expect(partial!.grossPnl).toBeCloseTo((4010 - (4000 + 2 * 4006) / 3) * 50, 8);
    expect(book.postedMargin()).toBe(10_000);
    expectIdentity(book);
    // Reverse: sell 5 at 4008 → close 2, open 3 short; margin 15,000 posted for the short.
    const [closed] = book.applyFill(fill({ side: 'sell', quantity: 5, price: 4008, commission: 10 }));
    expect(closed!.quantity).toBe(2);
    expect(book.position('ES')).toBe(-3);
    expect(book.postedMargin()).toBe(15_000);
    book.mark('ES', 3998); // the short gains 10 × 50 × 3
    expect(book.unrealizedPnl()).toBeCloseTo(3 * 10 * 50, 8);
    expectIdentity(book);
    const [short] = book.applyFill(fill({ side: 'buy', quantity: 3, price: 3990, commission: 6 }));
    expect(short).toMatchObject({ direction: 'short', grossPnl: 3 * 18 * 50 });
    expect(book.postedMargin()).toBe(0);
    // Flat: equity is cash, and cash is the initial cash plus every trade's net P&L.
    expect(book.equity()).toBe(book.cash);
    expect(book.cash).toBeCloseTo(200_000 + book.realizedPnl, 8);
    expectIdentity(book);
  });

  it('shares are untouched by a future in the same book', () => {
    const book = new Book(100_000, new Map([['ES', ES]]));
    book.applyFill(fill({ symbol: 'SPY', side: 'buy', quantity: 10, price: 500 }));
    book.applyFill(fill({ side: 'sell', quantity: 1, price: 4000 }));
    expect(book.cash).toBe(100_000 - 5000 - 5000);
    expect(book.longShareValue()).toBe(5000);
    expect(book.shortShareValue()).toBe(0);
    expect(book.postedMargin()).toBe(5000);
    expect(book.equity()).toBe(100_000);
  });

  it('refuses a future without a positive multiplier or margin', () => {
    expect(() => new Book(1, new Map([['ES', { kind: 'future', multiplier: 0, margin: 1 }]]))).toThrow(
      /ES: multiplier must be a finite number > 0/,
    );
    expect(() => new Book(1, new Map([['ES', { kind: 'future', multiplier: 50, margin: Number.NaN }]]))).toThrow(
      /margin must be/,
    );
  });
});
