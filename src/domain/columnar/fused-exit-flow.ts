/**
 * The fused book loop's order flow when the risk block has exit rules (stop loss,
 * take-profit, trailing stop, time exits, `close_eod`, the drawdown halt), the account is
 * a margin account, fills are capped at a share of each bar's volume
 * (`max_volume_share`), entries are limit or stop orders (`portfolio.entry_order`, resting
 * at the broker until a bar reaches their price, they expire or the next signal cancels
 * them), or the instrument is a futures contract (whose books it marks at every close
 * they hold a contract): a book may then have several orders at the broker at once (a
 * resting reduce-only stop and limit in an OCO group, a market exit or a margin call's
 * liquidation beside the signal's order, the unfilled rest of an order beside the next
 * signal's), cancels them and has them tested against each bar's high and low. Rather
 * than a second implementation of that, this runs the per-event path's own code: the exit rules of each book (`BookExits`, src/domain/risk/book-exits.ts), its
 * margin calls (`MarginCalls`, src/domain/portfolio/margin-calls.ts, checked at each
 * snapshot at the bar before's close, as the portfolio checks them) and one
 * `SimulatedBroker` in the execution container's `ExecutionDesk`, with what the portfolio,
 * risk and execution containers do between them (src/containers/portfolio.ts, risk.ts,
 * execution.ts) in the same order:
 *
 * - an order goes through risk (`decideOrder`) to the desk at once, as the routes carry
 *   it synchronously; a risk rejection reaches the book before `send` returns;
 * - with `fill: close` the desk is told which bar execution has seen: the bar before while
 *   the books see a bar (a margin call's, a drawdown halt's or the warm-up's last signals'
 *   order fills at once at its close), then the bar itself (an exit rule's order decided at
 *   its close waits until the broker has it, a signal's fills at once);
 * - the broker's fills and notices reach the books through one trampoline, like the
 *   execution → portfolio feedback route: an event the broker sends while another is being
 *   delivered (the cancel of the old stop while its book books a fill) waits until that
 *   one is done.
 *
 * The loop calls it only on bars where some book holds a position or has an order at the
 * broker (`busy`; a margin call needs a position), and only for those books; a bar where
 * every book is flat with nothing at the broker costs what it costs without exit rules. The drawdown halt is the
 * exception: its peak needs every book's equity at every bar, so with it every trading
 * bar visits every book.
 */
import type { BarEvent, FillEvent, OrderEvent } from '../../events/index.ts';
import type { BrokerEvent, CloseBar, SimulatedBroker } from '../execution/simulated-broker.ts';
import { ExecutionDesk } from '../execution/execution-desk.ts';
import { buyingPower, fundsNeeded } from '../portfolio/account.ts';
import { clearOfMaintenance, MarginCalls } from '../portfolio/margin-calls.ts';
import type { Instrument } from '../portfolio/instrument.ts';
import { orderEvent } from '../portfolio/order-event.ts';
import { entryOrderTerms, restsAsEntry, type EntryOrderRule } from '../portfolio/entry-order.ts';
import { BookExits, type ExitCause } from '../risk/book-exits.ts';
import {
  FusedOrderFlow,
  type At,
  type FusedBookSink,
  type FusedBooksOptions,
  type FusedExitOptions,
  type FusedIds,
} from './fused-order-flow.ts';
import { TrackedOrders } from './tracked-orders.ts';

/** The bar before the current one, whose close a snapshot (and a margin check) values the books at. */
export interface ClosedBar {
  readonly seq: number;
  readonly ts: number;
  readonly close: number;
}

/** The bar before the current one in full: execution's last bar while the portfolios see the current one. */
export interface BarBefore extends ClosedBar {
  readonly index: number;
  readonly volume: number;
}

/** No order type, price or expiry laid over a market order. */
const MARKET: Partial<OrderEvent> = Object.freeze({});

/**
 * The books' order flow through the simulated broker, with the exit rules of each book
 * and, in a margin account, its margin calls.
 */
export class FusedExitFlow extends FusedOrderFlow {
  /** Each book's exit rules; undefined when the risk block has none (a margin account alone). */
  readonly exits: BookExits[] | undefined;
  /** Each book's margin calls (the portfolio container's, the same code); undefined in a cash account. */
  private readonly marginCalls: MarginCalls[] | undefined;
  /** `portfolio.entry_order` when entries rest at the broker as limit or stop orders; undefined: market entries. */
  private readonly entryOrder: EntryOrderRule | undefined;
  readonly broker: SimulatedBroker;
  /**
   * The execution container's handling of orders around the broker (the same code): with
   * `fill: close` it holds an exit decided at a bar's close until the broker has that bar.
   */
  private readonly desk: ExecutionDesk;
  /**
   * The bar execution has seen last, as an order reaches it: the bar before while the
   * portfolios see the current bar (`before`), the current bar once the broker has it,
   * the last bar at the end of the data. A `fill: close` order of that bar fills at its close.
   */
  private seen: CloseBar | undefined;
  private readonly before: { -readonly [K in keyof CloseBar]: CloseBar[K] };
  /** `fill: close`. */
  private readonly atClose: boolean;
  /** Per book, the `seq` of the last bar its exit rules saw (`fill: close` reads it: `catchUp`). */
  private readonly exitsSeq: Float64Array;
  /** CANCEL events execution received (its results' `cancel_requests`). */
  cancelRequests = 0;
  /**
   * Fills that left part of their order open (its results' `partial_fills`): the volume
   * cap's (`max_volume_share`), or a reduce-only order cut to a smaller position (a stop
   * after a margin call sold part of it).
   */
  partialFills = 0;
  /** The bar being processed, as the broker and the exit rules read it. */
  private readonly bar: BarEvent;
  private readonly keyIndex: Map<string, number>;
  /** Per book: its tracked open orders, and the funds each reserves (in the order sent). */
  private readonly tracked: TrackedOrders[];
  /** Books holding a position. */
  private holding = 0;
  /** The drawdown halt watches every book's equity at every bar. */
  private readonly everyBar: boolean;
  private readonly symbols: readonly string[];
  /** The feedback route's trampoline: broker events waiting while one is delivered. */
  private delivering = false;
  private readonly backlog: BrokerEvent[] = [];
  /** The close the books are marked at when a fill is booked (the current bar's). */
  private markPrice = Number.NaN;
  private readonly deliver = (ev: BrokerEvent): void => this.fromBroker(ev);
  /** The symbol's instrument; a future's held books are marked at every close (their variation settles into cash). */
  private readonly instrument: Instrument;

  constructor(opts: FusedBooksOptions, sinks: readonly FusedBookSink[], ids: FusedIds, exit: FusedExitOptions) {
    super(opts, sinks, ids);
    const n = opts.keys.length;
    this.desk = new ExecutionDesk(exit.broker);
    this.broker = this.desk.broker;
    this.atClose = exit.broker.fill === 'close';
    this.exitsSeq = new Float64Array(n).fill(-1);
    this.before = { seq: -1, ts: Number.NaN, symbol: opts.symbol, index: -1, close: Number.NaN, volume: Number.NaN };
    this.entryOrder = exit.entryOrder;
    this.everyBar = exit.rules?.maxDrawdownPct !== undefined;
    this.symbols = [opts.symbol];
    this.keyIndex = new Map(opts.keys.map((key, k) => [key, k]));
    this.instrument = opts.funds.instrument(opts.symbol);
    this.tracked = opts.keys.map(() => new TrackedOrders());
    const rules = exit.rules;
    this.exits =
      rules === undefined ? undefined : opts.keys.map((_, k) => new BookExits(rules, exit.barMs, this.host(k)));
    const account = opts.funds.account;
    this.marginCalls =
      account.type === 'margin' ? opts.keys.map((_, k) => new MarginCalls(account, this.marginHost(k))) : undefined;
    this.bar = {
      type: 'BAR',
      seq: -1,
      ts: Number.NaN,
      symbol: opts.symbol,
      source: exit.broker.id,
      index: -1,
      open: Number.NaN,
      high: Number.NaN,
      low: Number.NaN,
      close: Number.NaN,
      volume: Number.NaN,
    } as BarEvent;
    if (this.filled.length < 2 * n + 4) this.filled = new Int32Array(2 * n + 4);
  }

  /**
   * True when the bar needs `onBar`: some book holds a position or has an order at the
   * broker, or (the drawdown halt) every book's equity is watched at every bar.
   */
  get busy(): boolean {
    return this.everyBar || this.holding > 0 || this.broker.pendingCount > 0;
  }

  /**
   * The portfolio's snapshot of book k at `prevClose` (the bar before) reaches its exit
   * rules: the drawdown halt may trip and send its exits. At every bar after the first of
   * trading, and at the end of the data.
   */
  snapshotEquity(k: number, prevClose: number): void {
    const book = this.books[k]!;
    book.mark(this.opts.symbol, prevClose);
    this.exits?.[k]!.onEquity(book.equity(), this.symbols);
  }

  /**
   * Bar `at` (with its open, high and low) as the portfolios and then execution see it:
   * for each book in order that holds or has committed a position (`begin(k)` first, when
   * trading begins on this bar; with the drawdown halt, every book, after its snapshot of
   * the bar before, `snapshotOf`, when one is taken), its margin check at the bar before's
   * close (when a snapshot is taken) and its exit rules; then the broker. The books
   * filled are left in `filled`. `before` is the bar before (undefined at the first bar of
   * the data): execution's last bar until the broker sees this one, where a `fill: close`
   * order of that bar (the warm-up's last signals, a margin call, a drawdown halt) fills.
   */
  onBar(
    at: At,
    open: number,
    high: number,
    low: number,
    begin: ((k: number) => void) | undefined,
    snapshotOf: ClosedBar | undefined,
    before: BarBefore | undefined,
  ): void {
    if (at.ts < this.opts.tradeFrom) return;
    const bar = this.bar as { -readonly [K in keyof BarEvent]: BarEvent[K] };
    bar.seq = at.seq;
    bar.ts = at.ts;
    bar.index = at.index;
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = at.close;
    bar.volume = at.volume;
    this.filledCount = 0;
    // The portfolios see this bar before execution does: until the broker has it, an order
    // reaches an execution whose last bar is the one before, and a fill is booked into a
    // book still marked at that bar's close (the portfolio marks it after its snapshot).
    this.seen = before === undefined ? undefined : this.setBefore(before);
    const beforeClose = before === undefined ? Number.NaN : before.close;
    this.markPrice = beforeClose;
    const symbol = this.opts.symbol;
    const n = this.opts.keys.length;
    for (let k = 0; k < n; k++) {
      if (begin !== undefined) begin(k);
      if (this.everyBar) {
        // As the portfolio does on every bar: the snapshot of the bar before (which the
        // halt reads), then this bar's exit rules, whatever the book holds.
        if (snapshotOf !== undefined) this.snapshotEquity(k, snapshotOf.close);
      } else if (this.qty[k] === 0 && this.pending[k] === 0) continue;
      // After the snapshot, as the portfolio checks; only a book holding a position can be
      // called, and one far above its maintenance margin cannot (its mirrors say so).
      if (
        this.marginCalls !== undefined &&
        snapshotOf !== undefined &&
        this.qty[k] !== 0 &&
        !clearOfMaintenance(this.opts.funds.account, this.cash[k]!, this.qty[k]!, snapshotOf.close, this.instrument)
      )
        this.checkMarginCall(k, snapshotOf);
      // The exit rules read the book at this bar's close. Without them nothing does before
      // the next mark (a fill, a signal, the next check mark first), so a margin account
      // alone skips it: on every bar a book holds a position, that mark was half the check's
      // cost. A future's book is marked at every close, as the portfolio marks it: the mark
      // settles its variation into cash, bar by bar, and the cash mirror follows.
      const exits = this.exits;
      if (exits !== undefined || this.instrument.kind === 'future') {
        const book = this.books[k]!;
        this.markPrice = at.close;
        book.mark(symbol, at.close);
        this.cash[k] = book.cash;
        if (exits !== undefined) {
          exits[k]!.onBar(this.bar);
          this.exitsSeq[k] = at.seq;
        }
        this.markPrice = beforeClose;
      }
    }
    this.markPrice = at.close;
    this.seen = this.bar;
    // Only fill: close holds orders outside the broker (for this bar, sent just now).
    if (this.broker.pendingCount > 0 || this.atClose) this.desk.onBar(this.bar, this.deliver);
  }

  /** `before`, as the bar execution has seen last. */
  private setBefore(b: BarBefore): CloseBar {
    const s = this.before;
    s.seq = b.seq;
    s.ts = b.ts;
    s.index = b.index;
    s.close = b.close;
    s.volume = b.volume;
    return s;
  }

  /**
   * Before book k's signal order of the current bar fills at its close (`fill: close`): a
   * book flat with nothing at the broker was skipped on this bar, so its exit rules have
   * not seen it; the portfolio's had (they do nothing for a flat book but remember the
   * bar, whose high and low move the trailing stop of the position this fill opens).
   */
  private catchUp(k: number, cause: At): void {
    const exits = this.exits;
    if (exits === undefined || cause.seq !== this.bar.seq || this.exitsSeq[k] === cause.seq) return;
    exits[k]!.onBar(this.bar);
    this.exitsSeq[k] = cause.seq;
  }

  protected override allowsEntry(k: number, ts: number): boolean {
    return this.exits === undefined || this.exits[k]!.allowsEntry(ts);
  }

  /**
   * The portfolio's margin check of book k at the close of the bar before (`prev`), as
   * its `checkMarginCall`: the same MarginCalls, the liquidation caused by that bar (it
   * fills at this bar's open).
   */
  private checkMarginCall(k: number, prev: ClosedBar): void {
    const book = this.books[k]!;
    const symbol = this.opts.symbol;
    book.mark(symbol, prev.close);
    const calls = this.marginCalls![k]!;
    if (!calls.due(book)) return;
    this.counts[k]!.margin_calls++;
    calls.liquidate(book, { seq: prev.seq, ts: prev.ts, symbol, price: prev.close });
  }

  protected override sendOrder(
    k: number,
    cause: At,
    signed: number,
    equity: number,
    signalId: number,
    reason: 'signal' | 'end_of_data',
  ): boolean {
    const symbol = this.opts.symbol;
    const at = { seq: cause.seq, ts: cause.ts, symbol, price: cause.close };
    // A signal opening, adding to or reversing a position sends the configured entry order
    // (`act` has just computed the same committed position); every other order is a market order.
    const terms =
      reason === 'signal' && this.entryOrder !== undefined
        ? entryOrderTerms(this.entryOrder, cause.close, this.books[k]!.position(symbol) + this.pending[k]!, signed)
        : undefined;
    if (this.atClose && reason === 'signal') this.catchUp(k, cause);
    const filled = this.filledCount;
    this.submit(k, at, signed, equity, signalId, reason, terms ?? MARKET, true);
    // Filled at once (fill: close, the end of the data): the loop records the book's change.
    return this.filledCount > filled;
  }

  protected override replaceEntries(k: number): void {
    if (this.entryOrder !== undefined) this.cancelEntries(k);
  }

  /**
   * The portfolio's `cancelEntries`: each resting entry of book k, in the order sent, stops
   * counting as pending and reserving funds at once, and its CANCEL passes risk to
   * execution, which counts it and asks the broker; the broker's `canceled` notice reaches
   * the book through the trampoline.
   */
  private cancelEntries(k: number): void {
    const orders = this.tracked[k]!;
    for (let id = orders.firstResting(); id >= 0; id = orders.firstResting()) {
      this.forgetOrder(k, id);
      this.cancelAtBroker(k, id);
    }
  }

  /** A CANCEL of book k's order: risk passes it through untouched; execution counts it and asks the broker. */
  private cancelAtBroker(k: number, orderId: number): void {
    this.cancelRequests++;
    this.broker.cancel(this.opts.keys[k]!, orderId, this.deliver);
  }

  override closeOut(k: number, last: At): void {
    this.markPrice = last.close;
    // The data ended: execution's last bar is the last one (a drawdown halt at the final
    // snapshot fills at its close with fill: close).
    this.seen = this.setBefore(last);
    super.closeOut(k, last);
  }

  /** End of data at the broker: every order still open ends unfilled. */
  override endWaiting(): void {
    this.execution.unfilledAtEnd = this.broker.flush(this.deliver);
  }

  /**
   * Sends an order as the portfolio's `sendOrder` does (a `tracked` one counts as pending
   * and reserves funds; resting protective orders do neither), through risk, to the
   * broker. Returns its id.
   */
  private submit(
    k: number,
    cause: ExitCause,
    signed: number,
    equity: number,
    signalId: number,
    reason: string,
    extra: Partial<OrderEvent>,
    tracked: boolean,
  ): number {
    const book = this.books[k]!;
    const funds = this.opts.funds;
    const orderId = this.ids.nextOrderId();
    const position = book.position(cause.symbol);
    let power: number | undefined;
    if (tracked) {
      const orders = this.tracked[k]!;
      power = orders.deductReserved(buyingPower(book, funds.account));
      const side = signed > 0 ? 'buy' : 'sell';
      const reserved = fundsNeeded(funds, {
        symbol: cause.symbol,
        side,
        quantity: Math.abs(signed),
        price: cause.price,
        position,
      });
      orders.add(orderId, signed, reserved, restsAsEntry(extra));
      this.pending[k]! += signed;
    }
    this.counts[k]!.orders++;
    const order = orderEvent(
      cause,
      this.opts.portfolioIds[k]!,
      this.opts.keys[k]!,
      orderId,
      signalId,
      signed,
      reason,
      { position, equity, grossExposure: book.grossExposure(), buyingPower: power },
      extra,
    );
    const approved = this.riskCheck(order);
    if (approved === undefined) {
      // Risk's REJECT reaches the book before its send returns, as on the routes.
      this.counts[k]!.rejects++;
      this.exits?.[k]!.onNotice(orderId);
      this.forgetOrder(k, orderId);
      return orderId;
    }
    this.execution.orders++;
    this.desk.submit(approved, this.seen, this.deliver);
    return orderId;
  }

  /** The broker's events, counted as execution counts them, delivered through the trampoline. */
  private fromBroker(ev: BrokerEvent): void {
    if (ev.type === 'FILL') {
      this.execution.fills++;
      if (ev.remaining > 0) this.partialFills++;
    } else {
      const ended = this.execution.ended as Record<string, number>;
      if (Object.hasOwn(ended, ev.reason)) ended[ev.reason]!++;
    }
    if (this.delivering) {
      this.backlog.push(ev);
      return;
    }
    this.delivering = true;
    try {
      this.toBook(ev);
      for (let i = 0; i < this.backlog.length; i++) this.toBook(this.backlog[i]!);
    } finally {
      this.backlog.length = 0;
      this.delivering = false;
    }
  }

  /** A broker event reaches its book, as the portfolio container handles FILL and REJECT. */
  private toBook(ev: BrokerEvent): void {
    const k = this.keyIndex.get(ev.key)!;
    const counts = this.counts[k]!;
    if (ev.type === 'REJECT') {
      if (ev.remaining !== undefined) counts.notices++;
      else counts.rejects++;
      this.exits?.[k]!.onNotice(ev.orderId);
      this.forgetOrder(k, ev.orderId);
      return;
    }
    counts.fills++;
    if (!(ev.remaining > 0)) this.forgetOrder(k, ev.orderId);
    else this.partFilled(k, ev);
    const book = this.books[k]!;
    // The portfolio marked its book at this bar's close before execution saw the bar.
    book.mark(ev.symbol, this.markPrice);
    const before = this.qty[k]!;
    this.bookFill(k, ev, ev.quantity, ev.price, ev.commission, ev.fillSeq, ev.fillTs, ev.fillIndex);
    const after = this.qty[k]!;
    if ((before === 0) !== (after === 0)) this.holding += after === 0 ? -1 : 1;
    if (this.filledCount === this.filled.length) {
      const grown = new Int32Array(this.filled.length * 2);
      grown.set(this.filled);
      this.filled = grown;
    }
    this.filled[this.filledCount++] = k;
    this.exits?.[k]!.onFill(ev);
  }

  /**
   * Part of book k's order filled (the volume cap, or a reduce-only order cut to a smaller
   * position): a tracked order stays open for its rest, and only the rest is pending.
   */
  private partFilled(k: number, fill: FillEvent): void {
    const orders = this.tracked[k]!;
    const i = orders.indexOf(fill.orderId);
    if (i < 0) return;
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    orders.partFilled(i, signed, fill.quantity, fill.remaining);
    this.pending[k]! -= signed;
  }

  /** Book k's tracked order ended (filled, rejected, cancelled): no longer pending, its funds released. */
  private forgetOrder(k: number, orderId: number): void {
    this.marginCalls?.[k]!.ended(orderId);
    const orders = this.tracked[k]!;
    const i = orders.indexOf(orderId);
    if (i >= 0) this.pending[k]! -= orders.remove(i);
  }

  /**
   * What book k's margin calls read and do, as in the portfolio container: its resting
   * entries cancelled, then a tracked market order.
   */
  private marginHost(k: number) {
    return {
      committed: (symbol: string) => this.books[k]!.position(symbol) + this.pending[k]!,
      cancelEntries: () => this.cancelEntries(k),
      send: (cause: ExitCause, signed: number, equity: number) =>
        this.submit(k, cause, signed, equity, 0, 'margin_call', MARKET, true),
    };
  }

  /** What book k's exit rules read and do: the portfolio container's `exitHost`. */
  private host(k: number) {
    return {
      position: (symbol: string) => this.books[k]!.position(symbol),
      committed: (symbol: string) => this.books[k]!.position(symbol) + this.pending[k]!,
      avgPrice: (symbol: string) => this.books[k]!.avgPrice(symbol),
      entryBarIndex: (symbol: string) => this.books[k]!.entryBarIndex(symbol),
      send: (cause: ExitCause, signed: number, reason: string, extra: Partial<OrderEvent>, tracked: boolean) =>
        this.submit(k, cause, signed, this.books[k]!.equity(), 0, reason, extra, tracked),
      cancel: (_cause: ExitCause, orderId: number) => this.cancelAtBroker(k, orderId),
    };
  }
}
