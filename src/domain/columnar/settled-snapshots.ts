/**
 * The fused book loop's snapshots (pass 3 of src/domain/columnar/fused-books.ts) for a
 * futures contract. A share's book changes cash only at its fills, so its snapshot at a
 * close is cash and position at the last fill, valued at that close. A future's book
 * settles its variation margin into cash at every close it holds a contract (`Book.mark`),
 * so its cash moves at every bar: here the snapshot takes cash and position at the last
 * fill (the Book's own numbers, which pass 2 records after the Book has been marked at the
 * fill's close) and settles each later close into it with the Book's own expression
 * (`variationMargin`), one bar after the other as the Book does, so the sums round alike;
 * its equity is that cash plus the margin posted (`settledFutureValue`), as `Book.equity()`
 * after a mark.
 *
 * The Book itself is marked at every close it holds a contract by the exit flow
 * (src/domain/columnar/fused-exit-flow.ts, which a futures book's orders go through), so
 * its cash is right wherever a fill, a margin check or a sizing reads it; pass 3 only
 * reproduces the cash between fills for the snapshots instead of recording it per bar.
 */
import { settledFutureValue, variationMargin } from '../portfolio/book.ts';
import type { FutureInstrument } from '../portfolio/instrument.ts';
import type { FusedBookSink } from './fused-order-flow.ts';

/** The chunk's fills as pass 2 recorded them, in bar order: row, book, and the book's cash and position after it. */
export interface ChunkChanges {
  readonly count: number;
  readonly bar: Int32Array;
  readonly book: Int32Array;
  readonly cash: Float64Array;
  readonly qty: Float64Array;
}

/**
 * The chunk's snapshots (the first `count`): the time and close of the bar each values,
 * and the row it is taken at (the row after that bar's: consecutive bars, one symbol).
 */
export interface ChunkSnapshots {
  readonly count: number;
  readonly ts: Float64Array;
  readonly close: Float64Array;
  readonly bar: Int32Array;
}

/** A futures book's snapshots, from its cash and position at its fills. */
export class SettledSnapshots {
  private readonly point: number;
  private readonly margin: number;
  /** By bar: the row of each book's last fill applied (-2: none in this chunk). */
  private changedAt = new Int32Array(0);

  constructor(instrument: FutureInstrument) {
    this.point = instrument.multiplier;
    this.margin = instrument.margin;
  }

  /** A settled book's equity with `cash` and `contracts`: what `Book.equity()` gives after a mark. */
  equity(cash: number, contracts: number): number {
    return cash + settledFutureValue(contracts, this.margin);
  }

  /**
   * Book after book, each book's snapshots of the chunk as columns (`equity`, `cashOut`,
   * `invested`: scratch of `snaps.count` rows at least), folded in one call. `cash` and
   * `qty` hold each book's state at the start of the chunk (settled at `closeBefore`, the
   * close of the bar before the chunk); `order[offsets[k]..offsets[k+1]]` are book k's
   * fills in `changes`, in bar order.
   */
  byBook(
    cash: Float64Array,
    qty: Float64Array,
    closeBefore: number,
    changes: ChunkChanges,
    offsets: Int32Array,
    order: Int32Array,
    snaps: ChunkSnapshots,
    out: { equity: Float64Array; cash: Float64Array; invested: Uint8Array },
    sinks: readonly FusedBookSink[],
  ): void {
    const m = snaps.count;
    if (m === 0) return;
    const { point, margin } = this;
    // Locals, not property reads in the loops: this runs per book per bar.
    const snapBar = snaps.bar;
    const snapClose = snaps.close;
    const changeBar = changes.bar;
    const changeCash = changes.cash;
    const changeQty = changes.qty;
    const equity = out.equity;
    const cashOut = out.cash;
    const invested = out.invested;
    for (let k = 0; k < sinks.length; k++) {
      let c = cash[k]!;
      let q = qty[k]!;
      let settled = closeBefore;
      let next = offsets[k]!;
      const end = offsets[k + 1]!;
      if (next === end && q === 0) {
        // Flat throughout: one state.
        equity.fill(c + settledFutureValue(0, margin), 0, m);
        cashOut.fill(c, 0, m);
        invested.fill(0, 0, m);
      } else {
        for (let j = 0; j < m; j++) {
          const b = snapBar[j]!;
          const p = snapClose[j]!;
          // A fill on the bar this snapshot values left the book's cash settled at its close.
          let fresh = false;
          while (next < end && changeBar[order[next]!]! < b) {
            const i = order[next++]!;
            c = changeCash[i]!;
            q = changeQty[i]!;
            fresh = changeBar[i] === b - 1;
          }
          // As Book.mark: only a held contract settles.
          if (!fresh && q !== 0) c += variationMargin(q, p, settled, point);
          settled = p;
          equity[j] = c + settledFutureValue(q, margin);
          cashOut[j] = c;
          invested[j] = q !== 0 ? 1 : 0;
        }
      }
      sinks[k]!.snapshots(snaps.ts, equity, cashOut, invested, m);
    }
  }

  /**
   * Bar after bar, every book at each bar (the per-event graph's order of snapshot rows).
   * `cash` and `qty` (each book's state at the start of the chunk, settled at
   * `closeBefore`) are advanced in place.
   */
  byBar(
    cash: Float64Array,
    qty: Float64Array,
    closeBefore: number,
    changes: ChunkChanges,
    snaps: ChunkSnapshots,
    sinks: readonly FusedBookSink[],
  ): void {
    const n = sinks.length;
    if (this.changedAt.length < n) this.changedAt = new Int32Array(n);
    const changedAt = this.changedAt;
    changedAt.fill(-2);
    const { point, margin } = this;
    let settled = closeBefore;
    let next = 0;
    for (let j = 0; j < snaps.count; j++) {
      const b = snaps.bar[j]!;
      const p = snaps.close[j]!;
      while (next < changes.count && changes.bar[next]! < b) {
        const k = changes.book[next]!;
        cash[k] = changes.cash[next]!;
        qty[k] = changes.qty[next]!;
        changedAt[k] = changes.bar[next]!;
        next++;
      }
      const t = snaps.ts[j]!;
      for (let k = 0; k < n; k++) {
        const q = qty[k]!;
        if (changedAt[k] !== b - 1 && q !== 0) cash[k]! += variationMargin(q, p, settled, point);
        const c = cash[k]!;
        sinks[k]!.snapshot(t, c + settledFutureValue(q, margin), c, q !== 0);
      }
      settled = p;
    }
  }
}
