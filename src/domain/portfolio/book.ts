/**
 * One portfolio's accounting: cash, signed positions per symbol, average prices, marks,
 * realized and unrealized P&L, and the trade records of closed quantity.
 *
 * Shares: cash is what the fills moved: a buy pays quantity × price, a sell (also a short
 * sale) receives it, every fill pays its commission. Equity is cash plus the signed
 * positions valued at their marks, so a short's proceeds sit in cash and its liability in
 * the (negative) position value. Whether an order may be sent at all (buying power, margin)
 * is the account's question (account.ts), not the book's.
 *
 * Futures (an {@link Instrument} of kind `future`): backtrader's futures-like accounting.
 * Opening posts `margin` per contract out of cash; every mark settles the price change
 * since the last settlement × multiplier into cash (variation margin), and so does every
 * fill, at the fill price and then at the mark; closing releases the margin. A future's
 * value in equity is its posted margin plus any variation not yet settled (none after a
 * mark), and its P&L is price change × multiplier × contracts.
 *
 * Accounting identity (see docs/execution.md), exact up to float rounding:
 *
 * ```
 * equity() = initialCash + realizedPnl + unrealizedPnl() − openCommission()
 * ```
 *
 * where `openCommission()` is the commission already paid for quantity that is still
 * open; it moves into `realizedPnl`, pro rata, when that quantity closes. It holds for
 * futures too, with P&L in points × multiplier.
 */
import { checkInstrument, EQUITY, type Instrument } from './instrument.ts';

/** Quantities closer than this to each other count as equal, so float dust never leaves a 1e-12-share position open. */
const QTY_EPSILON = 1e-9;

/** What the book needs to know about an execution. */
export interface BookFill {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Shares (contracts of a future), positive. */
  readonly quantity: number;
  /** Execution price (slippage included), positive. */
  readonly price: number;
  /** Commission paid for this fill, >= 0. */
  readonly commission: number;
  /** Time of the execution, epoch ms; becomes a trade's entry or exit time. */
  readonly ts: number;
  /** Index of the filling bar within the symbol's series; `barsHeld` is a difference of these. */
  readonly barIndex: number;
  /** Why the fill happened; becomes `exitReason` of the trades it closes. */
  readonly reason: string;
}

/** The closed part of a position, produced by the fill that closed it. */
export interface ClosedTrade {
  readonly symbol: string;
  readonly direction: 'long' | 'short';
  /** Closed shares, positive. */
  readonly quantity: number;
  /** Time of the first fill of the position (later additions keep it). */
  readonly entryTs: number;
  /** Volume-weighted average entry price of the position. */
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  /** quantity × (exitPrice − entryPrice) × (+1 long, −1 short) × multiplier (1 for shares). */
  readonly grossPnl: number;
  /** Pro-rata entry commission of the closed quantity plus the exit fill's commission for it. */
  readonly commission: number;
  /** grossPnl − commission. */
  readonly pnl: number;
  /** pnl / (quantity × entryPrice × multiplier), a fraction of the entry notional (0.05 is 5 %). */
  readonly returnPct: number;
  /** Exit bar index − entry bar index (of the first entry). */
  readonly barsHeld: number;
  readonly exitReason: string;
}

/**
 * The variation margin a futures position settles into cash when marked at `price`:
 * `contracts` (signed) × (price − the last settlement price) × the multiplier. The one
 * expression of it: `Book` settles with it at every mark, and the fused book loop
 * (src/domain/columnar/settled-snapshots.ts) with it between fills, so the sums round
 * alike bar after bar.
 */
export function variationMargin(contracts: number, price: number, settled: number, point: number): number {
  return contracts * (price - settled) * point;
}

/**
 * What a futures position adds to equity once marked (settled) at its last price: the
 * margin it has posted, |contracts| × margin per contract. `Book.equity()` after a mark is
 * cash plus exactly this (its unsettled variation is then ±0).
 */
export function settledFutureValue(contracts: number, margin: number): number {
  return Math.abs(contracts) * margin;
}

/** A {@link ClosedTrade} that `Book.applyFillInto` writes, reused by its caller from fill to fill. */
export type MutableClosedTrade = { -readonly [K in keyof ClosedTrade]: ClosedTrade[K] };

/** Returned by `applyFill` when nothing closes; shared so the common case allocates nothing. */
const NO_TRADES: readonly ClosedTrade[] = Object.freeze([]);

/** Per-symbol state, created once per symbol and mutated in place. */
interface Holding {
  readonly symbol: string;
  /** Signed shares. */
  qty: number;
  /** Average entry price of the open quantity; 0 when flat. */
  avgPrice: number;
  /** Last price; NaN until the first mark or fill. */
  mark: number;
  entryTs: number;
  entryBarIndex: number;
  /** Commission paid for the still-open quantity. */
  entryCommission: number;
  /** Position in `Book.open`, −1 while flat. */
  slot: number;
  /** True for a futures contract (settled in cash every mark). */
  readonly future: boolean;
  /** Currency per point per unit: the future's multiplier, 1 for a share. */
  readonly point: number;
  /** Margin posted per open contract; 0 for a share. */
  readonly margin: number;
  /** A future's price of its last settlement (backtrader's `adjbase`); unused for shares. */
  settled: number;
}

/**
 * Accounting of one book across any number of symbols, long and short.
 *
 * Cost model: `mark` is O(1); `equity()`, `grossExposure()`, `unrealizedPnl()` and
 * `openCommission()` share one lazily refreshed pass over the symbols that have a position
 * (not over every symbol ever seen), recomputed only after a fill or a mark of an open
 * symbol. Summing fresh rather than adjusting a running total keeps the value free of
 * drift over long runs.
 */
export class Book {
  /** Starting cash. */
  readonly initialCash: number;

  private cashBalance: number;
  private realized = 0;
  private commissionPaid = 0;
  private readonly holdings = new Map<string, Holding>();
  /** Holdings with a non-zero position, in no particular (but deterministic) order. */
  private readonly open: Holding[] = [];

  private dirty = false;
  private positionValue = 0;
  private gross = 0;
  private unrealized = 0;
  private openEntryCommission = 0;
  private longValue = 0;
  private shortValue = 0;
  private posted = 0;

  /**
   * @param initialCash starting cash; equity before any fill.
   * @param instruments the instrument of each symbol that is not a share.
   * @throws RangeError on a non-finite cash or a future without a positive multiplier and margin.
   */
  constructor(
    initialCash: number,
    private readonly instruments: ReadonlyMap<string, Instrument> = new Map(),
  ) {
    if (!Number.isFinite(initialCash)) throw new RangeError(`initial cash must be finite, got ${initialCash}`);
    for (const [symbol, instrument] of instruments) checkInstrument(symbol, instrument);
    this.initialCash = initialCash;
    this.cashBalance = initialCash;
  }

  /** The instrument of `symbol` (a share unless configured otherwise). */
  instrument(symbol: string): Instrument {
    return this.instruments.get(symbol) ?? EQUITY;
  }

  /**
   * Cash: initial cash minus signed fill notionals of shares (short sales add cash) and
   * commissions; for futures minus posted margin, plus settled variation.
   */
  get cash(): number {
    return this.cashBalance;
  }

  /** Sum of the net P&L of every closed trade (commissions of the closed quantity deducted). */
  get realizedPnl(): number {
    return this.realized;
  }

  /** Every commission paid so far, on open and closed quantity. */
  get totalCommission(): number {
    return this.commissionPaid;
  }

  /** True when any position is open. */
  get invested(): boolean {
    return this.open.length > 0;
  }

  /** Signed shares held in `symbol` (0 when never traded). */
  position(symbol: string): number {
    return this.holdings.get(symbol)?.qty ?? 0;
  }

  /** Average entry price of the open position in `symbol`; 0 when flat. */
  avgPrice(symbol: string): number {
    return this.holdings.get(symbol)?.avgPrice ?? 0;
  }

  /** Index (in its symbol's series) of the bar whose fill opened the position in `symbol`; -1 when flat. */
  entryBarIndex(symbol: string): number {
    const h = this.holdings.get(symbol);
    return h === undefined || h.qty === 0 ? -1 : h.entryBarIndex;
  }

  /** Last price of `symbol` (its last mark, or its first fill price if never marked); NaN if unknown. */
  lastPrice(symbol: string): number {
    return this.holdings.get(symbol)?.mark ?? Number.NaN;
  }

  /**
   * Sets the last price of `symbol` (typically the bar's close). O(1); allocates only the
   * first time a symbol is seen.
   */
  mark(symbol: string, price: number): void {
    const h = this.holding(symbol);
    h.mark = price;
    if (h.qty !== 0) {
      this.dirty = true;
      if (h.future) this.settle(h, price);
    }
  }

  /** Cash plus every position at its mark (a future at its posted margin plus unsettled variation). */
  equity(): number {
    this.revalue();
    return this.cashBalance + this.positionValue;
  }

  /** Σ |position × mark × multiplier| over all symbols (a future counts its notional). */
  grossExposure(): number {
    this.revalue();
    return this.gross;
  }

  /** Σ position × mark over the long share positions. */
  longShareValue(): number {
    this.revalue();
    return this.longValue;
  }

  /** Σ |position × mark| over the short share positions. */
  shortShareValue(): number {
    this.revalue();
    return this.shortValue;
  }

  /** Margin posted for open futures: Σ |contracts| × margin per contract. */
  postedMargin(): number {
    this.revalue();
    return this.posted;
  }

  /** Σ position × (mark − average price) × multiplier over all symbols; entry commissions not deducted. */
  unrealizedPnl(): number {
    this.revalue();
    return this.unrealized;
  }

  /** Commission already paid for quantity that is still open (not yet in `realizedPnl`). */
  openCommission(): number {
    this.revalue();
    return this.openEntryCommission;
  }

  /**
   * Applies one execution and returns the trades it closed: none (a shared, frozen empty
   * array) when it opens or adds to a position, one when it reduces, closes or reverses.
   *
   * A reversal (long 100, sell 150) closes the 100 as one trade and opens a short of 50 at
   * the fill price; the fill's commission is split pro rata between the two parts.
   * A symbol never marked before takes the fill price as its mark.
   *
   * @throws RangeError on a non-positive quantity, a non-positive price or a negative
   * commission: those are engine bugs, not market events.
   */
  applyFill(fill: BookFill): readonly ClosedTrade[] {
    const trade = this.apply(fill, undefined);
    return trade === undefined ? NO_TRADES : [trade];
  }

  /**
   * `applyFill`, with the trade it closes (a fill closes at most one) written into `into`
   * rather than a new object: true when one closed. For a caller that reads the trade at
   * once and keeps nothing of it (the fused book loop, which folds a sweep's trades into
   * statistics or copies them into a TRADE event), so a fill allocates nothing.
   */
  applyFillInto(fill: BookFill, into: MutableClosedTrade): boolean {
    return this.apply(fill, into) !== undefined;
  }

  /** The fill, booked; the trade it closes, in `into` when given (else a new one), or undefined. */
  private apply(fill: BookFill, into: MutableClosedTrade | undefined): ClosedTrade | undefined {
    const { quantity, price, commission } = fill;
    if (!(quantity > 0) || !Number.isFinite(quantity))
      throw new RangeError(`fill quantity must be positive, got ${quantity}`);
    if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`fill price must be positive, got ${price}`);
    if (!(commission >= 0) || !Number.isFinite(commission))
      throw new RangeError(`fill commission must be >= 0, got ${commission}`);

    const h = this.holding(fill.symbol);
    if (Number.isNaN(h.mark)) h.mark = price;
    const sign = fill.side === 'buy' ? 1 : -1;
    if (h.future) this.cashBalance -= commission;
    else this.cashBalance -= sign * quantity * price + commission;
    this.commissionPaid += commission;
    this.dirty = true;

    const q = h.qty;
    if (q === 0) {
      this.openAt(h, sign * quantity, fill, commission);
      if (h.future) this.settle(h, h.mark);
      return undefined;
    }
    const dir = q > 0 ? 1 : -1;
    if (dir === sign) {
      // Adding: the average becomes volume-weighted; entry time stays the first entry's.
      const absQ = q * dir;
      h.avgPrice = (absQ * h.avgPrice + quantity * price) / (absQ + quantity);
      h.qty = q + sign * quantity;
      h.entryCommission += commission;
      if (h.future) {
        // The contracts held settle to the fill price, the new ones post margin at it.
        this.settle(h, price, q);
        this.cashBalance -= quantity * h.margin;
        this.settle(h, h.mark);
      }
      return undefined;
    }

    // Reducing, closing or reversing.
    const absQ = q * dir;
    let closed: number;
    let rest: number;
    if (Math.abs(quantity - absQ) <= QTY_EPSILON) {
      closed = absQ;
      rest = 0;
    } else if (quantity < absQ) {
      closed = quantity;
      rest = 0;
    } else {
      closed = absQ;
      rest = quantity - absQ;
    }
    const fullyClosed = closed === absQ;
    // Taking the whole remainder on a full close leaves no residue from repeated pro-rating.
    const entryShare = fullyClosed ? h.entryCommission : (h.entryCommission * closed) / absQ;
    const exitShare = rest > 0 ? (commission * closed) / quantity : commission;
    const tradeCommission = entryShare + exitShare;
    const entryPrice = h.avgPrice;
    const grossPnl = h.future ? closed * (price - entryPrice) * dir * h.point : closed * (price - entryPrice) * dir;
    const pnl = grossPnl - tradeCommission;
    const direction = dir === 1 ? 'long' : 'short';
    const returnPct = h.future ? pnl / (closed * entryPrice * h.point) : pnl / (closed * entryPrice);
    const barsHeld = fill.barIndex - h.entryBarIndex;
    let trade: ClosedTrade;
    if (into === undefined) {
      trade = {
        symbol: h.symbol,
        direction,
        quantity: closed,
        entryTs: h.entryTs,
        entryPrice,
        exitTs: fill.ts,
        exitPrice: price,
        grossPnl,
        commission: tradeCommission,
        pnl,
        returnPct,
        barsHeld,
        exitReason: fill.reason,
      };
    } else {
      into.symbol = h.symbol;
      into.direction = direction;
      into.quantity = closed;
      into.entryTs = h.entryTs;
      into.entryPrice = entryPrice;
      into.exitTs = fill.ts;
      into.exitPrice = price;
      into.grossPnl = grossPnl;
      into.commission = tradeCommission;
      into.pnl = pnl;
      into.returnPct = returnPct;
      into.barsHeld = barsHeld;
      into.exitReason = fill.reason;
      trade = into;
    }
    this.realized += pnl;

    if (h.future) {
      // The closed contracts settle their last variation (settlement price to fill price)
      // and release their margin.
      this.cashBalance += dir * closed * (price - h.settled) * h.point + closed * h.margin;
    }
    if (!fullyClosed) {
      h.qty = dir * (absQ - closed);
      h.entryCommission -= entryShare;
      if (h.future) this.settle(h, h.mark);
    } else {
      this.closeOut(h);
      if (rest > 0) {
        this.openAt(h, sign * rest, fill, commission - exitShare);
        if (h.future) this.settle(h, h.mark);
      }
    }
    return trade;
  }

  /**
   * Settles a future's variation from its last settlement price to `price` in cash, for
   * `qty` contracts (default: the position), and makes `price` the settlement price.
   */
  private settle(h: Holding, price: number, qty = h.qty): void {
    this.cashBalance += variationMargin(qty, price, h.settled, h.point);
    h.settled = price;
  }

  /** The holding of `symbol`, created on first sight (once per symbol, never per bar). */
  private holding(symbol: string): Holding {
    let h = this.holdings.get(symbol);
    if (h === undefined) {
      const instrument = this.instrument(symbol);
      const future = instrument.kind === 'future';
      h = {
        symbol,
        qty: 0,
        avgPrice: 0,
        mark: Number.NaN,
        entryTs: 0,
        entryBarIndex: 0,
        entryCommission: 0,
        slot: -1,
        future,
        point: future ? instrument.multiplier : 1,
        margin: future ? instrument.margin : 0,
        settled: 0,
      };
      this.holdings.set(symbol, h);
    }
    return h;
  }

  /** Opens a fresh position on a flat holding (a future posts its margin at the fill price). */
  private openAt(h: Holding, signedQty: number, fill: BookFill, entryCommission: number): void {
    if (h.future) {
      this.cashBalance -= Math.abs(signedQty) * h.margin;
      h.settled = fill.price;
    }
    h.qty = signedQty;
    h.avgPrice = fill.price;
    h.entryTs = fill.ts;
    h.entryBarIndex = fill.barIndex;
    h.entryCommission = entryCommission;
    h.slot = this.open.length;
    this.open.push(h);
  }

  /** Makes a holding flat and drops it from the open list (swap-remove, O(1)). */
  private closeOut(h: Holding): void {
    h.qty = 0;
    h.avgPrice = 0;
    h.entryCommission = 0;
    const last = this.open.pop() as Holding;
    if (last !== h) {
      this.open[h.slot] = last;
      last.slot = h.slot;
    }
    h.slot = -1;
  }

  /** Refreshes the mark-dependent sums when a fill or a mark of an open symbol changed them. */
  private revalue(): void {
    if (!this.dirty) return;
    let value = 0;
    let gross = 0;
    let unrealized = 0;
    let openCommission = 0;
    let longValue = 0;
    let shortValue = 0;
    let posted = 0;
    for (const h of this.open) {
      openCommission += h.entryCommission;
      if (h.future) {
        const margin = settledFutureValue(h.qty, h.margin);
        posted += margin;
        value += margin + h.qty * (h.mark - h.settled) * h.point;
        gross += Math.abs(h.qty * h.mark * h.point);
        unrealized += h.qty * (h.mark - h.avgPrice) * h.point;
        continue;
      }
      const v = h.qty * h.mark;
      value += v;
      gross += Math.abs(v);
      unrealized += h.qty * (h.mark - h.avgPrice);
      if (v > 0) longValue += v;
      else shortValue -= v;
    }
    this.positionValue = value;
    this.gross = gross;
    this.unrealized = unrealized;
    this.openEntryCommission = openCommission;
    this.longValue = longValue;
    this.shortValue = shortValue;
    this.posted = posted;
    this.dirty = false;
  }
}
