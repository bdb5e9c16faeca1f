/**
 * Simulated execution of market orders against bars, with slippage and commission.
 *
 * The no-look-ahead rule lives here, structurally: with `fill: next_open` an order waits
 * in a per-symbol queue and fills at the open of a later bar than the one that created it;
 * with `fill: close` it fills at the close of its own bar, and only of its own bar.
 */
import type { BarEvent, FillEvent, OrderEvent } from '../../events/index.ts';
import { commission, slippedPrice } from './costs.ts';
import type { CommissionModel } from './costs.ts';

/** When an order fills: the next bar's open (default, no look-ahead) or its own bar's close. */
export type FillMode = 'next_open' | 'close';

/** Configuration of a simulated broker. */
export interface SimulatedBrokerOptions {
  /** Container id, the `source` of every fill. */
  readonly id: string;
  readonly fill: FillMode;
  /** Slippage in basis points, always against the trader; >= 0. */
  readonly slippage_bps: number;
  readonly commission: CommissionModel;
}

/** The part of a bar `submit` reads with `fill: close`. */
export type CloseBar = Pick<BarEvent, 'seq' | 'ts' | 'close' | 'symbol' | 'index'>;

/** The part of a bar `onBar` reads. */
export type OpenBar = Pick<BarEvent, 'seq' | 'ts' | 'open' | 'symbol' | 'index'>;

/**
 * A broker that fills market orders in full at bar prices.
 *
 * Per bar with no queued order for its symbol `onBar` is one map lookup and allocates
 * nothing.
 */
export class SimulatedBroker {
  private readonly opts: SimulatedBrokerOptions;
  /** Queued orders per symbol, in submission order; arrays are reused across bars. */
  private readonly queues = new Map<string, OrderEvent[]>();
  private pending = 0;

  /** @throws RangeError when `slippage_bps` is negative or not finite. */
  constructor(opts: SimulatedBrokerOptions) {
    if (!(opts.slippage_bps >= 0) || !Number.isFinite(opts.slippage_bps)) {
      throw new RangeError(`slippage_bps must be a finite number >= 0, got ${opts.slippage_bps}`);
    }
    this.opts = opts;
  }

  /** Number of orders waiting for a bar of their symbol. */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * Accepts an order. With `next_open` it is queued and `undefined` is returned; with
   * `close` it fills at once at `currentBar.close` and the fill is returned.
   *
   * @throws Error with `close` when `currentBar` is missing or is not the order's own bar
   * (same `seq` and symbol): filling at another bar's close would be look-ahead or lag.
   */
  submit(order: OrderEvent, currentBar?: CloseBar): FillEvent | undefined {
    if (this.opts.fill === 'next_open') {
      let q = this.queues.get(order.symbol);
      if (q === undefined) {
        q = [];
        this.queues.set(order.symbol, q);
      }
      q.push(order);
      this.pending++;
      return undefined;
    }
    if (currentBar === undefined) {
      throw new Error(`fill: close needs the order's bar (order ${order.orderId}, bar seq ${order.seq})`);
    }
    if (currentBar.seq !== order.seq || currentBar.symbol !== order.symbol) {
      throw new Error(
        `fill: close must use the order's own bar: order ${order.orderId} (${order.symbol}, seq ${order.seq}) ` +
          `got bar ${currentBar.symbol} seq ${currentBar.seq}`,
      );
    }
    return this.fillAt(order, currentBar.close, currentBar.seq, currentBar.ts, currentBar.index);
  }

  /**
   * Fills, at this bar's open and in submission order, every queued order of the bar's
   * symbol that was created strictly before it (earlier `seq` and earlier `ts`). Orders of
   * this very bar (or of another symbol's bar at the same timestamp, which closes after
   * this bar opens) stay queued. Fills are emitted after the queue is updated, so `emit`
   * may submit new orders.
   *
   * @throws Error when a queued order comes from a later bar than this one: bars arrived
   * out of order, and filling would act before the order existed.
   */
  onBar(bar: OpenBar, emit: (fill: FillEvent) => void): void {
    const q = this.queues.get(bar.symbol);
    if (q === undefined || q.length === 0) return;
    let fills: FillEvent[] | undefined;
    let kept = 0;
    for (let i = 0; i < q.length; i++) {
      const order = q[i] as OrderEvent;
      if (order.seq > bar.seq || order.ts > bar.ts) {
        throw new Error(
          `look-ahead: order ${order.orderId} from bar seq ${order.seq} (ts ${order.ts}) would fill on earlier bar ` +
            `${bar.symbol} seq ${bar.seq} (ts ${bar.ts})`,
        );
      }
      if (order.seq === bar.seq || order.ts === bar.ts) {
        q[kept++] = order;
      } else {
        (fills ??= []).push(this.fillAt(order, bar.open, bar.seq, bar.ts, bar.index));
      }
    }
    if (fills === undefined) return;
    q.length = kept;
    this.pending -= fills.length;
    for (const fill of fills) emit(fill);
  }

  /**
   * Removes and returns the orders still queued (for one symbol, or all in symbol order of
   * first submission): at the end of the data they can no longer fill.
   */
  flush(symbol?: string): OrderEvent[] {
    const out: OrderEvent[] = [];
    for (const [s, q] of this.queues) {
      if (symbol !== undefined && s !== symbol) continue;
      for (const order of q) out.push(order);
      q.length = 0;
    }
    this.pending -= out.length;
    return out;
  }

  /** Builds the fill of `order` at `rawPrice` on bar (`fillSeq`, `fillTs`, symbol index `fillIndex`). */
  private fillAt(order: OrderEvent, rawPrice: number, fillSeq: number, fillTs: number, fillIndex: number): FillEvent {
    // Structural guard: whatever the caller did, a next_open fill is on a strictly later bar.
    if (this.opts.fill === 'next_open' && !(fillSeq > order.seq)) {
      throw new Error(`look-ahead: order ${order.orderId} of bar seq ${order.seq} cannot fill on bar seq ${fillSeq}`);
    }
    const price = slippedPrice(order.side, rawPrice, this.opts.slippage_bps);
    return {
      type: 'FILL',
      seq: order.seq,
      ts: order.ts,
      symbol: order.symbol,
      source: this.opts.id,
      key: order.key,
      orderId: order.orderId,
      signalId: order.signalId,
      fillSeq,
      fillTs,
      fillIndex,
      side: order.side,
      quantity: order.quantity,
      price,
      commission: commission(this.opts.commission, order.quantity, price),
      slippage: Math.abs(price - rawPrice) * order.quantity,
      reason: order.reason,
    };
  }
}
