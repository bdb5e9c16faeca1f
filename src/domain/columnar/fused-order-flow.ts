/**
 * The rare half of the fused book loop (src/domain/columnar/fused-books.ts): what happens
 * on a signal or a fill, for every book of the graph. A signal is sized and sent as the
 * portfolio sends it, checked as risk checks it, queued at the broker; an order fills at
 * an open (or, at the end of the data, at the last close) and is booked as the portfolio
 * books a FILL. Each step goes through the same domain functions as the containers
 * (src/containers/portfolio.ts, risk.ts, execution.ts with the simulated broker: Book,
 * targetQuantity, fundsNeeded, decideOrder, the commission schedule, slippage), in the
 * same order, so the numbers and the ids come out the same.
 *
 * The books' per-bar state that the loop reads on every bar (cash, position) is mirrored
 * here in typed arrays, refreshed after every fill.
 *
 * Nothing that happens per order, fill or trade allocates unless something reads it
 * (docs/performance.md, "Garbage per order"): the ORDER event risk checks is one scratch
 * object rewritten per order (risk reads it and keeps nothing), the order a book has at
 * the broker is that book's slot, rewritten per order, the fill the book books and the
 * trade it closes are scratch objects too, and a TRADE event is built only when the
 * book's sink keeps or writes trades; a sweep's books keep only their summaries, so there
 * the trade's numbers go straight into the statistics. The exit flow (fused-exit-flow.ts)
 * hands its orders to the simulated broker, which keeps them, so it builds them as events.
 */
import type { OrderEvent, OrderReason, OrderSide, SluiceEvent } from '../../events/index.ts';
import {
  CommissionSchedule,
  slippageBps,
  slippedPrice,
  type CommissionModel,
  type OrderCosts,
  type SlippageModel,
} from '../execution/costs.ts';
import { buyingPower, fundsNeeded, type FundsRules } from '../portfolio/account.ts';
import { Book, type BookFill, type MutableClosedTrade } from '../portfolio/book.ts';
import { pointValue, type Instrument } from '../portfolio/instrument.ts';
import { orderEvent } from '../portfolio/order-event.ts';
import { tradeEvent } from '../portfolio/trade-event.ts';
import { targetQuantity, type SizingConfig } from '../portfolio/sizing.ts';
import { judgeOrder, tallyDecision } from '../risk/risk-verdict.ts';
import { decideOrder } from '../risk/order-decision.ts';
import type { RiskDecision, RiskLimits } from '../risk/risk-check.ts';
import type { TradeLike } from '../metrics/trade-stats.ts';
import type { SimulatedBrokerOptions } from '../execution/simulated-broker.ts';
import type { BookExitRules } from '../risk/book-exits.ts';
import type { EntryOrderRule } from '../portfolio/entry-order.ts';

/** Where a book's snapshots and trades go: the book's metrics fold (results/book-fold.ts). */
export interface FusedBookSink {
  /** The book's state at a closed bar time (what a PORTFOLIO event carries to the fold). */
  snapshot(ts: number, equity: number, cash: number, invested: boolean): void;
  /** `snapshot` of rows 0..count-1 of columns (`invested[i]` 1 or 0). */
  snapshots(ts: Float64Array, equity: Float64Array, cash: Float64Array, invested: Uint8Array, count: number): void;
  /** A closed trade, as the portfolio emits it on its metrics stream. */
  add(ev: SluiceEvent): unknown;
  /**
   * Whether `add` keeps or writes the trades (else only their statistics count, as in a
   * sweep's shards): when false the loop builds no TRADE event and calls `foldTradeStats`.
   */
  readonly keepsTrades: boolean;
  /** A closed trade's statistics alone (`keepsTrades` false); `t` is rewritten after the call. */
  foldTradeStats(t: TradeLike): void;
}

/** The run-wide id counters, shared as the containers share them. */
export interface FusedIds {
  nextSignalId(): number;
  nextOrderId(): number;
  nextTradeId(): number;
}

/** What the exit flow needs besides the loop's options, read from the config by the compiler. */
export interface FusedExitOptions {
  /** The risk block's exit rules; undefined when it has none (a margin account's calls alone). */
  readonly rules: BookExitRules | undefined;
  /** Bar length, ms (the session clock of `close_eod`). */
  readonly barMs: number;
  /** The execution container's broker, as it builds it. */
  readonly broker: SimulatedBrokerOptions;
  /** `portfolio.entry_order` when entries are limit or stop orders resting at the broker; undefined: market entries. */
  readonly entryOrder?: EntryOrderRule | undefined;
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
  /**
   * The sizing rule reads a feature (`sizingFeature`: atr_risk, volatility_target): each
   * bar then carries its value (`At.feature`), and `barsPerYear` annualizes σ, as the
   * portfolio container's sizing inputs.
   */
  readonly sizingInputs?: { readonly barsPerYear: number } | undefined;
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
  /**
   * `execution.fill: close`: a market order fills at once, at the close of the bar it is
   * sent on (the broker has seen that bar); otherwise at the next bar's open.
   */
  readonly fillAtClose: boolean;
  /**
   * The risk block's exit rules, when it has any, a margin account, or a volume cap
   * (`max_volume_share`, partial fills), or limit or stop entries: the books' orders then
   * go through the simulated broker with each book's exit rules and margin calls
   * (src/domain/columnar/fused-exit-flow.ts).
   */
  readonly exits?: FusedExitOptions | undefined;
}

/** A bar as the broker and the book see it when something happens on it. */
export interface At {
  seq: number;
  ts: number;
  index: number;
  close: number;
  volume: number;
  /**
   * The sizing feature's value at this bar's close (what the FEATURES event of the bar
   * carries to the portfolio; NaN while it warms up, or when the sizing reads none).
   */
  feature: number;
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
 * What the broker needs of an order it holds (risk's quantity, the bar it was sent on),
 * with its commission bookkeeping: one per book, rewritten for each order the book sends
 * (a book has at most one at the broker here), and one for orders filled at once.
 */
interface Queued extends OrderCosts {
  /** True while the order waits at the broker. */
  active: boolean;
  orderId: number;
  seq: number;
  ts: number;
  readonly symbol: string;
  side: OrderSide;
  quantity: number;
  reason: OrderReason;
  /** What the book reserved for it (buying power), and what it counts as pending. */
  reserved: number;
  signed: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Portfolio → risk → broker → fill for the books of one fused graph, one symbol, market
 * orders. The books and the counters of the portfolio, risk and execution containers are
 * read for the results files afterwards.
 */
export class FusedOrderFlow {
  readonly books: Book[];
  readonly counts: FusedBookCounts[];
  readonly risk = { approved: 0, resized: 0, rejected: 0, notes: [] as string[] };
  readonly execution = {
    orders: 0,
    fills: 0,
    ended: { canceled: 0, oco_canceled: 0, reduce_only_flat: 0, expired: 0, end_of_data: 0 },
    unfilledAtEnd: 0,
  };
  /** Mirrors of each book's cash and position, refreshed after every fill. */
  readonly cash: Float64Array;
  readonly qty: Float64Array;
  /** Books with an order at the broker, in the order the orders were sent (the broker's queue): the first `waitingCount`. */
  private readonly waiting: Int32Array;
  waitingCount = 0;
  /** The books `fillWaiting` filled, in fill order (the first `filledCount` entries). */
  filled: Int32Array;
  filledCount = 0;

  /** Signed quantity sent and not yet filled or rejected (the portfolio's `pending`). */
  protected readonly pending: Float64Array;
  /** Per book, its order at the broker (`active`) or the last one it had. */
  private readonly queued: Queued[];
  /** An order filled as soon as risk passes it (`fill: close`, the end of the data). */
  private readonly now: Queued;
  /** The ORDER event risk reads, rewritten per order (`orderEvent`'s fields and order, buying power included). */
  private readonly order: Mutable<OrderEvent>;
  /** The fill a book books, and the trade it closes: rewritten per fill. */
  private readonly bookedFill: Mutable<BookFill>;
  private readonly closed: MutableClosedTrade;
  /** The sizing rule's inputs (a feature's value), rewritten per signal. */
  private readonly sizingInputs: { feature: number; barsPerYear: number };
  private readonly schedule: CommissionSchedule;
  private readonly point: number;

  constructor(
    protected readonly opts: FusedBooksOptions,
    private readonly sinks: readonly FusedBookSink[],
    protected readonly ids: FusedIds,
  ) {
    const n = opts.keys.length;
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
    this.cash = new Float64Array(n).fill(opts.initialCash);
    this.qty = new Float64Array(n);
    this.filled = new Int32Array(n);
    this.pending = new Float64Array(n);
    this.waiting = new Int32Array(n);
    this.queued = opts.keys.map(() => this.queuedSlot());
    this.now = this.queuedSlot();
    this.order = orderEvent(
      { seq: -1, ts: Number.NaN, symbol: opts.symbol, price: Number.NaN },
      '',
      '',
      -1,
      -1,
      1,
      'signal',
      { position: 0, equity: Number.NaN, grossExposure: Number.NaN, buyingPower: Number.NaN },
    ) as Mutable<OrderEvent>;
    this.bookedFill = {
      symbol: opts.symbol,
      side: 'buy',
      quantity: Number.NaN,
      price: Number.NaN,
      commission: Number.NaN,
      ts: Number.NaN,
      barIndex: -1,
      reason: 'signal',
    };
    this.closed = {
      symbol: opts.symbol,
      direction: 'long',
      quantity: Number.NaN,
      entryTs: Number.NaN,
      entryPrice: Number.NaN,
      exitTs: Number.NaN,
      exitPrice: Number.NaN,
      grossPnl: Number.NaN,
      commission: Number.NaN,
      pnl: Number.NaN,
      returnPct: Number.NaN,
      barsHeld: 0,
      exitReason: '',
    };
    this.sizingInputs = { feature: Number.NaN, barsPerYear: opts.sizingInputs?.barsPerYear ?? Number.NaN };
    this.schedule = new CommissionSchedule(opts.commission);
    this.point = pointValue(this.books[0]?.instrument(opts.symbol) ?? { kind: 'equity' });
  }

  /**
   * The portfolio's answer to a signal (direction `d` decided at `cause`'s close): size,
   * then send the difference. True when the order filled at once (`fillAtClose`): book
   * k's cash and position changed.
   */
  act(k: number, d: -1 | 0 | 1, cause: At, signalId: number): boolean {
    const counts = this.counts[k]!;
    const book = this.books[k]!;
    counts.signals++;
    const direction = this.opts.allowShort || d >= 0 ? d : 0;
    const equity = book.equity();
    // As the portfolio container: atr_risk's ATR in currency is the point value times the price's.
    const sizing = this.opts.sizing;
    let inputs: { feature: number; barsPerYear: number } | undefined;
    if (this.opts.sizingInputs !== undefined) {
      inputs = this.sizingInputs;
      inputs.feature = sizing.type === 'atr_risk' ? cause.feature * this.point : cause.feature;
    }
    let target = targetQuantity(sizing, direction, equity, cause.close * this.point, inputs);
    if (direction !== 0 && target === 0) counts.unsized++;
    // As the portfolio: a new signal replaces the book's resting entries first.
    this.replaceEntries(k, cause);
    const committed = book.position(this.opts.symbol) + this.pending[k]!;
    // An entry the exit rules refuse (halted book, session about to close) keeps only the exit part.
    if (Math.abs(target) > Math.abs(committed) && !this.allowsEntry(k, cause.ts)) {
      target = Math.sign(target) === Math.sign(committed) ? committed : 0;
    }
    const delta = target - committed;
    if (delta === 0) return false;
    return this.sendOrder(k, cause, delta, equity, signalId, 'signal');
  }

  /**
   * The broker's open of bar `at`: every waiting order created on an earlier bar fills at
   * `open`, in the order they were sent; the books filled are left in `filled`.
   */
  fillWaiting(at: At, open: number): void {
    // Compacted in place: a fill sends no order, so nothing joins the queue meanwhile.
    const waiting = this.waiting;
    const count = this.waitingCount;
    let kept = 0;
    this.filledCount = 0;
    for (let i = 0; i < count; i++) {
      const k = waiting[i]!;
      if (!this.fillAtOpen(k, at, open)) waiting[kept++] = k;
      else this.filled[this.filledCount++] = k;
    }
    this.waitingCount = kept;
  }

  /** End of data for book k: marked at the last close, and closed out there with `close_at_end`. */
  closeOut(k: number, last: At): void {
    const book = this.books[k]!;
    book.mark(this.opts.symbol, last.close);
    if (this.opts.closeAtEnd) {
      const position = book.position(this.opts.symbol);
      if (position !== 0) this.sendOrder(k, last, -position, book.equity(), 0, 'end_of_data');
    }
  }

  /** Cancels book k's resting limit or stop entries, as a new signal does (market entries here: none). */
  protected replaceEntries(_k: number, _cause: At): void {}

  /** Whether book k's exit rules let a signal of bar time `ts` open or add to a position (no exit rules here). */
  protected allowsEntry(_k: number, _ts: number): boolean {
    return true;
  }

  /** End of data at the broker: the orders still waiting end unfilled. */
  endWaiting(): void {
    const count = this.waitingCount;
    this.waitingCount = 0;
    for (let i = 0; i < count; i++) {
      const k = this.waiting[i]!;
      this.execution.ended.end_of_data++;
      this.execution.unfilledAtEnd++;
      this.counts[k]!.notices++;
      this.forget(k);
    }
  }

  /**
   * Sends an order as the portfolio does, and puts it through risk and to the broker.
   * True when it filled at once (at `cause`'s close).
   */
  protected sendOrder(
    k: number,
    cause: At,
    signed: number,
    equity: number,
    signalId: number,
    reason: 'signal' | 'end_of_data',
  ): boolean {
    const book = this.books[k]!;
    const funds = this.opts.funds;
    const orderId = this.ids.nextOrderId();
    const position = book.position(this.opts.symbol);
    const waiting = this.queued[k]!;
    let power = buyingPower(book, funds.account);
    if (waiting.active) power -= waiting.reserved;
    // The ORDER event, as orderEvent builds it, in the scratch risk reads.
    const order = this.order;
    order.seq = cause.seq;
    order.ts = cause.ts;
    order.source = this.opts.portfolioIds[k]!;
    order.key = this.opts.keys[k]!;
    order.orderId = orderId;
    order.signalId = signalId;
    order.side = signed > 0 ? 'buy' : 'sell';
    order.quantity = Math.abs(signed);
    order.reason = reason;
    order.price = cause.close;
    order.position = position;
    order.equity = equity;
    order.grossExposure = book.grossExposure();
    order.buyingPower = power;
    const reserved = fundsNeeded(funds, order);
    this.pending[k]! += signed;
    this.counts[k]!.orders++;
    const decision = this.riskDecision(order);
    if (decision.action === 'reject') {
      this.counts[k]!.rejects++;
      this.pending[k]! -= signed;
      return false;
    }
    const quantity = decision.action === 'resize' ? decision.quantity : order.quantity;
    this.execution.orders++;
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      throw new RangeError(
        `order ${orderId} (${order.key}, ${order.symbol}): quantity must be a finite number > 0, got ${quantity}`,
      );
    }
    if (reason === 'end_of_data' || this.opts.fillAtClose) {
      // Filled in full at the close of its own bar, now: at the end of the data there is
      // no later bar; with fill: close the broker has seen this bar (no volume cap on this
      // path, so never in part).
      this.fill(k, this.queue(this.now, order, quantity, reserved, signed), cause.close, cause);
      return true;
    }
    if (waiting.active)
      throw new Error(
        `fused book loop: book '${order.key}' would have two orders at the broker; this configuration belongs on the per-event path`,
      );
    this.queue(waiting, order, quantity, reserved, signed).active = true;
    this.waiting[this.waitingCount++] = k;
    return false;
  }

  /** `slot`, rewritten for `order` as risk passed it (`quantity`), with no commission charged yet. */
  private queue(slot: Queued, order: OrderEvent, quantity: number, reserved: number, signed: number): Queued {
    slot.orderId = order.orderId;
    slot.seq = order.seq;
    slot.ts = order.ts;
    slot.side = order.side;
    slot.quantity = quantity;
    slot.reason = order.reason;
    slot.reserved = reserved;
    slot.signed = signed;
    slot.raw = 0;
    slot.paid = 0;
    return slot;
  }

  /** A book's order slot, empty. */
  private queuedSlot(): Queued {
    return {
      active: false,
      orderId: -1,
      seq: -1,
      ts: Number.NaN,
      symbol: this.opts.symbol,
      side: 'buy',
      quantity: Number.NaN,
      reason: 'signal',
      reserved: Number.NaN,
      signed: Number.NaN,
      raw: 0,
      paid: 0,
    };
  }

  /** The broker fills book k's waiting market order at the open of bar `at`. */
  private fillAtOpen(k: number, at: At, open: number): boolean {
    const entry = this.queued[k]!;
    if (entry.seq > at.seq || entry.ts > at.ts) {
      throw new Error(
        `look-ahead: order ${entry.orderId} from bar seq ${entry.seq} (ts ${entry.ts}) would fill on earlier bar ${this.opts.symbol} seq ${at.seq} (ts ${at.ts})`,
      );
    }
    // Created on this very bar (never, with next-open fills): it waits, as the broker's eligibility says.
    if (entry.seq === at.seq || entry.ts === at.ts) return false;
    entry.active = false;
    this.books[k]!.mark(this.opts.symbol, at.close);
    this.fill(k, entry, open, at);
    return true;
  }

  /** One complete fill of `entry` at `rawPrice` on bar `bar`, booked as the portfolio books a FILL. */
  private fill(k: number, entry: Queued, rawPrice: number, bar: At): void {
    const qty = entry.quantity;
    const price = slippedPrice(entry.side, rawPrice, slippageBps(this.opts.slippage, qty, bar.volume));
    const commission = this.schedule.charge(entry, this.opts.keys[k]!, qty, price, bar.ts);
    this.execution.fills++;
    this.counts[k]!.fills++;
    this.pending[k]! -= entry.signed;
    this.bookFill(k, entry, qty, price, commission, bar.seq, bar.ts, bar.index);
  }

  /**
   * A fill of `qty` of `order` at `price` on bar (seq, ts, index) booked as the portfolio
   * books a FILL: the book, its mirrors, and a TRADE for each trade it closes.
   */
  protected bookFill(
    k: number,
    order: Pick<OrderEvent, 'symbol' | 'side' | 'reason'>,
    qty: number,
    price: number,
    commission: number,
    seq: number,
    ts: number,
    index: number,
  ): void {
    const book = this.books[k]!;
    const fill = this.bookedFill;
    fill.symbol = order.symbol;
    fill.side = order.side;
    fill.quantity = qty;
    fill.price = price;
    fill.commission = commission;
    fill.ts = ts;
    fill.barIndex = index;
    fill.reason = order.reason;
    const t = this.closed;
    const closed = book.applyFillInto(fill, t);
    this.cash[k] = book.cash;
    this.qty[k] = book.position(order.symbol);
    if (!closed) return;
    this.counts[k]!.trades++;
    const tradeId = this.ids.nextTradeId();
    const sink = this.sinks[k]!;
    if (!sink.keepsTrades) sink.foldTradeStats(t);
    else
      sink.add(
        tradeEvent(t, { seq, ts, symbol: order.symbol }, this.opts.portfolioIds[k]!, this.opts.keys[k]!, tradeId),
      );
  }

  /** Book k's waiting order ended without a fill: it no longer counts as pending. */
  private forget(k: number): void {
    const entry = this.queued[k]!;
    // Only at the end of the data, once the broker's queue has been emptied.
    entry.active = false;
    this.pending[k]! -= entry.signed;
  }

  /**
   * Risk's check of an order, counted and noted by the verdict the risk container uses
   * too (src/domain/risk/risk-verdict.ts): the order to send, resized perhaps, or
   * undefined when rejected (what the rejection does to the book is the caller's).
   */
  protected riskCheck(order: OrderEvent): OrderEvent | undefined {
    const verdict = judgeOrder(order, this.opts.limits, this.opts.funds, this.risk, this.opts.maxNotes);
    return verdict.action === 'reject' ? undefined : verdict.order;
  }

  /** Risk's decision on an order, counted and noted as `riskCheck` counts and notes it, with no verdict object. */
  private riskDecision(order: OrderEvent): RiskDecision {
    const decision = decideOrder(order, this.opts.limits, this.opts.funds);
    tallyDecision(order, decision, this.risk, this.opts.maxNotes);
    return decision;
  }
}
