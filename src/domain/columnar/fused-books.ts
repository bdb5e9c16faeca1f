/**
 * The fused book loop: portfolio → risk → execution → fill for every book of a graph,
 * walked over a chunk of one symbol's bars at once, with the per-bar state of the books
 * held as struct-of-arrays typed arrays (cash, position, the strategy's last direction,
 * whether an order waits for the next open).
 *
 * It computes exactly what the per-event graph computes (src/containers/portfolio.ts,
 * risk.ts, execution.ts with the simulated broker) for the configurations the compiler
 * lets it run (src/topology/fused-graph.ts): one symbol, market orders filled at the
 * next open (or at once at the signal bar's close, `fill: close`), a cash account, any
 * sizing (the feature a sizing reads comes as a column: its value at the signal bar).
 * With the risk block's exit rules, a margin account or a volume cap (either fill mode) the orders
 * go through the simulated broker with each book's exit rules and margin calls instead
 * (src/domain/columnar/fused-exit-flow.ts), on the bars where a book holds a position or
 * has an order at the broker. Only what happens on every bar is rewritten as a loop
 * (marking, the snapshot folded into the book's metrics, looking at the signal column);
 * what happens on a signal or a fill, which is rare, goes through the same domain
 * functions the containers call, in the same order, so the numbers and the ids come out
 * the same (src/domain/columnar/fused-order-flow.ts).
 *
 * Per bar the per-event graph does, for all books: the snapshot of the previous bar,
 * then the fills at this bar's open (in the order the orders were sent), then the
 * strategies' signals and the orders they cause. Ids (trades, orders) and the rows of the
 * shared result files follow that order; this loop keeps it by walking the books in
 * their order and doing, per book, snapshot → fill → signal, which allocates the same ids
 * in the same order (fills only allocate trade ids, signals only signal and order ids).
 * The one bar where that would differ, the first bar of trading after a warm-up (whose
 * orders are sent before any fill), gets a pass of its own first.
 */
import { NO_DECISION } from '../strategies/strategy.ts';
import type { Book } from '../portfolio/book.ts';
import {
  FusedOrderFlow,
  type At,
  type FusedBookCounts,
  type FusedBookSink,
  type FusedBooksOptions,
  type FusedIds,
} from './fused-order-flow.ts';
import { FusedExitFlow, type BarBefore } from './fused-exit-flow.ts';
import { SettledSnapshots, type ChunkChanges } from './settled-snapshots.ts';

/** A bar slot before any bar: rewritten field by field as the loop walks (no object per bar). */
function noBar(): At {
  return { seq: -1, ts: Number.NaN, index: -1, close: Number.NaN, volume: Number.NaN, feature: Number.NaN };
}

export type { FusedBookCounts, FusedBookSink, FusedBooksOptions, FusedIds };

/** A chunk of one symbol's bars as columns, with its run-wide numbering. */
export interface FusedChunk {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** `seq` of row 0 (run-wide bar number); row b has `seq0 + b`. */
  readonly seq0: number;
  /** Index of row 0 in the symbol's series; row b has `index0 + b`. */
  readonly index0: number;
  /** The sizing feature's column (`FusedBooksOptions.sizingInputs`), when the sizing reads one. */
  readonly feature?: Float64Array | undefined;
}

/**
 * The books of one graph, fused. `runChunk` per chunk, `finish` at the end of the data;
 * counters and books are read for the results files afterwards.
 */
export class FusedBooks {
  /** Per book: the strategy's signals (the strategy container's count). */
  readonly strategySignals: Int32Array;
  /** What happens on a signal or a fill: orders, risk, the broker, the books. */
  readonly orders: FusedOrderFlow;
  /**
   * The same object as `orders` when the risk block has exit rules or the account is a
   * margin account (orders through the simulated broker).
   */
  readonly exitFlow: FusedExitFlow | undefined;

  private readonly n: number;
  /** The order flow's mirrors of each book's cash and position, refreshed after every fill. */
  private readonly cash: Float64Array;
  private readonly qty: Float64Array;
  /** The strategy's last emitted direction (a SIGNAL goes out only when it changes). */
  private readonly direction: Int8Array;
  /** Cash and position at the start of the chunk (pass 3 starts from them). */
  private readonly cashStart: Float64Array;
  private readonly qtyStart: Float64Array;
  /** Scratch of the passes, grown with the longest chunk. */
  private byBar = new Int32Array(0);
  private fillAt = new Int32Array(0);
  private eventBook = new Int32Array(0);
  /**
   * Pass 3's columns: the chunk's snapshots (pass 2 finds them: the time and close of the
   * bar each closes, and the row it is taken at), and one book's values at them.
   */
  private snapTs = new Float64Array(0);
  private snapClose = new Float64Array(0);
  private snapBar = new Int32Array(0);
  private snapEquity = new Float64Array(0);
  private snapCash = new Float64Array(0);
  private snapInvested = new Uint8Array(0);
  /** The chunk's fills: row, book, and the book's cash and position after it. */
  private changes = 0;
  private changeBar = new Int32Array(64);
  private changeBook = new Int32Array(64);
  private changeCash = new Float64Array(64);
  private changeQty = new Float64Array(64);
  private changeOrder = new Int32Array(0);
  private readonly bookOffsets: Int32Array;
  private readonly bookCursor: Int32Array;
  /** During the warm-up: the last direction each strategy signalled (NO_DECISION: none). */
  private readonly held: Int8Array;
  /** ...and the id of that signal. */
  private readonly heldId: Float64Array;
  private warming: boolean;
  private lastSeq = -1;
  /** `seq` of the current chunk's row 0. */
  private seq0 = 0;
  private lastTs = Number.NaN;
  private readonly last: At = noBar();
  private readonly at: At = noBar();
  /**
   * The bar before `at` (the exit flow's margin check and drawdown halt read it when `at`
   * closes its snapshot; with fill: close, orders of that bar fill at its close).
   */
  private readonly prev: { -readonly [K in keyof BarBefore]: BarBefore[K] } = {
    seq: -1,
    ts: Number.NaN,
    index: -1,
    close: Number.NaN,
    volume: Number.NaN,
  };
  /** A futures contract's snapshots (its cash settles at every close); undefined for a share. */
  private readonly settled: SettledSnapshots | undefined;
  /** The close of the bar before the current chunk (a future's cash at the chunk's start is settled there). */
  private closeBefore = Number.NaN;

  /**
   * @param orderedSnapshots fold snapshots bar after bar across books, as the per-event
   *   graph emits them: needed when their rows go to one shared file (equity.ndjson).
   */
  constructor(
    private readonly opts: FusedBooksOptions,
    private readonly sinks: readonly FusedBookSink[],
    private readonly ids: FusedIds,
    private readonly orderedSnapshots = true,
  ) {
    const n = opts.keys.length;
    this.n = n;
    this.exitFlow = opts.exits === undefined ? undefined : new FusedExitFlow(opts, sinks, ids, opts.exits);
    this.orders = this.exitFlow ?? new FusedOrderFlow(opts, sinks, ids);
    this.strategySignals = new Int32Array(n);
    this.cash = this.orders.cash;
    this.qty = this.orders.qty;
    this.cashStart = new Float64Array(n);
    this.qtyStart = new Float64Array(n);
    this.bookOffsets = new Int32Array(n + 1);
    this.bookCursor = new Int32Array(n);
    this.direction = new Int8Array(n);
    this.held = new Int8Array(n).fill(NO_DECISION);
    this.heldId = new Float64Array(n);
    this.warming = opts.tradeFrom > Number.NEGATIVE_INFINITY;
    const instrument = opts.funds.instrument(opts.symbol);
    this.settled = instrument.kind === 'future' ? new SettledSnapshots(instrument) : undefined;
  }

  /** The books, and the counters of the portfolio, risk and execution containers (results). */
  get books(): readonly Book[] {
    return this.orders.books;
  }
  get counts(): readonly FusedBookCounts[] {
    return this.orders.counts;
  }
  get risk(): FusedOrderFlow['risk'] {
    return this.orders.risk;
  }
  get execution(): FusedOrderFlow['execution'] {
    return this.orders.execution;
  }

  /** The last bar seen (seq, ts, index, close), undefined before the first. */
  get lastBar(): Readonly<At> | undefined {
    return this.lastSeq < 0 ? undefined : this.last;
  }

  /**
   * Walks one chunk: `signals[k][b]` is book k's strategy decision at row b (a direction,
   * or NO_DECISION while it has none).
   *
   * Three passes, each in the order that keeps the per-event graph's results:
   *
   * 1. per book, the bars where its strategy changes its mind (a SIGNAL), found by
   *    scanning its column; then sorted by bar, books in order within a bar;
   * 2. per bar, what happens: the first bar of trading (warm-up over), the fills of the
   *    orders at the broker (in the order they were sent), then the signals (in book
   *    order). Fills allocate trade ids and signals order ids, so doing all fills before
   *    all signals of a bar allocates them as the graph does. Each fill records the
   *    book's new cash and position;
   * 3. the snapshots: at every bar the state each book had after the bar before (cash,
   *    position at its close), folded per book (or per bar, book after book, when the
   *    equity rows go to a shared file and their order shows).
   */
  runChunk(chunk: FusedChunk, signals: readonly Int8Array[]): void {
    const { ts, close, seq0, index0 } = chunk;
    const len = chunk.length;
    const n = this.n;
    this.cashStart.set(this.cash);
    this.qtyStart.set(this.qty);
    this.changes = 0;
    this.seq0 = seq0;
    this.closeBefore = this.last.close;

    // 1. signal changes, counting-sorted by bar (stable: book order within a bar)
    const byBar = this.grow(len);
    const direction = this.direction;
    let events = 0;
    for (let k = 0; k < n; k++) {
      const col = signals[k]!;
      let dir = direction[k]!;
      for (let b = 0; b < len; b++) {
        const d = col[b]!;
        if (d === NO_DECISION || d === dir) continue;
        dir = d;
        byBar[b]!++;
        events++;
      }
    }
    let total = 0;
    for (let b = 0; b < len; b++) {
      const c = byBar[b]!;
      byBar[b] = total;
      total += c;
    }
    byBar[len] = total;
    if (this.eventBook.length < events) this.eventBook = new Int32Array(events * 2);
    const eventBook = this.eventBook;
    const fillAt = this.fillAt;
    fillAt.set(byBar.subarray(0, len + 1));
    for (let k = 0; k < n; k++) {
      const col = signals[k]!;
      let dir = direction[k]!;
      for (let b = 0; b < len; b++) {
        const d = col[b]!;
        if (d === NO_DECISION || d === dir) continue;
        dir = d;
        eventBook[fillAt[b]!++] = k;
      }
    }

    // 2. bar by bar: the snapshot the bar closes (of the bar before, for pass 3), the
    // warm-up's end, fills at the open, signals at the close. What every bar needs stays in
    // locals; the bar objects (`at`, this bar; `last`, the one before) are filled in only
    // where something happens, which is rare, and `last` at the end of the chunk.
    const at = this.at;
    const last = this.last;
    const tradeFrom = this.opts.tradeFrom;
    const { snapTs, snapClose, snapBar } = this;
    let snaps = 0;
    const { open, volume, feature } = chunk;
    const exitFlow = this.exitFlow;
    let lastSeq = this.lastSeq;
    let lastTs = this.lastTs;
    let lastClose = last.close;
    for (let b = 0; b < len; b++) {
      const t = ts[b]!;
      const snapshot = t !== lastTs && lastSeq >= 0 && lastTs >= tradeFrom;
      if (snapshot) {
        snapTs[snaps] = lastTs;
        snapClose[snaps] = lastClose;
        snapBar[snaps++] = b;
      }
      const begins = this.warming && t >= tradeFrom;
      const first = byBar[b]!;
      const end = byBar[b + 1]!;
      if (begins || first !== end || this.orders.waitingCount > 0 || (exitFlow !== undefined && exitFlow.busy)) {
        at.seq = seq0 + b;
        at.ts = t;
        at.index = index0 + b;
        at.close = close[b]!;
        at.volume = volume[b]!;
        at.feature = feature === undefined ? Number.NaN : feature[b]!;
        if (begins) {
          // The warm-up's last bar is the one before this: `last`, as of this bar.
          if (b > 0)
            this.setLast(
              seq0 + b - 1,
              ts[b - 1]!,
              index0 + b - 1,
              close[b - 1]!,
              volume[b - 1]!,
              feature === undefined ? Number.NaN : feature[b - 1]!,
            );
          if (exitFlow === undefined) this.beginTrading();
        }
        if (exitFlow !== undefined) {
          const prev = this.prev;
          prev.seq = lastSeq;
          prev.ts = lastTs;
          prev.close = lastClose;
          prev.index = b > 0 ? index0 + b - 1 : last.index;
          prev.volume = b > 0 ? volume[b - 1]! : last.volume;
          const before = lastSeq >= 0 ? prev : undefined;
          this.exitBar(
            exitFlow,
            b,
            open[b]!,
            chunk.high[b]!,
            chunk.low[b]!,
            begins,
            snapshot ? before : undefined,
            before,
          );
        } else if (this.orders.waitingCount > 0) this.fillWaiting(b, open[b]!);
        for (let e = first; e < end; e++) {
          const k = eventBook[e]!;
          this.signal(k, signals[k]![b]! as -1 | 0 | 1);
        }
      }
      lastSeq = seq0 + b;
      lastTs = t;
      lastClose = close[b]!;
    }
    if (len > 0) {
      this.lastSeq = lastSeq;
      this.lastTs = lastTs;
      this.setLast(
        lastSeq,
        lastTs,
        index0 + len - 1,
        lastClose,
        volume[len - 1]!,
        feature === undefined ? Number.NaN : feature[len - 1]!,
      );
    }

    // 3. snapshots
    if (this.orderedSnapshots) this.snapshotsByBar(snaps);
    else this.snapshotsByBook(snaps);
  }

  /** The last bar seen (`last`), field by field. */
  private setLast(seq: number, ts: number, index: number, close: number, volume: number, feature: number): void {
    const last = this.last;
    last.feature = feature;
    last.seq = seq;
    last.ts = ts;
    last.index = index;
    last.close = close;
    last.volume = volume;
  }

  /** Pass 3, book after book: each book's `m` snapshots of the chunk as columns, folded in one call. */
  private snapshotsByBook(m: number): void {
    const { snapTs, snapClose, snapBar, sinks } = this;
    if (m === 0 && this.changes === 0) return;
    if (this.settled !== undefined) {
      const offsets = this.changesPerBook();
      const out = { equity: this.snapEquity, cash: this.snapCash, invested: this.snapInvested };
      const snaps = { count: m, ts: snapTs, close: snapClose, bar: snapBar };
      this.settled.byBook(
        this.cashStart,
        this.qtyStart,
        this.closeBefore,
        this.chunkChanges(),
        offsets,
        this.changeOrder,
        snaps,
        out,
        sinks,
      );
      return;
    }
    const equity = this.snapEquity;
    const cash = this.snapCash;
    const invested = this.snapInvested;
    // The fills of the chunk, grouped by book (stable: in bar order within a book).
    const perBook = this.changesPerBook();
    const order = this.changeOrder;
    for (let k = 0; k < this.n; k++) {
      let c = this.cashStart[k]!;
      let q = this.qtyStart[k]!;
      let next = perBook[k]!;
      const end = perBook[k + 1]!;
      if (next === end) {
        // No fill in the chunk: one state throughout.
        const inv = q !== 0 ? 1 : 0;
        for (let j = 0; j < m; j++) equity[j] = c + q * snapClose[j]!;
        cash.fill(c, 0, m);
        invested.fill(inv, 0, m);
      } else {
        // A snapshot at bar b shows the state after every fill before b.
        for (let j = 0; j < m; j++) {
          const b = snapBar[j]!;
          while (next < end && this.changeBar[order[next]!]! < b) {
            const i = order[next++]!;
            c = this.changeCash[i]!;
            q = this.changeQty[i]!;
          }
          equity[j] = c + q * snapClose[j]!;
          cash[j] = c;
          invested[j] = q !== 0 ? 1 : 0;
        }
      }
      if (m > 0) sinks[k]!.snapshots(snapTs, equity, cash, invested, m);
    }
  }

  /** Pass 3, bar after bar, every book at each bar: the order of the per-event graph's snapshot rows. */
  private snapshotsByBar(m: number): void {
    const { snapTs, snapClose, snapBar, sinks } = this;
    if (this.settled !== undefined) {
      const snaps = { count: m, ts: snapTs, close: snapClose, bar: snapBar };
      this.settled.byBar(this.cashStart, this.qtyStart, this.closeBefore, this.chunkChanges(), snaps, sinks);
      return;
    }
    const c = this.cashStart;
    const q = this.qtyStart;
    let next = 0;
    for (let j = 0; j < m; j++) {
      // A snapshot at bar b shows the state after every fill before b.
      const b = snapBar[j]!;
      while (next < this.changes && this.changeBar[next]! < b) {
        const k = this.changeBook[next]!;
        c[k] = this.changeCash[next]!;
        q[k] = this.changeQty[next]!;
        next++;
      }
      const t = snapTs[j]!;
      const p = snapClose[j]!;
      for (let k = 0; k < this.n; k++) sinks[k]!.snapshot(t, c[k]! + q[k]! * p, c[k]!, q[k]! !== 0);
    }
  }

  /** The chunk's fills (pass 2's record), as the futures snapshots read them. */
  private chunkChanges(): ChunkChanges {
    return {
      count: this.changes,
      bar: this.changeBar,
      book: this.changeBook,
      cash: this.changeCash,
      qty: this.changeQty,
    };
  }

  /** Offsets into `changeOrder` per book (k's fills are changeOrder[off[k]..off[k+1]]), stable in bar order. */
  private changesPerBook(): Int32Array {
    const off = this.bookOffsets;
    off.fill(0);
    const m = this.changes;
    for (let i = 0; i < m; i++) off[this.changeBook[i]! + 1]!++;
    for (let k = 0; k < this.n; k++) off[k + 1]! += off[k]!;
    if (this.changeOrder.length < m) this.changeOrder = new Int32Array(m * 2);
    const cursor = this.bookCursor;
    cursor.set(off.subarray(0, this.n));
    for (let i = 0; i < m; i++) this.changeOrder[cursor[this.changeBook[i]!]!++] = i;
    return off;
  }

  /** The per-bar scratch columns, for chunks of up to `len` rows; returns the zeroed per-bar event counts. */
  private grow(len: number): Int32Array {
    if (this.byBar.length < len + 1) {
      this.byBar = new Int32Array(len + 1);
      this.fillAt = new Int32Array(len + 1);
      this.snapTs = new Float64Array(len);
      this.snapClose = new Float64Array(len);
      this.snapBar = new Int32Array(len);
      this.snapEquity = new Float64Array(len);
      this.snapCash = new Float64Array(len);
      this.snapInvested = new Uint8Array(len);
    } else this.byBar.fill(0);
    return this.byBar;
  }

  /** The broker's open: every waiting order created on an earlier bar fills, in the order they were sent. */
  private fillWaiting(b: number, open: number): void {
    const orders = this.orders;
    orders.fillWaiting(this.at, open);
    for (let i = 0; i < orders.filledCount; i++) this.recordChange(b, orders.filled[i]!);
  }

  /**
   * Bar `at` (row b) with exit rules or margin calls: each book's margin check at the bar
   * before's close (`snapshotOf`, when this bar closes a snapshot) and exit rules (after it
   * begins trading, on the first bar of trading), then the broker's fills, stops and limits.
   */
  private exitBar(
    flow: FusedExitFlow,
    b: number,
    open: number,
    high: number,
    low: number,
    begins: boolean,
    snapshotOf: BarBefore | undefined,
    before: BarBefore | undefined,
  ): void {
    if (begins) this.warming = false;
    flow.onBar(this.at, open, high, low, begins ? this.beginBook : undefined, snapshotOf, before);
    for (let i = 0; i < flow.filledCount; i++) this.recordChange(b, flow.filled[i]!);
  }

  /** Book k's cash and position changed on row b (a fill): pass 3 reads it. */
  private recordChange(b: number, k: number): void {
    const i = this.changes++;
    if (i >= this.changeBar.length) {
      const size = this.changeBar.length * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const next = make(size);
        next.set(a);
        return next;
      };
      this.changeBar = grow(this.changeBar, (m) => new Int32Array(m));
      this.changeBook = grow(this.changeBook, (m) => new Int32Array(m));
      this.changeCash = grow(this.changeCash, (m) => new Float64Array(m));
      this.changeQty = grow(this.changeQty, (m) => new Float64Array(m));
    }
    this.changeBar[i] = b;
    this.changeBook[i] = k;
    this.changeCash[i] = this.cash[k]!;
    this.changeQty[i] = this.qty[k]!;
  }

  /**
   * End of data: each book closes what it holds at the last close (with `close_at_end`)
   * and takes its final snapshot; then the broker answers the orders still waiting.
   */
  finish(): void {
    if (this.lastSeq < 0) return;
    const last = this.last;
    for (let k = 0; k < this.n; k++) {
      this.orders.closeOut(k, last);
      if (this.lastTs >= this.opts.tradeFrom) {
        const q = this.qty[k]!;
        const c = this.cash[k]!;
        const equity = this.settled === undefined ? c + q * last.close : this.settled.equity(c, q);
        this.sinks[k]!.snapshot(this.lastTs, equity, c, q !== 0);
        this.exitFlow?.snapshotEquity(k, last.close);
      }
    }
    this.orders.endWaiting();
  }

  /** The warm-up is over: each book acts on the last direction its strategy signalled, as of the last warm-up bar. */
  private beginTrading(): void {
    this.warming = false;
    for (let k = 0; k < this.n; k++) this.beginBook(k);
  }

  /** Book k acts on the last direction its strategy signalled in the warm-up. */
  private readonly beginBook = (k: number): void => {
    const d = this.held[k]!;
    if (d === NO_DECISION) return;
    this.orders.books[k]!.mark(this.opts.symbol, this.last.close);
    if (this.orders.act(k, d as -1 | 0 | 1, this.last, this.heldId[k]!)) this.recordChange(this.row(), k);
  };

  /** The strategy of book k changed its mind on the current bar. */
  private signal(k: number, d: -1 | 0 | 1): void {
    this.direction[k] = d;
    this.strategySignals[k]!++;
    const signalId = this.ids.nextSignalId();
    if (this.warming) {
      this.held[k] = d;
      this.heldId[k] = signalId;
      return;
    }
    this.orders.books[k]!.mark(this.opts.symbol, this.at.close);
    if (this.orders.act(k, d, this.at, signalId)) this.recordChange(this.row(), k);
  }

  /** The chunk row of the current bar (`at`). */
  private row(): number {
    return this.at.seq - this.seq0;
  }
}
