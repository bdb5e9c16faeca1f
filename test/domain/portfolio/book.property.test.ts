import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Book, type MutableClosedTrade } from '../../../src/domain/portfolio/book.ts';

/** One step of a random history: a fill or a new mark, on one of two symbols. */
const step = fc.oneof(
  fc.record({
    kind: fc.constant('fill' as const),
    symbol: fc.constantFrom('AAA', 'BBB'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    quantity: fc.integer({ min: 1, max: 500 }),
    price: fc.double({ min: 1, max: 1000, noNaN: true }),
    commission: fc.double({ min: 0, max: 20, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('mark' as const),
    symbol: fc.constantFrom('AAA', 'BBB'),
    price: fc.double({ min: 1, max: 1000, noNaN: true }),
  }),
);

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('Book accounting identities (fast-check)', () => {
  it('equity = cash0 + realized + unrealized − commission on open quantity, after every step', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const book = new Book(100_000);
        let bar = 0;
        for (const s of steps) {
          if (s.kind === 'mark') book.mark(s.symbol, s.price);
          else book.applyFill({ ...s, ts: bar, barIndex: bar, reason: 'signal' });
          bar++;
          const rhs = 100_000 + book.realizedPnl + book.unrealizedPnl() - book.openCommission();
          if (!close(book.equity(), rhs)) return false;
        }
        return true;
      }),
      { numRuns: 500, seed: 20261123 },
    );
  });

  it('each step changes equity by exactly the change in realized + unrealized − open commission', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 60 }), (steps) => {
        const book = new Book(50_000);
        const pnl = () => book.realizedPnl + book.unrealizedPnl() - book.openCommission();
        let bar = 0;
        for (const s of steps) {
          const [e0, p0] = [book.equity(), pnl()];
          if (s.kind === 'mark') book.mark(s.symbol, s.price);
          else book.applyFill({ ...s, ts: bar, barIndex: bar, reason: 'signal' });
          bar++;
          if (!close(book.equity() - e0, pnl() - p0)) return false;
        }
        return true;
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('with BBB a future (multiplier 50, margin 4000): the identity, equity = cash + posted margin after a mark, and flat cash = cash0 + realized', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const book = new Book(100_000, new Map([['BBB', { kind: 'future', multiplier: 50, margin: 4000 }]]));
        let bar = 0;
        for (const s of steps) {
          if (s.kind === 'mark') book.mark(s.symbol, s.price);
          else book.applyFill({ ...s, ts: bar, barIndex: bar, reason: 'signal' });
          bar++;
          const rhs = 100_000 + book.realizedPnl + book.unrealizedPnl() - book.openCommission();
          if (!close(book.equity(), rhs)) return false;
          if (book.position('AAA') === 0 && !close(book.equity(), book.cash + book.postedMargin())) return false;
          if (book.postedMargin() !== Math.abs(book.position('BBB')) * 4000) return false;
        }
        if (book.invested) return true;
        return close(book.cash, 100_000 + book.realizedPnl);
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });

  it('closed trades account for all realized P&L', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const book = new Book(100_000);
        let tradePnl = 0;
        let bar = 0;
        for (const s of steps) {
          if (s.kind === 'mark') book.mark(s.symbol, s.price);
          else for (const t of book.applyFill({ ...s, ts: bar, barIndex: bar, reason: 'signal' })) tradePnl += t.pnl;
          bar++;
        }
        return close(tradePnl, book.realizedPnl);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('applyFillInto books what applyFill books and writes the trade it returns into the one object it is given', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const instruments = new Map([['BBB', { kind: 'future' as const, multiplier: 50, margin: 4000 }]]);
        const fresh = new Book(100_000, instruments);
        const reused = new Book(100_000, instruments);
        const into = {} as MutableClosedTrade;
        let bar = 0;
        for (const s of steps) {
          if (s.kind === 'mark') {
            fresh.mark(s.symbol, s.price);
            reused.mark(s.symbol, s.price);
          } else {
            const fill = { ...s, ts: bar, barIndex: bar, reason: `r${bar}` };
            const trades = fresh.applyFill(fill);
            const closed = reused.applyFillInto(fill, into);
            if (closed !== (trades.length === 1) || trades.length > 1) return false;
            // Same fields, values and order: the fused loop copies them into TRADE events.
            if (closed && JSON.stringify(into) !== JSON.stringify(trades[0])) return false;
          }
          bar++;
          if (reused.cash !== fresh.cash || reused.equity() !== fresh.equity()) return false;
          if (reused.realizedPnl !== fresh.realizedPnl || reused.position('BBB') !== fresh.position('BBB'))
            return false;
        }
        return true;
      }),
      { numRuns: 500, seed: 20261208 },
    );
  });
});
