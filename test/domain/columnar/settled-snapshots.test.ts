import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Book } from '../../../src/domain/portfolio/book.ts';
import type { FutureInstrument } from '../../../src/domain/portfolio/instrument.ts';
import { SettledSnapshots, type ChunkChanges } from '../../../src/domain/columnar/settled-snapshots.ts';
import type { FusedBookSink } from '../../../src/domain/columnar/fused-order-flow.ts';

const FUTURE: FutureInstrument = { kind: 'future', multiplier: 10, margin: 1500 };

/** A sink that keeps every snapshot it is given, in order (what a book's fold receives). */
class Recorded implements FusedBookSink {
  readonly rows: [number, number, number, boolean][] = [];
  readonly keepsTrades = false;
  snapshot(ts: number, equity: number, cash: number, invested: boolean): void {
    this.rows.push([ts, equity, cash, invested]);
  }
  snapshots(ts: Float64Array, equity: Float64Array, cash: Float64Array, invested: Uint8Array, count: number): void {
    for (let i = 0; i < count; i++) this.snapshot(ts[i]!, equity[i]!, cash[i]!, invested[i] === 1);
  }
  add(): undefined {
    return undefined;
  }
  foldTradeStats(): void {}
}

/**
 * Books traded bar by bar as the portfolio does (marked at each close, then that bar's
 * fill at its open), their snapshots taken from the Book; and the same chunk given to
 * SettledSnapshots as the fused loop gives it: cash and position after each fill only.
 */
function scenario(closes: number[], fills: { row: number; book: number; signed: number; price: number }[], n: number) {
  const books = Array.from({ length: n }, () => new Book(100_000, new Map([['ES', FUTURE]])));
  const expected = books.map((): [number, number, number, boolean][] => []);
  const change = { count: 0, bar: [] as number[], book: [] as number[], cash: [] as number[], qty: [] as number[] };
  for (let b = 0; b < closes.length; b++) {
    // The snapshot of the bar before, then the mark at this close, then this bar's fills.
    if (b > 0) books.forEach((book, k) => expected[k]!.push([b - 1, book.equity(), book.cash, book.invested]));
    for (const book of books) book.mark('ES', closes[b]!);
    for (const f of fills.filter((x) => x.row === b)) {
      const book = books[f.book]!;
      book.applyFill({
        symbol: 'ES',
        side: f.signed > 0 ? 'buy' : 'sell',
        quantity: Math.abs(f.signed),
        price: f.price,
        commission: 2 * Math.abs(f.signed),
        ts: b,
        barIndex: b,
        reason: 'signal',
      });
      change.bar.push(b);
      change.book.push(f.book);
      change.cash.push(book.cash);
      change.qty.push(book.position('ES'));
    }
  }
  const changes: ChunkChanges = {
    count: change.bar.length,
    bar: Int32Array.from(change.bar),
    book: Int32Array.from(change.book),
    cash: Float64Array.from(change.cash),
    qty: Float64Array.from(change.qty),
  };
  const m = closes.length - 1;
  const snaps = {
    count: m,
    ts: Float64Array.from({ length: m }, (_, j) => j),
    close: Float64Array.from({ length: m }, (_, j) => closes[j]!),
    bar: Int32Array.from({ length: m }, (_, j) => j + 1),
  };
  return { expected, changes, snaps };
}

const arbitrary = fc
  .record({
    closes: fc.array(fc.double({ min: 100, max: 600, noNaN: true }), { minLength: 2, maxLength: 60 }),
    n: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ closes, n }) =>
    fc.record({
      closes: fc.constant(closes),
      n: fc.constant(n),
      fills: fc.array(
        fc.record({
          row: fc.integer({ min: 1, max: closes.length - 1 }),
          book: fc.integer({ min: 0, max: n - 1 }),
          signed: fc.integer({ min: -5, max: 5 }).filter((q) => q !== 0),
          price: fc.double({ min: 100, max: 600, noNaN: true }),
        }),
        { maxLength: 12 },
      ),
    }),
  )
  .map(({ closes, n, fills }) => ({ closes, n, fills: fills.sort((a, b) => a.row - b.row) }));

describe('SettledSnapshots: a future’s snapshots from cash and position at its fills', () => {
  it('equal the Book’s own cash and equity at every close, bit for bit, book by book and bar by bar', () => {
    fc.assert(
      fc.property(arbitrary, ({ closes, n, fills }) => {
        const { expected, changes, snaps } = scenario(closes, fills, n);
        const settled = new SettledSnapshots(FUTURE);
        const start = () => ({ cash: new Float64Array(n).fill(100_000), qty: new Float64Array(n) });

        // Book after book: each book's fills grouped, in bar order.
        const byBook = Array.from({ length: n }, () => new Recorded());
        const order = Int32Array.from(
          [...Array(changes.count).keys()].sort((a, b) => changes.book[a]! - changes.book[b]! || a - b),
        );
        const offsets = new Int32Array(n + 1);
        for (let i = 0; i < changes.count; i++) offsets[changes.book[i]! + 1]!++;
        for (let k = 0; k < n; k++) offsets[k + 1]! += offsets[k]!;
        const s1 = start();
        const out = {
          equity: new Float64Array(snaps.count),
          cash: new Float64Array(snaps.count),
          invested: new Uint8Array(snaps.count),
        };
        settled.byBook(s1.cash, s1.qty, Number.NaN, changes, offsets, order, snaps, out, byBook);

        const byBar = Array.from({ length: n }, () => new Recorded());
        const s2 = start();
        settled.byBar(s2.cash, s2.qty, Number.NaN, changes, snaps, byBar);

        for (let k = 0; k < n; k++) {
          expect(byBook[k]!.rows).toEqual(expected[k]);
          expect(byBar[k]!.rows).toEqual(expected[k]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('settle the closes between fills: a held contract moves cash at every bar', () => {
    const closes = [100, 101, 103, 102, 106];
    const { expected, changes, snaps } = scenario(closes, [{ row: 1, book: 0, signed: 2, price: 100.5 }], 1);
    const rec = new Recorded();
    new SettledSnapshots(FUTURE).byBar(Float64Array.of(100_000), new Float64Array(1), Number.NaN, changes, snaps, [
      rec,
    ]);
    expect(rec.rows).toEqual(expected[0]);
    // Bought 2 at 100.5, marked at 101: margin 3,000 and commission 4 out, +0.5 × 10 × 2 in.
    expect(rec.rows[1]).toEqual([1, 100_000 - 4 + 10, 100_000 - 3000 - 4 + 10, true]);
    // Then +2 × 10 × 2 = +40, −1 × 10 × 2 = −20: cash moves at every close.
    expect(rec.rows[2]![2]).toBe(rec.rows[1]![2] + 40);
    expect(rec.rows[3]![2]).toBe(rec.rows[2]![2] - 20);
  });
});
