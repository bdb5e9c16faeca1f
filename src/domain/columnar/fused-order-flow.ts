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
 */
import type { OrderEvent, SluiceEvent } from '../../events/index.ts';
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
import { orderEvent } from '../portfolio/order-event.ts';
import { tradeEvent } from '../portfolio/trade-event.ts';
import { targetQuantity, type SizingConfig } from '../portfolio/sizing.ts';
import { judgeOrder } from '../risk/risk-verdict.ts';
import type { RiskLimits } from '../risk/risk-check.ts';
import type { SimulatedBrokerOptions } from '../execution/simulated-broker.ts';
import type { BookExitRules } from '../risk/book-exits.ts';

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

/** What the exit flow needs besides the loop's options, read from the config by the compiler. */
export interface FusedExitOptions {
  /** The risk block's exit rules; undefined when it has none (a margin account's calls alone). */
  readonly rules: BookExitRules | undefined;
  /** Bar length, ms (the session clock of `close_eod`). */
  readonly barMs: number;
  /** The execution container's broker, as it builds it. */
  readonly broker: SimulatedBrokerOptions;
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
   * The risk block's exit rules, when it has any, or a margin account: the books' orders
   * then go through the simulated broker with each book's exit rules and margin calls
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

/** The order a book has at the broker, with the broker's commission bookkeeping. */
interface Queued extends OrderCosts {
  readonly order: OrderEvent;
  /** What the book reserved for it (buying power), and what it counts as pending. */
  readonly reserved: number;
  readonly signed: number;
}

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
  /** Books with an order at the broker, in the order the orders were sent (the broker's queue). */
  waiting: number[] = [];
  /** The books `fillWaiting` filled, in fill order (the first `filledCount` entries). */
  filled: Int32Array;
  filledCount = 0;

  /** Signed quantity sent and not yet filled or rejected (the portfolio's `pending`). */
  protected readonly pending: Float64Array;
  /** The order waiting at the broker per book, if any. */
  private readonly queued: (Queued | undefined)[];
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
    this.queued = new Array<Queued | undefined>(n).fill(undefined);
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
    const inputs =
      this.opts.sizingInputs === undefined
        ? undefined
        : {
            feature: sizing.type === 'atr_risk' ? cause.feature * this.point : cause.feature,
            barsPerYear: this.opts.sizingInputs.barsPerYear,
          };
    let target = targetQuantity(sizing, direction, equity, cause.close * this.point, inputs);
    if (direction !== 0 && target === 0) counts.unsized++;
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
    const waiting = this.waiting;
    this.waiting = [];
    this.filledCount = 0;
    for (const k of waiting) {
      if (!this.fillAtOpen(k, at, open)) this.waiting.push(k);
      else this.filled[this.filledCount++] = k;
    }
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

  /** Whether book k's exit rules let a signal of bar time `ts` open or add to a position (no exit rules here). */
  protected allowsEntry(_k: number, _ts: number): boolean {
    return true;
  }

  /** End of data at the broker: the orders still waiting end unfilled. */
  endWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const k of waiting) {
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
    const symbol = this.opts.symbol;
    const funds = this.opts.funds;
    const orderId = this.ids.nextOrderId();
    const position = book.position(symbol);
    const waiting = this.queued[k];
    let power = buyingPower(book, funds.account);
    if (waiting !== undefined) power -= waiting.reserved;
    const side = signed > 0 ? 'buy' : 'sell';
    const reserved = fundsNeeded(funds, { symbol, side, quantity: Math.abs(signed), price: cause.close, position });
    this.pending[k]! += signed;
    this.counts[k]!.orders++;
    const order = orderEvent(
      { seq: cause.seq, ts: cause.ts, symbol, price: cause.close },
      this.opts.portfolioIds[k]!,
      this.opts.keys[k]!,
      orderId,
      signalId,
      signed,
      reason,
      { position, equity, grossExposure: book.grossExposure(), buyingPower: power },
    );
    const approved = this.riskCheck(order);
    if (approved === undefined) {
      this.counts[k]!.rejects++;
      this.pending[k]! -= signed;
      return false;
    }
    this.execution.orders++;
    if (!(approved.quantity > 0) || !Number.isFinite(approved.quantity)) {
      throw new RangeError(
        `order ${orderId} (${approved.key}, ${symbol}): quantity must be a finite number > 0, got ${approved.quantity}`,
      );
    }
    const entry: Queued = { order: approved, reserved, signed, raw: 0, paid: 0 };
    if (reason === 'end_of_data' || this.opts.fillAtClose) {
      // Filled in full at the close of its own bar, now: at the end of the data there is
      // no later bar; with fill: close the broker has seen this bar (no volume cap on this
      // path, so never in part).
      this.fill(k, entry, cause.close, cause);
      return true;
    }
    if (waiting !== undefined)
      throw new Error(
        `fused book loop: book '${order.key}' would have two orders at the broker; this configuration belongs on the per-event path`,
      );
    this.queued[k] = entry;
    this.waiting.push(k);
    return false;
  }

  /** The broker fills book k's waiting market order at the open of bar `at`. */
  private fillAtOpen(k: number, at: At, open: number): boolean {
    const entry = this.queued[k]!;
    const order = entry.order;
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
    this.counts[k]!.fills++;
    this.pending[k]! -= entry.signed;
    this.bookFill(k, order, qty, price, commission, bar.seq, bar.ts, bar.index);
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
    const counts = this.counts[k]!;
    const book = this.books[k]!;
    const closed = book.applyFill({
      symbol: order.symbol,
      side: order.side,
      quantity: qty,
      price,
      commission,
      ts,
      barIndex: index,
      reason: order.reason,
    });
    this.cash[k] = book.cash;
    this.qty[k] = book.position(order.symbol);
    for (const t of closed) {
      counts.trades++;
      const ev = tradeEvent(
        t,
        { seq, ts, symbol: order.symbol },
        this.opts.portfolioIds[k]!,
        this.opts.keys[k]!,
        this.ids.nextTradeId(),
      );
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

  /**
   * Risk's check of an order, counted and noted by the verdict the risk container uses
   * too (src/domain/risk/risk-verdict.ts): the order to send, resized perhaps, or
   * undefined when rejected (what the rejection does to the book is the caller's).
   */
  protected riskCheck(order: OrderEvent): OrderEvent | undefined {
    const verdict = judgeOrder(order, this.opts.limits, this.opts.funds, this.risk, this.opts.maxNotes);
    return verdict.action === 'reject' ? undefined : verdict.order;
  }
}
