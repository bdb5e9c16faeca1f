import { mulberry32 } from '../../helpers/prng.ts';
import { describe, expect, it } from 'vitest';
import { Book } from '../../../src/domain/portfolio/book.ts';
import type { BookFill, ClosedTrade } from '../../../src/domain/portfolio/book.ts';

/** A fill with defaults for the fields a test does not care about. */
function fill(f: Partial<BookFill> & Pick<BookFill, 'side' | 'quantity' | 'price'>): BookFill {
  return { symbol: 'AAA', commission: 0, ts: 0, barIndex: 0, reason: 'signal', ...f };
}

function only(trades: readonly ClosedTrade[]): ClosedTrade {
  expect(trades).toHaveLength(1);
  return trades[0] as ClosedTrade;
}

describe('Book — hand-worked accounting', () => {
  it('starts flat with equity = initial cash', () => {
    const book = new Book(10_000);
    expect(book.cash).toBe(10_000);
    expect(book.equity()).toBe(10_000);
    expect(book.invested).toBe(false);
    expect(book.position('AAA')).toBe(0);
    expect(book.avgPrice('AAA')).toBe(0);
    expect(book.grossExposure()).toBe(0);
    expect(book.unrealizedPnl()).toBe(0);
  });

  it('long round trip: cash, marks, trade record', () => {
    const book = new Book(10_000);
    const opened = book.applyFill(
      fill({ side: 'buy', quantity: 100, price: 10, commission: 1, ts: 1000, barIndex: 0 }),
    );
    expect(opened).toHaveLength(0);
    // cash = 10000 − 100 × 10 − 1 = 8999
    expect(book.cash).toBe(8999);
    expect(book.position('AAA')).toBe(100);
    expect(book.avgPrice('AAA')).toBe(10);
    expect(book.invested).toBe(true);

    book.mark('AAA', 11);
    // equity = 8999 + 100 × 11 = 10099; unrealized = 100 × (11 − 10) = 100
    expect(book.equity()).toBeCloseTo(10_099, 9);
    expect(book.unrealizedPnl()).toBeCloseTo(100, 9);
    expect(book.grossExposure()).toBeCloseTo(1100, 9);
    expect(book.openCommission()).toBe(1);
    // identity: 10000 + 0 + 100 − 1 = 10099
    expect(book.initialCash + book.realizedPnl + book.unrealizedPnl() - book.openCommission()).toBeCloseTo(10_099, 9);

    const t = only(
      book.applyFill(
        fill({ side: 'sell', quantity: 100, price: 12, commission: 2, ts: 5000, barIndex: 4, reason: 'exit' }),
      ),
    );
    expect(t).toEqual({
      symbol: 'AAA',
      direction: 'long',
      quantity: 100,
      entryTs: 1000,
      entryPrice: 10,
      exitTs: 5000,
      exitPrice: 12,
      grossPnl: 200, // 100 × (12 − 10)
      commission: 3, // entry 1 + exit 2
      pnl: 197, // 200 − 3
      returnPct: 0.197, // 197 / (100 × 10)
      barsHeld: 4, // 4 − 0
      exitReason: 'exit',
    });
    // cash = 8999 + 100 × 12 − 2 = 10197 = 10000 + 197
    expect(book.cash).toBe(10_197);
    expect(book.realizedPnl).toBe(197);
    expect(book.totalCommission).toBe(3);
    expect(book.equity()).toBe(10_197);
    expect(book.position('AAA')).toBe(0);
    expect(book.avgPrice('AAA')).toBe(0);
    expect(book.invested).toBe(false);
    expect(book.openCommission()).toBe(0);
  });

  it('adding averages the price and keeps the first entry; partial close is pro rata', () => {
    const book = new Book(10_000);
    book.applyFill(fill({ side: 'buy', quantity: 100, price: 10, commission: 1, ts: 100, barIndex: 1 }));
    book.applyFill(fill({ side: 'buy', quantity: 50, price: 13, commission: 0.5, ts: 200, barIndex: 2 }));
    // avg = (100 × 10 + 50 × 13) / 150 = 1650 / 150 = 11
    expect(book.avgPrice('AAA')).toBeCloseTo(11, 12);
    expect(book.position('AAA')).toBe(150);

    const t = only(
      book.applyFill(fill({ side: 'sell', quantity: 60, price: 12, commission: 0.6, ts: 300, barIndex: 7 })),
    );
    expect(t.direction).toBe('long');
    expect(t.quantity).toBe(60);
    expect(t.entryTs).toBe(100); // the first entry, not the addition
    expect(t.barsHeld).toBe(6); // 7 − 1
    expect(t.entryPrice).toBeCloseTo(11, 12);
    expect(t.grossPnl).toBeCloseTo(60, 9); // 60 × (12 − 11)
    // entry commission 1.5 × 60/150 = 0.6, plus the whole exit commission 0.6
    expect(t.commission).toBeCloseTo(1.2, 12);
    expect(t.pnl).toBeCloseTo(58.8, 9);
    expect(t.returnPct).toBeCloseTo(58.8 / 660, 12); // 60 × 11 = 660

    expect(book.position('AAA')).toBe(90);
    expect(book.avgPrice('AAA')).toBeCloseTo(11, 12);
    expect(book.openCommission()).toBeCloseTo(0.9, 12); // 1.5 − 0.6
    // cash = 10000 − 1001 − 650.5 + 720 − 0.6 = 9067.9
    expect(book.cash).toBeCloseTo(9067.9, 9);
    book.mark('AAA', 12);
    // equity = 9067.9 + 90 × 12 = 10147.9 = 10000 + 58.8 + 90 × (12 − 11) − 0.9
    expect(book.equity()).toBeCloseTo(10_147.9, 9);
  });

  it('a fill through zero closes the long and opens a short with the remaining commission', () => {
    const book = new Book(10_000);
    book.applyFill(fill({ side: 'buy', quantity: 100, price: 10, commission: 1, ts: 0, barIndex: 0 }));
    const t = only(
      book.applyFill(fill({ side: 'sell', quantity: 150, price: 8, commission: 3, ts: 200, barIndex: 2 })),
    );
    expect(t.direction).toBe('long');
    expect(t.quantity).toBe(100);
    expect(t.grossPnl).toBe(-200); // 100 × (8 − 10)
    expect(t.commission).toBe(3); // entry 1 + exit 3 × 100/150 = 2
    expect(t.pnl).toBe(-203);
    expect(t.returnPct).toBeCloseTo(-0.203, 12); // −203 / 1000

    expect(book.position('AAA')).toBe(-50);
    expect(book.avgPrice('AAA')).toBe(8);
    expect(book.openCommission()).toBe(1); // 3 × 50/150
    // cash = 10000 − 1001 + 1200 − 3 = 10196
    expect(book.cash).toBe(10_196);
    book.mark('AAA', 8);
    // equity = 10196 − 50 × 8 = 9796 = 10000 − 203 + 0 − 1
    expect(book.equity()).toBe(9796);

    const s = only(
      book.applyFill(
        fill({ side: 'buy', quantity: 50, price: 6, commission: 0.5, ts: 500, barIndex: 5, reason: 'end_of_data' }),
      ),
    );
    expect(s.direction).toBe('short');
    expect(s.entryTs).toBe(200); // the reversal fill opened it
    expect(s.entryPrice).toBe(8);
    expect(s.grossPnl).toBe(100); // 50 × (6 − 8) × −1
    expect(s.commission).toBe(1.5); // 1 + 0.5
    expect(s.pnl).toBe(98.5);
    expect(s.returnPct).toBeCloseTo(0.24625, 12); // 98.5 / (50 × 8)
    expect(s.barsHeld).toBe(3); // 5 − 2
    expect(s.exitReason).toBe('end_of_data');
    expect(book.realizedPnl).toBe(-104.5); // −203 + 98.5
    // cash = 10196 − 300 − 0.5 = 9895.5 = 10000 − 104.5
    expect(book.cash).toBe(9895.5);
    expect(book.equity()).toBe(9895.5);
  });

  it('short sales add cash; equity carries the liability at the mark', () => {
    const book = new Book(10_000);
    book.applyFill(fill({ side: 'sell', quantity: 10, price: 50 }));
    expect(book.cash).toBe(10_500); // 10000 + 10 × 50
    expect(book.position('AAA')).toBe(-10);
    book.mark('AAA', 55);
    expect(book.equity()).toBe(9950); // 10500 − 10 × 55
    expect(book.grossExposure()).toBe(550);
    expect(book.unrealizedPnl()).toBe(-50); // −10 × (55 − 50)
  });

  it('sums exposure across symbols; marks of flat symbols change nothing', () => {
    const book = new Book(10_000);
    book.applyFill(fill({ symbol: 'AAA', side: 'buy', quantity: 10, price: 100 }));
    book.applyFill(fill({ symbol: 'BBB', side: 'sell', quantity: 20, price: 50 }));
    // cash = 10000 − 1000 + 1000; equity = 10000 + 1000 − 1000
    expect(book.cash).toBe(10_000);
    expect(book.equity()).toBe(10_000);
    expect(book.grossExposure()).toBe(2000); // |10 × 100| + |−20 × 50|
    book.mark('AAA', 110);
    book.mark('BBB', 40);
    // equity = 10000 + 1100 − 800 = 10300; unrealized = 10 × 10 + (−20) × (−10) = 300
    expect(book.equity()).toBe(10_300);
    expect(book.unrealizedPnl()).toBe(300);
    expect(book.grossExposure()).toBe(1900);
    book.mark('CCC', 1234);
    expect(book.equity()).toBe(10_300);
    // close AAA, the other position stays in the sums
    book.applyFill(fill({ symbol: 'AAA', side: 'sell', quantity: 10, price: 110 }));
    expect(book.grossExposure()).toBe(800);
    expect(book.equity()).toBe(10_300);
    expect(book.invested).toBe(true);
  });

  it('returns one shared empty array when nothing closes', () => {
    const book = new Book(1000);
    const a = book.applyFill(fill({ side: 'buy', quantity: 1, price: 10 }));
    const b = book.applyFill(fill({ side: 'buy', quantity: 1, price: 10 }));
    expect(a).toHaveLength(0);
    expect(a).toBe(b);
  });

  it('takes the fill price as the mark of a symbol never marked', () => {
    const book = new Book(1000);
    book.applyFill(fill({ side: 'buy', quantity: 10, price: 20, commission: 1 }));
    expect(book.lastPrice('AAA')).toBe(20);
    expect(book.equity()).toBe(999); // 1000 − 200 − 1 + 200
    book.mark('AAA', 25);
    book.applyFill(fill({ side: 'buy', quantity: 10, price: 30 }));
    expect(book.lastPrice('AAA')).toBe(25); // a fill does not override a market mark
  });

  it('rejects impossible fills', () => {
    const book = new Book(1000);
    expect(() => book.applyFill(fill({ side: 'buy', quantity: 0, price: 10 }))).toThrow(RangeError);
    expect(() => book.applyFill(fill({ side: 'buy', quantity: 1, price: -1 }))).toThrow(RangeError);
    expect(() => book.applyFill(fill({ side: 'buy', quantity: 1, price: 10, commission: -1 }))).toThrow(RangeError);
    expect(() => book.applyFill(fill({ side: 'buy', quantity: Number.NaN, price: 10 }))).toThrow(RangeError);
    expect(book.cash).toBe(1000);
  });
});

describe('Book — accounting identity over random fill sequences', () => {
  /*
   * The test keeps its own ledger, independent of Book: cash moves by −(signed qty × price
   * + commission) per fill, positions by the signed quantity, marks as set. From it:
   *   equity = cash + Σ position × mark                                  (definition)
   * and Book must satisfy, at every step,
   *   equity = initialCash + realizedPnl + unrealizedPnl − openCommission  (identity)
   *   Σ trade.pnl = realizedPnl,  Σ trade.commission + openCommission = Σ fill commissions
   *   Δequity = Δ(realizedPnl + unrealizedPnl − openCommission)
   */
  const SYMBOLS = ['AAA', 'BBB'] as const;
  const TOL = 1e-6;

  /** expect() per step is slow over 50k steps; only a failure goes through it. */
  function near(what: string, actual: number, expected: number): void {
    if (!(Math.abs(actual - expected) < TOL)) expect.fail(`${what}: ${actual} vs ${expected}`);
  }

  it.each([1, 2, 3, 42, 1234, 99_991])('seed %i: 300 sequences × 80 steps', (seed) => {
    const rnd = mulberry32(seed);
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    for (let run = 0; run < 300; run++) {
      const initial = int(1_000, 1_000_000);
      const book = new Book(initial);
      let cash = initial;
      let commissions = 0;
      let tradePnl = 0;
      let tradeCommission = 0;
      const pos = new Map<string, number>();
      const mark = new Map<string, number>();
      for (const s of SYMBOLS) {
        const p = int(500, 20_000) / 100;
        mark.set(s, p);
        pos.set(s, 0);
        book.mark(s, p);
      }
      let prevEquity = book.equity();
      let prevDecomp = book.realizedPnl + book.unrealizedPnl() - book.openCommission();

      for (let step = 0; step < 80; step++) {
        const symbol = SYMBOLS[int(0, 1)] as string;
        const held = pos.get(symbol) ?? 0;
        if (rnd() < 0.35) {
          // Random walk of the mark.
          const p = Math.max(0.5, (mark.get(symbol) ?? 1) * (1 + (rnd() - 0.5) * 0.1));
          mark.set(symbol, p);
          book.mark(symbol, p);
        } else {
          const side = rnd() < 0.5 ? 'buy' : 'sell';
          // Mix exact closes, reversals and arbitrary sizes.
          const pick = rnd();
          let quantity =
            pick < 0.15 && held !== 0 ? Math.abs(held) : pick < 0.3 && held !== 0 ? 2 * Math.abs(held) : int(1, 300);
          if (rnd() < 0.05) quantity += 0.5; // the occasional fractional share
          const price = Math.max(0.5, (mark.get(symbol) ?? 1) * (1 + (rnd() - 0.5) * 0.02));
          const commission = rnd() < 0.2 ? 0 : int(0, 500) / 100;
          const sign = side === 'buy' ? 1 : -1;
          const trades = book.applyFill({
            symbol,
            side,
            quantity,
            price,
            commission,
            ts: step,
            barIndex: step,
            reason: 'r',
          });
          cash -= sign * quantity * price + commission;
          commissions += commission;
          pos.set(symbol, held + sign * quantity);
          // A fill may close at most one trade, and only when it goes against the position.
          near('trade count', trades.length, held !== 0 && Math.sign(held) !== sign ? 1 : 0);
          for (const t of trades) {
            near('closed quantity', t.quantity, Math.min(quantity, Math.abs(held)));
            if (t.direction !== (held > 0 ? 'long' : 'short')) expect.fail(`direction ${t.direction} for ${held}`);
            near('pnl = gross − commission', t.pnl, t.grossPnl - t.commission);
            if (!(t.commission >= 0)) expect.fail(`negative trade commission ${t.commission}`);
            tradePnl += t.pnl;
            tradeCommission += t.commission;
          }
        }

        let value = 0;
        let gross = 0;
        for (const s of SYMBOLS) {
          const v = (pos.get(s) ?? 0) * (mark.get(s) ?? 0);
          value += v;
          gross += Math.abs(v);
          near(`position ${s}`, book.position(s), pos.get(s) ?? 0);
        }
        const equity = book.equity();
        const decomp = book.realizedPnl + book.unrealizedPnl() - book.openCommission();
        near('cash', book.cash, cash);
        near('equity = cash + Σ qty × mark', equity, cash + value);
        near('gross exposure', book.grossExposure(), gross);
        near('identity', equity, initial + decomp);
        near('Δequity = Δdecomposition', equity - prevEquity, decomp - prevDecomp);
        near('Σ trade pnl = realized', book.realizedPnl, tradePnl);
        near('total commission', book.totalCommission, commissions);
        near('trade + open commission = paid', tradeCommission + book.openCommission(), commissions);
        if (book.invested !== SYMBOLS.some((s) => (pos.get(s) ?? 0) !== 0))
          expect.fail(`invested flag at step ${step}`);
        prevEquity = equity;
        prevDecomp = decomp;
      }
    }
  });
});
