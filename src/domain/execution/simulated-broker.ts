/**
 * Simulated execution of market, limit and stop orders against bars, with partial fills
 * under a volume cap, reduce-only and one-cancels-other orders, slippage and commission.
 * docs/execution.md states every convention; this file implements them.
 *
 * The no-look-ahead rule lives here, structurally: an order waits in a per-symbol queue
 * and fills on a bar later than the one that created it (earlier `seq` and `ts`), except
 * a market order with `fill: close`, which fills at the close of its own bar and of its
 * own bar only. Limit and stop orders rest until a later bar in both modes.
 */
import type { BarEvent, FillEvent, OrderEvent, OrderType, RejectEvent } from '../../events/index.ts';
import { checkSlippageModel, CommissionSchedule, slippageBps, slippedPrice } from './costs.ts';
import type { CommissionModel, OrderCosts, SlippageModel } from './costs.ts';

/** When a market order fills: the next bar's open (default, no look-ahead) or its own bar's close. */
export type FillMode = 'next_open' | 'close';

/** Why execution ended an order without a complete fill (the REJECT's `reason`). */
export type EndReason = 'canceled' | 'oco_canceled' | 'reduce_only_flat' | 'expired' | 'end_of_data';

/** Configuration of a simulated broker. */
export interface SimulatedBrokerOptions {
  /** Container id, the `source` of every fill and notice. */
  readonly id: string;
  readonly fill: FillMode;
  /** Fixed slippage in basis points, against the trader; >= 0. Ignored when `slippage` is given. */
  readonly slippageBps?: number | undefined;
  /** Slippage model of market and stop fills; absent: fixed at `slippage_bps` (default 0). */
  readonly slippage?: SlippageModel | undefined;
  readonly commission: CommissionModel;
  /**
   * Largest part of a bar's volume one order may fill on that bar, in (0, 1]; whole shares
   * (floor). Absent: no volume limit.
   */
  readonly maxVolumeShare?: number | undefined;
}

/** The part of a bar the broker reads. */
export type BrokerBar = Pick<
  BarEvent,
  'seq' | 'ts' | 'symbol' | 'index' | 'open' | 'high' | 'low' | 'close' | 'volume'
>;

/** The part of a bar a close fill reads. */
export type CloseBar = Pick<BarEvent, 'seq' | 'ts' | 'close' | 'symbol' | 'index' | 'volume'>;

/** What the broker sends back: fills, and notices of orders ended without a complete fill. */
export type BrokerEvent = FillEvent | RejectEvent;

/** Receives the broker's events. */
export type BrokerEmit = (ev: BrokerEvent) => void;

const MARKET = 0;
const LIMIT = 1;
const STOP = 2;
const ON_CLOSE = 3;
type Kind = typeof MARKET | typeof LIMIT | typeof STOP | typeof ON_CLOSE;
const KINDS: Readonly<Record<OrderType, Kind>> = { market: MARKET, limit: LIMIT, stop: STOP, on_close: ON_CLOSE };

/** An order inside the broker. */
interface Working extends OrderCosts {
  readonly order: OrderEvent;
  /** A stop becomes a market order once triggered. */
  kind: Kind;
  /** Shares still to fill. */
  remaining: number;
  /** Bars of its symbol on which it could fill so far (for `expiresAfterBars`). */
  bars: number;
  /** Filled, cancelled or expired: no longer open; dropped from its queue on its symbol's next bar. */
  done: boolean;
}

/**
 * A broker that fills orders at bar prices. It produces every fill, so it also knows each
 * book's position per symbol exactly (what reduce-only orders read).
 *
 * Per bar with no queued order for its symbol `onBar` is one map lookup and allocates
 * nothing.
 */
export class SimulatedBroker {
  private readonly opts: SimulatedBrokerOptions;
  private readonly slippage: SlippageModel;
  private readonly commissions: CommissionSchedule;
  private readonly maxVolumeShare: number;
  /** Orders per symbol, in submission order; arrays are reused across bars. */
  private readonly queues = new Map<string, Working[]>();
  /** Open orders by id. */
  private readonly open = new Map<number, Working>();
  /** Net position per book (`key`) and symbol, from this broker's fills. */
  private readonly positions = new Map<string, Map<string, number>>();
  /**
   * Events of the operation under way, emitted when it is done (so `emit` may submit or
   * cancel orders); allocated only when there is something to emit.
   */
  private out: BrokerEvent[] | undefined;

  /** @throws RangeError when slippage, commission or `maxVolumeShare` is out of range. */
  constructor(opts: SimulatedBrokerOptions) {
    const bps = opts.slippageBps ?? 0;
    if (!(bps >= 0) || !Number.isFinite(bps)) {
      throw new RangeError(`slippage_bps must be a finite number >= 0, got ${bps}`);
    }
    this.slippage = opts.slippage ?? { model: 'fixed', bps };
    checkSlippageModel(this.slippage);
    this.commissions = new CommissionSchedule(opts.commission);
    const share = opts.maxVolumeShare;
    if (share !== undefined && !(share > 0 && share <= 1)) {
      throw new RangeError(`maxVolumeShare must be in (0, 1], got ${share}`);
    }
    this.maxVolumeShare = share ?? Number.NaN;
    this.opts = opts;
  }

  /** Number of open orders (queued, resting or partially filled). */
  get pendingCount(): number {
    return this.open.size;
  }

  /** Net position of book `key` in `symbol` from this broker's fills. */
  position(key: string, symbol: string): number {
    return this.positions.get(key)?.get(symbol) ?? 0;
  }

  /**
   * Accepts an order. A market order with `fill: close` fills at once at `currentBar.close`
   * (as much as the volume cap allows; the rest waits for the next bar's open). Every other
   * order is queued for a later bar of its symbol.
   *
   * @throws RangeError when the order is malformed (quantity, prices, expiry).
   * @throws Error with `close` when a market order's `currentBar` is missing or is not the
   *   order's own bar (same `seq` and symbol): filling at another bar's close would be
   *   look-ahead or lag.
   */
  submit(order: OrderEvent, emit: BrokerEmit, currentBar?: CloseBar): void {
    if (this.opts.fill === 'close' && (order.orderType ?? 'market') === 'market') {
      const bar = this.ownBar(order, currentBar);
      const w = this.accept(order);
      this.out = undefined;
      this.execute(w, bar, bar.close, true, true, this.volumeCap(bar.volume));
      if (!w.done) this.enqueue(w);
      this.drain(emit);
      return;
    }
    this.enqueue(this.accept(order));
  }

  /**
   * Fills `order` in full at `bar.close` as a market order, whatever its type, the fill
   * mode or the volume cap: the end-of-data close of a position (the data ends, there is
   * no later bar to fill on). Slippage and commission apply as to any market fill.
   *
   * @throws Error when `bar` is not the order's own bar.
   */
  fillAtClose(order: OrderEvent, bar: CloseBar, emit: BrokerEmit): void {
    const own = this.ownBar(order, bar);
    const w = this.accept(order);
    w.kind = MARKET;
    this.out = undefined;
    this.execute(w, own, bar.close, true, true, Infinity);
    if (!w.done) this.end(w, 'end_of_data');
    this.drain(emit);
  }

  /**
   * Cancels open order `orderId` of book `key`: it is answered with a REJECT `canceled`
   * carrying the unfilled quantity. Returns false (and emits nothing) when the order is not
   * open: already filled or ended, or unknown.
   */
  cancel(key: string, orderId: number, emit: BrokerEmit): boolean {
    const w = this.open.get(orderId);
    if (w === undefined || w.order.key !== key) return false;
    this.out = undefined;
    this.end(w, 'canceled');
    this.drain(emit);
    return true;
  }

  /**
   * Processes a bar of `bar.symbol`, for every order of that symbol created strictly before
   * it (earlier `seq` and earlier `ts`: an order created on another symbol's bar at the
   * same timestamp waits one more bar, because this bar opened before that one closed):
   *
   * 1. market orders (and stops triggered on earlier bars) fill at the open, in submission order;
   * 2. limit and stop orders, in submission order, fill when the bar's range reaches their
   *    price; within one OCO group of a book, an order the bar opened through goes first,
   *    then stops before limits (see {@link SimulatedBroker.visit});
   * 3. market-on-close orders fill at the close;
   * 4. orders whose `expiresAfterBars` is used up expire.
   *
   * Events are emitted after the queue is updated, so `emit` may submit or cancel orders.
   *
   * @throws Error when a queued order comes from a later bar than this one: bars arrived
   *   out of order, and filling would act before the order existed.
   */
  onBar(bar: BrokerBar, emit: BrokerEmit): void {
    const q = this.queues.get(bar.symbol);
    if (q === undefined || q.length === 0) return;
    this.out = undefined;
    const cap = this.volumeCap(bar.volume);
    let stale = false;
    // 1. market orders at the open
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (w.done) stale = true;
      else if (this.eligible(w, bar) && w.kind === MARKET) this.execute(w, bar, bar.open, true, false, cap);
    }
    // 2. resting limit and stop orders
    for (let i = 0; i < q.length; i++) this.visit(q, i, bar, cap);
    // 2b. market-on-close orders at the close (their unfilled rest, if any, at the next open)
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (w.done || w.kind !== ON_CLOSE || !this.eligible(w, bar)) continue;
      w.kind = MARKET;
      this.execute(w, bar, bar.close, true, false, cap);
    }
    // 3. expiry, counted in bars this order could fill on
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (w.done || !this.eligible(w, bar)) continue;
      w.bars++;
      const limit = w.order.expiresAfterBars;
      if (limit !== undefined && w.bars >= limit) this.end(w, 'expired');
    }
    const out = this.out as BrokerEvent[] | undefined;
    if (out === undefined && !stale) return;
    this.out = undefined;
    let kept = 0;
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (!w.done) q[kept++] = w;
    }
    q.length = kept;
    if (out !== undefined) for (const ev of out) emit(ev);
  }

  /**
   * Ends every open order (the data ended; they can no longer fill), each answered with a
   * REJECT `end_of_data` carrying its unfilled quantity, in submission order per symbol.
   * Returns how many there were.
   */
  flush(emit: BrokerEmit): number {
    this.out = undefined;
    let n = 0;
    for (const q of this.queues.values()) {
      for (const w of q) {
        if (w.done) continue;
        this.end(w, 'end_of_data');
        n++;
      }
      q.length = 0;
    }
    this.drain(emit);
    return n;
  }

  // -------------------------------------------------------------------------------------

  /** Validates `order` and registers it as open. */
  private accept(order: OrderEvent): Working {
    const type = order.orderType ?? 'market';
    const bad = (what: string): never => {
      throw new RangeError(`order ${order.orderId} (${order.key}, ${order.symbol}): ${what}`);
    };
    const kind = Object.hasOwn(KINDS, type) ? KINDS[type] : bad(`unknown orderType ${String(type)}`);
    if (!(order.quantity > 0) || !Number.isFinite(order.quantity))
      bad(`quantity must be a finite number > 0, got ${order.quantity}`);
    if (
      kind === LIMIT &&
      !(order.limitPrice !== undefined && order.limitPrice > 0 && Number.isFinite(order.limitPrice))
    ) {
      bad(`a limit order needs a finite limitPrice > 0, got ${order.limitPrice}`);
    }
    if (kind === STOP && !(order.stopPrice !== undefined && order.stopPrice > 0 && Number.isFinite(order.stopPrice))) {
      bad(`a stop order needs a finite stopPrice > 0, got ${order.stopPrice}`);
    }
    const exp = order.expiresAfterBars;
    if (exp !== undefined && !(Number.isInteger(exp) && exp >= 1))
      bad(`expiresAfterBars must be a whole number >= 1, got ${exp}`);
    if (this.open.has(order.orderId)) bad('an order with this id is already open');
    const w: Working = { order, kind, remaining: order.quantity, bars: 0, done: false, raw: 0, paid: 0 };
    this.open.set(order.orderId, w);
    return w;
  }

  /** Emits and forgets the events collected in `out`. */
  private drain(emit: BrokerEmit): void {
    const out = this.out;
    this.out = undefined;
    if (out !== undefined) for (const ev of out) emit(ev);
  }

  private enqueue(w: Working): void {
    let q = this.queues.get(w.order.symbol);
    if (q === undefined) {
      q = [];
      this.queues.set(w.order.symbol, q);
    }
    q.push(w);
  }

  private ownBar(order: OrderEvent, bar: CloseBar | undefined): CloseBar {
    if (bar === undefined) {
      throw new Error(`fill: close needs the order's bar (order ${order.orderId}, bar seq ${order.seq})`);
    }
    if (bar.seq !== order.seq || bar.symbol !== order.symbol) {
      throw new Error(
        `fill: close must use the order's own bar: order ${order.orderId} (${order.symbol}, seq ${order.seq}) ` +
          `got bar ${bar.symbol} seq ${bar.seq}`,
      );
    }
    return bar;
  }

  /** Whether `w` may fill on `bar` (created strictly before it); throws when it comes from a later bar. */
  private eligible(w: Working, bar: BrokerBar): boolean {
    const order = w.order;
    if (order.seq > bar.seq || order.ts > bar.ts) {
      throw new Error(
        `look-ahead: order ${order.orderId} from bar seq ${order.seq} (ts ${order.ts}) would fill on earlier bar ` +
          `${bar.symbol} seq ${bar.seq} (ts ${bar.ts})`,
      );
    }
    return order.seq !== bar.seq && order.ts !== bar.ts;
  }

  /** Most shares one order may fill on a bar that traded `volume`. */
  private volumeCap(volume: number): number {
    if (Number.isNaN(this.maxVolumeShare)) return Infinity;
    if (!(volume > 0)) return 0;
    const x = this.maxVolumeShare * volume;
    return Math.floor(x + x * 1e-12); // 0.29 × 100 is 28.999999999999996 in doubles: 29 shares
  }

  /**
   * Phase 2 for the order at `q[i]`: a limit or stop order the bar reaches fills. Within
   * one OCO group of a book the bar's path decides which order goes first, and we cannot
   * know it: an order whose price the bar opened through goes first (the open is the
   * bar's first price), then stops before limits (the adverse one: assume the stop-loss
   * was hit before the take-profit). Later siblings that go first are visited first; a
   * sibling that fills completely cancels this one.
   */
  private visit(q: Working[], i: number, bar: BrokerBar, cap: number): void {
    const w = q[i]!;
    if (w.done || w.kind === MARKET || w.kind === ON_CLOSE || !this.eligible(w, bar)) return;
    if (!(w.kind === LIMIT ? limitReached(w.order, bar) : stopReached(w.order, bar))) return;
    const group = w.order.ocoGroup;
    if (group !== undefined) {
      const rank = ocoRank(w, bar);
      for (let j = i + 1; j < q.length && !w.done; j++) {
        const s = q[j]!;
        if (
          s.done ||
          s.kind === MARKET ||
          s.kind === ON_CLOSE ||
          s.order.ocoGroup !== group ||
          s.order.key !== w.order.key ||
          !this.eligible(s, bar)
        )
          continue;
        if (!(s.kind === LIMIT ? limitReached(s.order, bar) : stopReached(s.order, bar))) continue;
        if (ocoRank(s, bar) < rank) this.visit(q, j, bar, cap);
      }
      if (w.done) return;
    }
    if (w.kind === LIMIT) return this.execute(w, bar, limitFillPrice(w.order, bar), false, false, cap);
    w.kind = MARKET; // triggered: from here on a market order (its rest fills at the next open)
    this.execute(w, bar, stopFillPrice(w.order, bar), true, false, cap);
  }

  /**
   * Fills as much of `w` as it may at `rawPrice` (slipped when `slip`), at most `cap`
   * shares: a reduce-only order at most the book's position, and not at all (cancelled)
   * when the book is flat or on its side.
   */
  private execute(w: Working, bar: CloseBar, rawPrice: number, slip: boolean, ownBar: boolean, cap: number): void {
    const order = w.order;
    let qty = w.remaining < cap ? w.remaining : cap;
    let reducible = Infinity;
    if (order.reduceOnly === true) {
      const pos = this.position(order.key, order.symbol);
      reducible = order.side === 'buy' ? (pos < 0 ? -pos : 0) : pos > 0 ? pos : 0;
      if (reducible === 0) return this.end(w, 'reduce_only_flat');
      if (qty > reducible) qty = reducible;
    }
    if (!(qty > 0)) return;
    // Structural guard: whatever the caller did, only a close fill is on the order's own bar.
    if (ownBar ? bar.seq !== order.seq : !(bar.seq > order.seq)) {
      throw new Error(`look-ahead: order ${order.orderId} of bar seq ${order.seq} cannot fill on bar seq ${bar.seq}`);
    }
    const price = slip ? slippedPrice(order.side, rawPrice, slippageBps(this.slippage, qty, bar.volume)) : rawPrice;
    w.remaining -= qty;
    if (w.remaining < 1e-9) w.remaining = 0;
    const signed = order.side === 'buy' ? qty : -qty;
    let book = this.positions.get(order.key);
    if (book === undefined) this.positions.set(order.key, (book = new Map()));
    book.set(order.symbol, (book.get(order.symbol) ?? 0) + signed);
    (this.out ??= []).push({
      type: 'FILL',
      seq: order.seq,
      ts: order.ts,
      symbol: order.symbol,
      source: this.opts.id,
      key: order.key,
      orderId: order.orderId,
      signalId: order.signalId,
      fillSeq: bar.seq,
      fillTs: bar.ts,
      fillIndex: bar.index,
      side: order.side,
      quantity: qty,
      remaining: w.remaining,
      price,
      commission: this.commissions.charge(w, order.key, qty, price, bar.ts),
      slippage: Math.abs(price - rawPrice) * qty,
      reason: order.reason,
    });
    if (w.remaining === 0) {
      this.close(w);
      this.ocoCancel(w);
    } else if (qty === reducible) {
      // The position is flat now: a reduce-only order has nothing left to reduce.
      this.end(w, 'reduce_only_flat');
      this.ocoCancel(w);
    }
  }

  /** `w` left the broker: complete; its group's other open orders of the same book are cancelled. */
  private ocoCancel(w: Working): void {
    const group = w.order.ocoGroup;
    if (group === undefined) return;
    for (const other of this.open.values()) {
      if (other.order.ocoGroup === group && other.order.key === w.order.key) this.end(other, 'oco_canceled');
    }
  }

  /** Ends open order `w` without (the rest of) a fill, with a REJECT notice. */
  private end(w: Working, reason: EndReason): void {
    this.close(w);
    const o = w.order;
    (this.out ??= []).push({
      type: 'REJECT',
      seq: o.seq,
      ts: o.ts,
      symbol: o.symbol,
      source: this.opts.id,
      key: o.key,
      orderId: o.orderId,
      signalId: o.signalId,
      reason,
      remaining: w.remaining,
    });
  }

  private close(w: Working): void {
    w.done = true;
    this.open.delete(w.order.orderId);
  }
}

/** Whether a limit order would fill at price `p`. */
function limitReachedAt(o: OrderEvent, p: number): boolean {
  return o.side === 'buy' ? p <= o.limitPrice! : p >= o.limitPrice!;
}

/** Whether a stop order triggers at price `p`. */
function stopReachedAt(o: OrderEvent, p: number): boolean {
  return o.side === 'buy' ? p >= o.stopPrice! : p <= o.stopPrice!;
}

/**
 * Order within an OCO group on one bar, lower first: reached at the open (0) or intrabar
 * (2), plus stop (0) or limit (1). Ties keep submission order.
 */
function ocoRank(w: Working, bar: BrokerBar): number {
  const atOpen = w.kind === LIMIT ? limitReachedAt(w.order, bar.open) : stopReachedAt(w.order, bar.open);
  return (atOpen ? 0 : 2) + (w.kind === STOP ? 0 : 1);
}

/** Buy limit: low ≤ limit; sell limit: high ≥ limit. */
function limitReached(o: OrderEvent, bar: BrokerBar): boolean {
  return limitReachedAt(o, o.side === 'buy' ? bar.low : bar.high);
}

/** Buy stop: high ≥ stop; sell stop: low ≤ stop. */
function stopReached(o: OrderEvent, bar: BrokerBar): boolean {
  return stopReachedAt(o, o.side === 'buy' ? bar.high : bar.low);
}

/** At the limit, or at the open when the bar opens beyond it (better for the trader). */
function limitFillPrice(o: OrderEvent, bar: BrokerBar): number {
  const limit = o.limitPrice!;
  return o.side === 'buy' ? Math.min(bar.open, limit) : Math.max(bar.open, limit);
}

/** At the stop, or at the open when the bar gaps through it (worse for the trader). */
function stopFillPrice(o: OrderEvent, bar: BrokerBar): number {
  const stop = o.stopPrice!;
  return o.side === 'buy' ? Math.max(bar.open, stop) : Math.min(bar.open, stop);
}
