/**
 * The fused book loop: portfolio → risk → execution → fill for every book of a graph,
 * walked over a chunk of one symbol's bars at once, with the per-bar state of the books
 * held as struct-of-arrays typed arrays (cash, position, the strategy's last direction,
 * whether an order waits for the next open).
 *
 * It computes exactly what the per-event graph computes (src/containers/portfolio.ts,
 * risk.ts, execution.ts with the simulated broker) for the configurations the compiler
 * lets it run (src/topology/fused-eligibility.ts): one symbol, market orders filled at the
 * next open, no exit rules, a cash account, sizing without a feature. Only what happens
 * on every bar is rewritten as a loop (marking, the snapshot folded into the book's
 * metrics, looking at the signal column); what happens on a signal or a fill, which is
 * rare, goes through the same domain functions the containers call (Book, targetQuantity,
 * fundsNeeded, decideOrder, the commission schedule, slippage), in the same order, so the
 * numbers and the ids come out the same.
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
import type { OrderEvent, OrderSide, SluiceEvent, TradeEvent } from '../../events/index.ts';
import {
  CommissionSchedule,
  slippageBps,
  slippedPrice,
  type CommissionModel,
  type OrderCosts,
  type SlippageModel,
} from '../execution/costs.ts';
import { buyingPower, fundsNeeded, type FundsRules } from '../portfolio/account.ts';
import { Book } from '../portfolio/book.ts';
import { pointValue, type Instrument } from '../portfolio/instrument.ts';
import { targetQuantity, type SizingConfig } from '../portfolio/sizing.ts';
import { decideOrder } from '../risk/order-decision.ts';
import type { RiskLimits } from '../risk/risk-check.ts';
import { NO_DECISION } from '../strategies/strategy.ts';

/** Where a book's snapshots and trades go: the book's metrics fold (results/book-fold.ts). */
export interface FusedBookSink {
  /** The book's state at a closed bar time (what a PORTFOLIO event carries to the fold). */
  snapshot(ts: number, equity: number, cash: number, invested: boolean): void;
  /** `snapshot` of rows 0..count-1 of columns (`invested[i]` 1 or 0). */
  snapshots(ts: Float64Array, equity: Float64Array, cash: Float64Array, invested: Uint8Array, count: number): void;
  /** A closed trade, as the portfolio emits it on its metrics stream. */
  add(ev: SluiceEvent): unknown;
}

/** The run-wide id counters, shared as the containers share them. */
export interface FusedIds {
  nextSignalId(): number;
  nextOrderId(): number;
  nextTradeId(): number;
}

/** What the loop needs to know, read once from the config by the compiler. */
export interface FusedBooksOptions {
  readonly symbol: string;
  /** Book keys (strategy keys), in the graph's order. */
  readonly keys: readonly string[];
  /** Portfolio container id of each book (events' `source`). */
  readonly portfolioIds: readonly string[];
  readonly initialCash: number;
  readonly allowShort: boolean;
  readonly sizing: SizingConfig;
  readonly closeAtEnd: boolean;
  /** Bars before this time are warm-up: strategies run, books do not trade. */
  readonly tradeFrom: number;
  readonly limits: RiskLimits;
  readonly funds: FundsRules;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly slippage: SlippageModel;
  readonly commission: CommissionModel;
  /** Most risk notes kept (the risk container's first_notes). */
  readonly maxNotes: number;
}

/** A chunk of one symbol's bars as columns, with its run-wide numbering. */
export interface FusedChunk {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** `seq` of row 0 (run-wide bar number); row b has `seq0 + b`. */
  readonly seq0: number;
  /** Index of row 0 in the symbol's series; row b has `index0 + b`. */
  readonly index0: number;
}

/** The order a book has at the broker, with the broker's commission bookkeeping. */
interface Queued extends OrderCosts {
  readonly order: OrderEvent;
  /** What the book reserved for it (buying power), and what it counts as pending. */
  readonly reserved: number;
  readonly signed: number;
}

/** A bar as the broker and the book see it when something happens on it. */
interface At {
  seq: number;
  ts: number;
  index: number;
  close: number;
  volume: number;
}

/** Counters of each book's portfolio container (results), in its key order. */
export interface FusedBookCounts {
  signals: number;
  orders: number;
  fills: number;
  rejects: number;
  notices: number;
  trades: number;
  unsized: number;
  margin_calls: number;
}

/**
 * The books of one graph, fused. `runChunk` per chunk, `finish` at the end of the data;
 * counters and books are read for the results files afterwards.
 */
export class FusedBooks {
  readonly books: Book[];
  /** Per book: the strategy's signals (the strategy container's count). */
  readonly strategySignals: Int32Array;
  readonly counts: FusedBookCounts[];
  readonly risk = { approved: 0, resized: 0, rejected: 0, notes: [] as string[] };
  readonly execution = {
    orders: 0,
    fills: 0,
    ended: { canceled: 0, oco_canceled: 0, reduce_only_flat: 0, expired: 0, end_of_data: 0 },
    unfilledAtEnd: 0,
  };

  private readonly n: number;
  /** Mirrors of each book's cash and position, refreshed after every fill. */
  private readonly cash: Float64Array;
  private readonly qty: Float64Array;
  /** The strategy's last emitted direction (a SIGNAL goes out only when it changes). */
  private readonly direction: Int8Array;
  /** Signed quantity sent and not yet filled or rejected (the portfolio's `pending`). */
  private readonly pending: Float64Array;
  /** The order waiting at the broker per book, if any. */
  private readonly queued: (Queued | undefined)[];
  /** Books with an order at the broker, in the order the orders were sent (the broker's queue). */
  private waiting: number[] = [];
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
  private readonly schedule: CommissionSchedule;
  private readonly point: number;
  private lastSeq = -1;
  private lastTs = Number.NaN;
  private readonly last: At = { seq: -1, ts: Number.NaN, index: -1, close: Number.NaN, volume: Number.NaN };
  private readonly at: At = { seq: -1, ts: Number.NaN, index: -1, close: Number.NaN, volume: Number.NaN };

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
    this.books = opts.keys.map(() => new Book(opts.initialCash, opts.instruments));
    this.counts = opts.keys.map(() => ({
      signals: 0,
      orders: 0,
      fills: 0,
      rejects: 0,
      notices: 0,
      trades: 0,
      unsized: 0,
      margin_calls: 0,
    }));
    this.strategySignals = new Int32Array(n);
    this.cash = new Float64Array(n).fill(opts.initialCash);
    this.qty = new Float64Array(n);
    this.cashStart = new Float64Array(n);
    this.qtyStart = new Float64Array(n);
    this.bookOffsets = new Int32Array(n + 1);
    this.bookCursor = new Int32Array(n);
    this.direction = new Int8Array(n);
    this.pending = new Float64Array(n);
    this.queued = new Array<Queued | undefined>(n).fill(undefined);
    this.held = new Int8Array(n).fill(NO_DECISION);
    this.heldId = new Float64Array(n);
    this.warming = opts.tradeFrom > Number.NEGATIVE_INFINITY;
    this.schedule = new CommissionSchedule(opts.commission);
    this.point = pointValue(this.books[0]?.instrument(opts.symbol) ?? { kind: 'equity' });
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
    const { open, volume } = chunk;
    let lastSeq = this.lastSeq;
    let lastTs = this.lastTs;
    let lastClose = last.close;
    for (let b = 0; b < len; b++) {
      const t = ts[b]!;
      if (t !== lastTs && lastSeq >= 0 && lastTs >= tradeFrom) {
        snapTs[snaps] = lastTs;
        snapClose[snaps] = lastClose;
        snapBar[snaps++] = b;
      }
      const begins = this.warming && t >= tradeFrom;
      const first = byBar[b]!;
      const end = byBar[b + 1]!;
      if (begins || first !== end || this.waiting.length > 0) {
        at.seq = seq0 + b;
        at.ts = t;
        at.index = index0 + b;
        at.close = close[b]!;
        at.volume = volume[b]!;
        if (begins) {
          // The warm-up's last bar is the one before this: `last`, as of this bar.
          if (b > 0) this.setLast(seq0 + b - 1, ts[b - 1]!, index0 + b - 1, close[b - 1]!, volume[b - 1]!);
          this.beginTrading();
        }
        if (this.waiting.length > 0) this.fillWaiting(b, open[b]!);
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
      this.setLast(lastSeq, lastTs, index0 + len - 1, lastClose, volume[len - 1]!);
    }

    // 3. snapshots
    if (this.orderedSnapshots) this.snapshotsByBar(snaps);
    else this.snapshotsByBook(snaps);
  }

  /** The last bar seen (`last`), field by field. */
  private setLast(seq: number, ts: number, index: number, close: number, volume: number): void {
    const last = this.last;
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
    const waiting = this.waiting;
    this.waiting = [];
    for (const k of waiting) {
      if (!this.fillAtOpen(k, open)) this.waiting.push(k);
      else this.recordChange(b, k);
    }
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
      const book = this.books[k]!;
      book.mark(this.opts.symbol, last.close);
      if (this.opts.closeAtEnd) {
        const position = book.position(this.opts.symbol);
        if (position !== 0) this.sendOrder(k, last, -position, book.equity(), 0, 'end_of_data');
      }
      if (this.lastTs >= this.opts.tradeFrom) {
        const q = this.qty[k]!;
        this.sinks[k]!.snapshot(this.lastTs, this.cash[k]! + q * last.close, this.cash[k]!, q !== 0);
      }
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const k of waiting) {
      this.execution.ended.end_of_data++;
      this.execution.unfilledAtEnd++;
      this.counts[k]!.notices++;
      this.forget(k);
    }
  }

  /** The warm-up is over: each book acts on the last direction its strategy signalled, as of the last warm-up bar. */
  private beginTrading(): void {
    this.warming = false;
    for (let k = 0; k < this.n; k++) {
      const d = this.held[k]!;
      if (d === NO_DECISION) continue;
      this.books[k]!.mark(this.opts.symbol, this.last.close);
      this.act(k, d as -1 | 0 | 1, this.last, this.heldId[k]!);
    }
  }

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
    this.books[k]!.mark(this.opts.symbol, this.at.close);
    this.act(k, d, this.at, signalId);
  }

  /** The portfolio's answer to a signal (direction `d` decided at `cause`'s close): size, then send the difference. */
  private act(k: number, d: -1 | 0 | 1, cause: At, signalId: number): void {
    const counts = this.counts[k]!;
    const book = this.books[k]!;
    counts.signals++;
    const direction = this.opts.allowShort || d >= 0 ? d : 0;
    const equity = book.equity();
    const target = targetQuantity(this.opts.sizing, direction, equity, cause.close * this.point);
    if (direction !== 0 && target === 0) counts.unsized++;
    const delta = target - (book.position(this.opts.symbol) + this.pending[k]!);
    if (delta === 0) return;
    this.sendOrder(k, cause, delta, equity, signalId, 'signal');
  }

  /** Sends an order as the portfolio does, and puts it through risk and to the broker. */
  private sendOrder(
    k: number,
    cause: At,
    signed: number,
    equity: number,
    signalId: number,
    reason: 'signal' | 'end_of_data',
  ): void {
    const book = this.books[k]!;
    const symbol = this.opts.symbol;
    const funds = this.opts.funds;
    const orderId = this.ids.nextOrderId();
    const position = book.position(symbol);
    const waiting = this.queued[k];
    let power = buyingPower(book, funds.account);
    if (waiting !== undefined) power -= waiting.reserved;
    const side: OrderSide = signed > 0 ? 'buy' : 'sell';
    const reserved = fundsNeeded(funds, { symbol, side, quantity: Math.abs(signed), price: cause.close, position });
    this.pending[k]! += signed;
    this.counts[k]!.orders++;
    const order: OrderEvent = {
      type: 'ORDER',
      seq: cause.seq,
      ts: cause.ts,
      symbol,
      source: this.opts.portfolioIds[k]!,
      key: this.opts.keys[k]!,
      orderId,
      signalId,
      side,
      quantity: Math.abs(signed),
      reason,
      price: cause.close,
      position,
      equity,
      grossExposure: book.grossExposure(),
      buyingPower: power,
    };
    const decision = decideOrder(order, this.opts.limits, funds);
    let approved = order;
    if (decision.action === 'approve') this.risk.approved++;
    else if (decision.action === 'resize') {
      this.risk.resized++;
      this.note(`order ${orderId} (${order.key}) resized to ${decision.quantity}: ${decision.note}`);
      approved = { ...order, quantity: decision.quantity, riskNote: decision.note };
    } else {
      this.risk.rejected++;
      this.note(`order ${orderId} (${order.key}) rejected: ${decision.reason}`);
      this.counts[k]!.rejects++;
      this.pending[k]! -= signed;
      return;
    }
    this.execution.orders++;
    if (!(approved.quantity > 0) || !Number.isFinite(approved.quantity)) {
      throw new RangeError(
        `order ${orderId} (${approved.key}, ${symbol}): quantity must be a finite number > 0, got ${approved.quantity}`,
      );
    }
    const entry: Queued = { order: approved, reserved, signed, raw: 0, paid: 0 };
    if (reason === 'end_of_data') {
      // Filled in full at the last close, now: there is no later bar.
      return this.fill(k, entry, cause.close, cause);
    }
    if (waiting !== undefined)
      throw new Error(
        `fused book loop: book '${order.key}' would have two orders at the broker; this configuration belongs on the per-event path`,
      );
    this.queued[k] = entry;
    this.waiting.push(k);
  }

  /** The broker fills book k's waiting market order at this bar's open. */
  private fillAtOpen(k: number, open: number): boolean {
    const entry = this.queued[k]!;
    const order = entry.order;
    const at = this.at;
    if (order.seq > at.seq || order.ts > at.ts) {
      throw new Error(
        `look-ahead: order ${order.orderId} from bar seq ${order.seq} (ts ${order.ts}) would fill on earlier bar ${this.opts.symbol} seq ${at.seq} (ts ${at.ts})`,
      );
    }
    // Created on this very bar (never, with next-open fills): it waits, as the broker's eligibility says.
    if (order.seq === at.seq || order.ts === at.ts) return false;
    this.queued[k] = undefined;
    this.books[k]!.mark(this.opts.symbol, at.close);
    this.fill(k, entry, open, at);
    return true;
  }

  /** One complete fill of `entry` at `rawPrice` on bar `bar`, booked as the portfolio books a FILL. */
  private fill(k: number, entry: Queued, rawPrice: number, bar: At): void {
    const order = entry.order;
    const qty = order.quantity;
    const price = slippedPrice(order.side, rawPrice, slippageBps(this.opts.slippage, qty, bar.volume));
    const commission = this.schedule.charge(entry, order.key, qty, price, bar.ts);
    this.execution.fills++;
    const counts = this.counts[k]!;
    counts.fills++;
    this.pending[k]! -= entry.signed;
    const book = this.books[k]!;
    const closed = book.applyFill({
      symbol: order.symbol,
      side: order.side,
      quantity: qty,
      price,
      commission,
      ts: bar.ts,
      barIndex: bar.index,
      reason: order.reason,
    });
    this.cash[k] = book.cash;
    this.qty[k] = book.position(order.symbol);
    for (const t of closed) {
      counts.trades++;
      const ev: TradeEvent = {
        type: 'TRADE',
        seq: bar.seq,
        ts: bar.ts,
        symbol: order.symbol,
        source: this.opts.portfolioIds[k]!,
        key: order.key,
        tradeId: this.ids.nextTradeId(),
        direction: t.direction,
        quantity: t.quantity,
        entryTs: t.entryTs,
        entryPrice: t.entryPrice,
        exitTs: t.exitTs,
        exitPrice: t.exitPrice,
        pnl: t.pnl,
        grossPnl: t.grossPnl,
        commission: t.commission,
        returnPct: t.returnPct,
        barsHeld: t.barsHeld,
        exitReason: t.exitReason,
      };
      this.sinks[k]!.add(ev);
    }
  }

  /** Book k's waiting order ended without a fill: it no longer counts as pending. */
  private forget(k: number): void {
    const entry = this.queued[k]!;
    // Only at the end of the data, once the broker's queue has been emptied.
    this.queued[k] = undefined;
    this.pending[k]! -= entry.signed;
  }

  private note(text: string): void {
    if (this.risk.notes.length < this.opts.maxNotes) this.risk.notes.push(text);
  }
}
