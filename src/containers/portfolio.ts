import type { BarEvent, EventType, FeaturesEvent, FillEvent, OrderEvent, SignalEvent, SluiceEvent } from '../events/index.ts';
import { Book } from '../domain/portfolio/book.ts';
import { targetQuantity } from '../domain/portfolio/sizing.ts';
import type { PortfolioConfig } from '../config/schema/trading.ts';
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
  private readonly openOrders = new Map<number, { symbol: string; signed: number }>();
  /** Last bar seen per symbol, mutated in place (no allocation per bar). */
  private readonly lastBar = new Map<string, { index: number; seq: number; ts: number; close: number }>();
  private lastSeq = -1;
  private lastTs = Number.NaN;
  private counts = { signals: 0, orders: 0, fills: 0, rejects: 0, trades: 0, unsized: 0 };

  /** The sizing feature's latest value per symbol (ATR, σ), read from FEATURES events. */
  private readonly sizingValue = new Map<string, number>();

  /**
   * @param sizingSlot hub slot of the feature the sizing rule reads (atr_risk,
   *   volatility_target); undefined when it reads none, and FEATURES events are ignored.
   * @param barsPerYear annualization factor of the data's timeframe (volatility target).
   */
  constructor(
    id: string,
    key: string,
    private readonly config: PortfolioConfig,
    private readonly sizingSlot: number | undefined = undefined,
    private readonly barsPerYear = Number.NaN,
  ) {
    super(id, 'portfolio', key);
    this.book = new Book(config.initial_cash);
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
        this.counts.rejects++;
        return this.forget(ev.orderId);
      default:
        return;
    }
  }

  private onBar(bar: BarEvent): void {
    if (bar.ts !== this.lastTs && this.lastSeq >= 0) this.snapshot();
    this.book.mark(bar.symbol, bar.close);
    const last = this.lastBar.get(bar.symbol);
    if (last === undefined) this.lastBar.set(bar.symbol, { index: bar.index, seq: bar.seq, ts: bar.ts, close: bar.close });
    else {
      last.index = bar.index;
      last.seq = bar.seq;
      last.ts = bar.ts;
      last.close = bar.close;
    }
    this.lastSeq = bar.seq;
    this.lastTs = bar.ts;
  }

  /** FEATURES are only of use to a sizing rule that reads a feature. */
  ignores(type: EventType): boolean {
    return type === 'FEATURES' && this.sizingSlot === undefined;
  }

  private onFeatures(ev: FeaturesEvent): void {
    if (this.sizingSlot !== undefined) this.sizingValue.set(ev.symbol, ev.values[this.sizingSlot]!);
  }

  private onSignal(sig: SignalEvent): void {
    this.counts.signals++;
    const direction = this.config.allow_short || sig.direction >= 0 ? sig.direction : 0;
    const equity = this.book.equity();
    const inputs =
      this.sizingSlot === undefined ? undefined : { feature: this.sizingValue.get(sig.symbol) ?? Number.NaN, barsPerYear: this.barsPerYear };
    const target = targetQuantity(this.config.sizing, direction, equity, sig.price, inputs);
    if (direction !== 0 && target === 0) this.counts.unsized++;
    const delta = target - this.book.position(sig.symbol) - (this.pending.get(sig.symbol) ?? 0);
    if (delta !== 0) this.sendOrder(sig, delta, equity, sig.signalId, 'signal');
  }

  private sendOrder(
    cause: { seq: number; ts: number; symbol: string; price: number },
    signed: number,
    equity: number,
    signalId: number,
    reason: string,
  ): void {
    const orderId = this.ids!.nextOrderId();
    this.openOrders.set(orderId, { symbol: cause.symbol, signed });
    this.pending.set(cause.symbol, (this.pending.get(cause.symbol) ?? 0) + signed);
    this.counts.orders++;
    const order: OrderEvent = {
      type: 'ORDER',
      seq: cause.seq,
      ts: cause.ts,
      symbol: cause.symbol,
      source: this.id,
      key: this.key!,
      orderId,
      signalId,
      side: signed > 0 ? 'buy' : 'sell',
      quantity: Math.abs(signed),
      reason,
      price: cause.price,
      position: this.book.position(cause.symbol),
      equity,
      grossExposure: this.book.grossExposure(),
    };
    this.emit(order);
  }

  private onFill(fill: FillEvent): void {
    this.counts.fills++;
    this.forget(fill.orderId);
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
      this.metrics$.next({
        type: 'TRADE',
        seq: fill.fillSeq,
        ts: fill.fillTs,
        symbol: fill.symbol,
        source: this.id,
        key: this.key!,
        tradeId: this.ids!.nextTradeId(),
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
      });
    }
  }

  private forget(orderId: number): void {
    const o = this.openOrders.get(orderId);
    if (o === undefined) return;
    this.openOrders.delete(orderId);
    this.pending.set(o.symbol, (this.pending.get(o.symbol) ?? 0) - o.signed);
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
  }

  /** End of data: close what is open (when configured), then the final snapshot. */
  finish(): void {
    if (this.lastSeq < 0) return;
    if (this.config.close_at_end) {
      for (const [symbol, bar] of this.lastBar) {
        const position = this.book.position(symbol);
        if (position === 0) continue;
        this.sendOrder({ seq: bar.seq, ts: bar.ts, symbol, price: bar.close }, -position, this.book.equity(), 0, 'end_of_data');
      }
    }
    this.snapshot();
  }

  stop(): void {
    this.metrics$.complete();
  }

  results(): Record<string, unknown> {
    return {
      key: this.key,
      initial_cash: this.config.initial_cash,
      final_equity: this.book.equity(),
      cash: this.book.cash,
      realized_pnl: this.book.realizedPnl,
      total_commission: this.book.totalCommission,
      open_positions: Object.fromEntries([...this.lastBar.keys()].map((s) => [s, this.book.position(s)]).filter(([, q]) => q !== 0)),
      ...this.counts,
    };
  }
}
