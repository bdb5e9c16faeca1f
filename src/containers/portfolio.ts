import type {
  BarEvent,
  EventType,
  FeaturesEvent,
  FillEvent,
  OrderEvent,
  SignalEvent,
  SluiceEvent,
} from '../events/index.ts';
import { Book } from '../domain/portfolio/book.ts';
import { buyingPower, fundsNeeded, type FundsRules } from '../domain/portfolio/account.ts';
import { MarginCalls } from '../domain/portfolio/margin-calls.ts';
import { pointValue, type Instrument } from '../domain/portfolio/instrument.ts';
import { targetQuantity } from '../domain/portfolio/sizing.ts';
import { orderEvent } from '../domain/portfolio/order-event.ts';
import { entryOrderTerms, restsAsEntry } from '../domain/portfolio/entry-order.ts';
import { tradeEvent } from '../domain/portfolio/trade-event.ts';
import type { PortfolioConfig, RiskConfig } from '../config/schema/trading.ts';
import { BookExits, type ExitCause } from '../domain/risk/book-exits.ts';
import { RouteSubject } from '../routes/route-subject.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

/**
 * A book: one per strategy instance. Marks positions at every bar's close, turns signals
 * into market orders sized from equity, applies fills fed back by execution, and emits
 * PORTFOLIO snapshots and closed TRADEs on its metrics stream.
 *
 * A snapshot for time t is emitted when the first bar after t arrives (before that bar's
 * fills are applied), so with several symbols every bar of t has been marked first, and a
 * fill at t+1's open is never booked into t's equity.
 */
export class PortfolioContainer extends BaseContainer {
  readonly metrics$ = new RouteSubject<SluiceEvent>();
  private readonly book: Book;
  private ids: IdAllocator | undefined;
  /** Signed quantity of orders sent and not yet filled or rejected, per symbol. */
  private readonly pending = new Map<string, number>();
  private readonly openOrders = new Map<number, { symbol: string; signed: number; resting: boolean }>();
  /** Last bar seen per symbol, mutated in place (no allocation per bar). */
  private readonly lastBar = new Map<string, { index: number; seq: number; ts: number; close: number }>();
  private lastSeq = -1;
  private lastTs = Number.NaN;
  private counts = { signals: 0, orders: 0, fills: 0, rejects: 0, notices: 0, trades: 0, unsized: 0, margin_calls: 0 };
  /** Funds each open tracked order ties up (account.ts `fundsNeeded`), deducted from buying power until it ends. */
  private readonly reserved = new Map<number, number>();
  /** A margin account's margin calls; undefined in a cash account (or without account rules). */
  private readonly marginCalls: MarginCalls | undefined;
  /** Exit rules of the risk block (stops, time exits, drawdown halt); undefined when none is set. */
  private readonly exits: BookExits | undefined;

  /**
   * Warm-up (bars before `tradeFrom`): the latest signal per symbol, acted on at the first
   * bar at or after `tradeFrom`. Undefined once trading has begun.
   */
  private warmupSignals: Map<string, SignalEvent> | undefined;
  /** The sizing feature's latest value per symbol (ATR, σ), read from FEATURES events. */
  private readonly sizingValue = new Map<string, number>();
  /**
   * Signals with a target weight (a cross-sectional strategy) of one rebalance, gathered
   * until the last one has arrived.
   */
  private readonly targets: SignalEvent[] = [];

  /**
   * @param sizingSlot hub slot of the feature the sizing rule reads (atr_risk,
   *   volatility_target); undefined when it reads none, and FEATURES events are ignored.
   * @param barsPerYear annualization factor of the data's timeframe (volatility target).
   * @param accounting the symbols that are not shares, and the account rules whose buying
   *   power rides on every order for risk to check (absent: no funds check, as a book
   *   built by hand for a marble test).
   */
  constructor(
    id: string,
    key: string,
    private readonly config: PortfolioConfig,
    private readonly sizingSlot: number | undefined = undefined,
    private readonly barsPerYear = Number.NaN,
    private readonly tradeFrom = Number.NEGATIVE_INFINITY,
    risk?: RiskConfig,
    barMs = Number.NaN,
    private readonly accounting: {
      readonly instruments?: ReadonlyMap<string, Instrument>;
      readonly funds?: FundsRules;
    } = {},
  ) {
    super(id, 'portfolio', key);
    this.book = new Book(config.initialCash, accounting.instruments);
    if (risk !== undefined && BookExits.wanted(risk)) this.exits = new BookExits(risk, barMs, this.exitHost());
    const account = accounting.funds?.account;
    if (account?.type === 'margin')
      this.marginCalls = new MarginCalls(account, {
        committed: (symbol) => this.committed(symbol),
        cancelEntries: (cause) => this.cancelEntries(cause),
        send: (cause, signed, equity) => this.sendOrder(cause, signed, equity, 0, 'margin_call'),
      });
    if (tradeFrom > Number.NEGATIVE_INFINITY) this.warmupSignals = new Map();
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
  }

  protected onEvent(ev: SluiceEvent): void {
    switch (ev.type) {
      case 'BAR':
        return this.onBar(ev);
      case 'FEATURES':
        return this.onFeatures(ev);
      case 'SIGNAL':
        return this.onSignal(ev);
      case 'FILL':
        return this.onFill(ev);
      case 'REJECT':
        // Execution's notices (cancelled, expired, OCO…) carry `remaining`; risk's rejections do not.
        if (ev.remaining !== undefined) this.counts.notices++;
        else this.counts.rejects++;
        this.exits?.onNotice(ev.orderId);
        return this.forget(ev.orderId);
      default:
        return;
    }
  }

  private onBar(bar: BarEvent): void {
    if (this.warmupSignals !== undefined && bar.ts >= this.tradeFrom) this.beginTrading();
    if (bar.ts !== this.lastTs && this.lastSeq >= 0 && this.lastTs >= this.tradeFrom) {
      this.snapshot();
      this.checkMarginCall();
    }
    this.book.mark(bar.symbol, bar.close);
    const last = this.lastBar.get(bar.symbol);
    if (last === undefined)
      this.lastBar.set(bar.symbol, { index: bar.index, seq: bar.seq, ts: bar.ts, close: bar.close });
    else {
      last.index = bar.index;
      last.seq = bar.seq;
      last.ts = bar.ts;
      last.close = bar.close;
    }
    this.lastSeq = bar.seq;
    this.lastTs = bar.ts;
    if (this.exits !== undefined && bar.ts >= this.tradeFrom) this.exits.onBar(bar);
  }

  /**
   * A margin account whose equity at the last closes is below its maintenance margin
   * liquidates every position at the next open (exit reason `margin_call`), once: not
   * again while those orders are open. Resting entries are cancelled first.
   */
  private checkMarginCall(): void {
    const calls = this.marginCalls;
    if (calls === undefined || !calls.due(this.book)) return;
    this.counts.margin_calls++;
    for (const [symbol, bar] of this.lastBar)
      calls.liquidate(this.book, { seq: bar.seq, ts: bar.ts, symbol, price: bar.close });
  }

  /** FEATURES are only of use to a sizing rule that reads a feature. */
  ignores(type: EventType): boolean {
    return type === 'FEATURES' && this.sizingSlot === undefined;
  }

  private onFeatures(ev: FeaturesEvent): void {
    if (this.sizingSlot !== undefined) this.sizingValue.set(ev.symbol, ev.values[this.sizingSlot]!);
  }

  /**
   * The first bar at or after `tradeFrom` has arrived (before execution sees it): act on
   * the position each strategy held at the end of the warm-up, as signals of the last
   * warm-up bar, so those orders fill at this bar's open like any next_open order.
   */
  private beginTrading(): void {
    const held = this.warmupSignals!;
    this.warmupSignals = undefined;
    // As if decided at the last warm-up bar's close: sized at that price, filling next.
    const targets: SignalEvent[] = [];
    for (const sig of held.values()) {
      const last = this.lastBar.get(sig.symbol);
      const moved = last === undefined ? sig : { ...sig, seq: last.seq, ts: last.ts, price: last.close };
      if (sig.target === undefined) this.onSignal(moved);
      else targets.push(moved);
    }
    // A cross-sectional book's last targets, as one rebalance (sells first).
    if (targets.length > 0) {
      this.counts.signals += targets.length;
      this.rebalance(targets);
    }
  }

  private onTarget(sig: SignalEvent): void {
    this.targets.push(sig);
    if (sig.target!.pending > 0) return;
    const batch = this.targets.splice(0);
    this.rebalance(batch);
  }

  /**
   * One rebalance of a cross-sectional book: each symbol's target is its weight of the
   * equity at the closes it was decided on, in whole shares (as `percent_equity` sizes).
   * Orders reducing a position go first, so that a cash account's buying power (what the
   * sells will free) funds the buys sent after them; all fill at each symbol's next open.
   */
  private rebalance(batch: readonly SignalEvent[]): void {
    const equity = this.book.equity();
    const orders = batch.map((sig) => {
      const weight = this.config.allowShort ? sig.target!.weight : Math.max(0, sig.target!.weight);
      const unitPrice = sig.price * pointValue(this.book.instrument(sig.symbol));
      const direction = weight > 0 ? 1 : weight < 0 ? -1 : 0;
      let target = targetQuantity(
        { type: 'percent_equity', percent: Math.abs(weight) * 100 },
        direction,
        equity,
        unitPrice,
      );
      if (direction !== 0 && target === 0) this.counts.unsized++;
      const committed = this.committed(sig.symbol);
      // As for any signal: an entry the exit rules refuse (halted book, session about to close) keeps only the exit part.
      if (this.exits !== undefined && Math.abs(target) > Math.abs(committed) && !this.exits.allowsEntry(sig.ts)) {
        target = Math.sign(target) === Math.sign(committed) ? committed : 0;
      }
      return { sig, delta: target - committed };
    });
    const reducing = (o: { sig: SignalEvent; delta: number }): boolean => {
      const committed = this.committed(o.sig.symbol);
      return committed !== 0 && Math.sign(o.delta) !== Math.sign(committed);
    };
    for (const o of [...orders.filter(reducing), ...orders.filter((o) => !reducing(o))]) {
      if (o.delta !== 0) this.sendOrder(o.sig, o.delta, equity, o.sig.signalId, 'signal');
    }
  }

  private onSignal(sig: SignalEvent): void {
    if (this.warmupSignals !== undefined) {
      // Warm-up: indicators and strategies run, the book does not trade yet.
      this.warmupSignals.set(sig.symbol, sig);
      return;
    }
    if (sig.target !== undefined) {
      this.counts.signals++;
      return this.onTarget(sig);
    }
    this.counts.signals++;
    const direction = this.config.allowShort || sig.direction >= 0 ? sig.direction : 0;
    const equity = this.book.equity();
    // A contract of a future moves price × multiplier: its notional, and (atr_risk) its ATR
    // in currency, are the multiplier times the price's. σ (volatility_target) is relative.
    const point = pointValue(this.book.instrument(sig.symbol));
    const feature = this.sizingSlot === undefined ? Number.NaN : (this.sizingValue.get(sig.symbol) ?? Number.NaN);
    const inputs =
      this.sizingSlot === undefined
        ? undefined
        : {
            feature: this.config.sizing.type === 'atr_risk' ? feature * point : feature,
            barsPerYear: this.barsPerYear,
          };
    const unitPrice = sig.price * point;
    let target = targetQuantity(this.config.sizing, direction, equity, unitPrice, inputs);
    if (direction !== 0 && target === 0) this.counts.unsized++;
    const entry = this.config.entryOrder;
    // A new signal replaces the unfilled resting entries of its symbol.
    if (entry.type !== 'market') this.cancelEntries(sig);
    const committed = this.committed(sig.symbol);
    // An entry the exit rules refuse (halted book, session about to close) keeps only the exit part.
    if (this.exits !== undefined && Math.abs(target) > Math.abs(committed) && !this.exits.allowsEntry(sig.ts)) {
      target = Math.sign(target) === Math.sign(committed) ? committed : 0;
    }
    const delta = target - committed;
    if (delta === 0) return;
    // Opening, adding or reversing: the configured entry order; only reducing: a market order.
    const terms = entryOrderTerms(entry, sig.price, committed, delta);
    this.sendOrder(sig, delta, equity, sig.signalId, 'signal', terms);
  }

  /**
   * A new signal replaces the unfilled resting entries of its symbol: they are cancelled
   * (their shares stop counting as pending at once; execution confirms with a notice).
   */
  private cancelEntries(cause: { seq: number; ts: number; symbol: string }): void {
    for (const [orderId, o] of this.openOrders) {
      if (o.symbol !== cause.symbol || !o.resting) continue;
      this.forget(orderId);
      this.emit({
        type: 'CANCEL',
        seq: cause.seq,
        ts: cause.ts,
        symbol: cause.symbol,
        source: this.id,
        key: this.key!,
        orderId,
        reason: 'replaced_by_signal',
      });
    }
  }

  /** Position after the orders sent and not yet filled or rejected. */
  private committed(symbol: string): number {
    return this.book.position(symbol) + (this.pending.get(symbol) ?? 0);
  }

  /** What the exit rules may read and do. */
  private exitHost() {
    return {
      position: (symbol: string) => this.book.position(symbol),
      committed: (symbol: string) => this.committed(symbol),
      avgPrice: (symbol: string) => this.book.avgPrice(symbol),
      entryBarIndex: (symbol: string) => this.book.entryBarIndex(symbol),
      send: (cause: ExitCause, signed: number, reason: string, extra: Partial<OrderEvent>, tracked: boolean) =>
        this.sendOrder(cause, signed, this.book.equity(), 0, reason, extra, tracked),
      cancel: (cause: ExitCause, orderId: number, reason: string) =>
        this.emit({
          type: 'CANCEL',
          seq: cause.seq,
          ts: cause.ts,
          symbol: cause.symbol,
          source: this.id,
          key: this.key!,
          orderId,
          reason,
        }),
    };
  }

  /**
   * Sends an order. A `tracked` order counts as pending until filled or rejected (what
   * signals size against); resting protective orders (stops, take-profits) do not.
   */
  private sendOrder(
    cause: { seq: number; ts: number; symbol: string; price: number },
    signed: number,
    equity: number,
    signalId: number,
    reason: string,
    extra: Partial<OrderEvent> = {},
    tracked = true,
  ): number {
    const orderId = this.ids!.nextOrderId();
    const position = this.book.position(cause.symbol);
    const funds = this.accounting.funds;
    let power: number | undefined;
    if (tracked && funds !== undefined) {
      power = buyingPower(this.book, funds.account);
      for (const r of this.reserved.values()) power -= r;
      const side = signed > 0 ? 'buy' : 'sell';
      this.reserved.set(
        orderId,
        fundsNeeded(funds, { symbol: cause.symbol, side, quantity: Math.abs(signed), price: cause.price, position }),
      );
    }
    if (tracked) {
      this.openOrders.set(orderId, {
        symbol: cause.symbol,
        signed,
        resting: restsAsEntry(extra),
      });
      this.pending.set(cause.symbol, (this.pending.get(cause.symbol) ?? 0) + signed);
    }
    this.counts.orders++;
    const order = orderEvent(
      cause,
      this.id,
      this.key!,
      orderId,
      signalId,
      signed,
      reason,
      { position, equity, grossExposure: this.book.grossExposure(), buyingPower: power },
      extra,
    );
    this.emit(order);
    return orderId;
  }

  private onFill(fill: FillEvent): void {
    this.counts.fills++;
    this.filled(fill);
    const closed = this.book.applyFill({
      symbol: fill.symbol,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      commission: fill.commission,
      ts: fill.fillTs,
      barIndex: fill.fillIndex,
      reason: fill.reason,
    });
    for (const t of closed) {
      this.counts.trades++;
      this.metrics$.next(
        tradeEvent(
          t,
          { seq: fill.fillSeq, ts: fill.fillTs, symbol: fill.symbol },
          this.id,
          this.key!,
          this.ids!.nextTradeId(),
        ),
      );
    }
    this.exits?.onFill(fill);
  }

  private forget(orderId: number): void {
    this.reserved.delete(orderId);
    this.marginCalls?.ended(orderId);
    const o = this.openOrders.get(orderId);
    if (o === undefined) return;
    this.openOrders.delete(orderId);
    this.pending.set(o.symbol, (this.pending.get(o.symbol) ?? 0) - o.signed);
  }

  /**
   * A fill: its shares are no longer pending. A partial fill (`remaining > 0`) keeps the
   * order open for its rest; the last fill forgets it (which also releases any shares risk
   * cut from the order, since `pending` counts what the book asked for).
   */
  private filled(fill: FillEvent): void {
    const o = this.openOrders.get(fill.orderId);
    if (o === undefined) return;
    if (!(fill.remaining > 0)) return this.forget(fill.orderId);
    // What the filled part tied up is in the book now; the rest stays reserved pro rata.
    const r = this.reserved.get(fill.orderId);
    if (r !== undefined) this.reserved.set(fill.orderId, (r * fill.remaining) / (fill.remaining + fill.quantity));
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    o.signed -= signed;
    this.pending.set(o.symbol, (this.pending.get(o.symbol) ?? 0) - signed);
  }

  private snapshot(): void {
    const book = this.book;
    this.metrics$.next({
      type: 'PORTFOLIO',
      seq: this.lastSeq,
      ts: this.lastTs,
      symbol: '*',
      source: this.id,
      key: this.key!,
      cash: book.cash,
      equity: book.equity(),
      grossExposure: book.grossExposure(),
      invested: book.invested,
      realizedPnl: book.realizedPnl,
      unrealizedPnl: book.unrealizedPnl(),
    });
    this.exits?.onEquity(book.equity(), this.lastBar.keys());
  }

  /** End of data: close what is open (when configured), then the final snapshot. */
  finish(): void {
    if (this.lastSeq < 0) return;
    if (this.config.closeAtEnd) {
      for (const [symbol, bar] of this.lastBar) {
        const position = this.book.position(symbol);
        if (position === 0) continue;
        this.sendOrder(
          { seq: bar.seq, ts: bar.ts, symbol, price: bar.close },
          -position,
          this.book.equity(),
          0,
          'end_of_data',
        );
      }
    }
    if (this.lastTs >= this.tradeFrom) this.snapshot();
  }

  stop(): void {
    this.metrics$.complete();
  }

  results(): Record<string, unknown> {
    return {
      key: this.key,
      account: this.config.account,
      initial_cash: this.config.initialCash,
      final_equity: this.book.equity(),
      cash: this.book.cash,
      realized_pnl: this.book.realizedPnl,
      total_commission: this.book.totalCommission,
      ...(this.exits !== undefined
        ? {
            exits: {
              ...this.exits.counts,
              halted_at: this.exits.haltedAt === undefined ? null : new Date(this.exits.haltedAt).toISOString(),
            },
          }
        : {}),
      open_positions: Object.fromEntries(
        [...this.lastBar.keys()].map((s) => [s, this.book.position(s)]).filter(([, q]) => q !== 0),
      ),
      ...this.counts,
    };
  }
}
