/**
 * The event model: everything that travels over a route is one of these.
 *
 * Every event carries the bar it descends from (`seq`, a run-wide bar sequence number, and
 * `ts`, that bar's timestamp in epoch milliseconds) and the container that emitted it
 * (`source`). `seq` is the correlation id: a FILL carries the `seq` of the bar whose
 * signal caused its order, plus the signal and order ids, so any fill can be traced back
 * to the bar and signal behind it. Numbers rather than strings keep the per-bar path free
 * of string building.
 *
 * Events are plain, immutable-by-convention objects; containers never mutate an event they
 * received.
 */

/** Every event type, as carried in `type`. */
export const EVENT_TYPES = [
  'BAR',
  'FEATURES',
  'CLASSIFICATION',
  'SIGNAL',
  'ORDER',
  'CANCEL',
  'REJECT',
  'FILL',
  'PORTFOLIO',
  'TRADE',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Fields common to every event. */
export interface EventBase {
  /** Run-wide sequence number of the bar this event descends from (the correlation id). */
  readonly seq: number;
  /**
   * Timestamp of that bar, epoch milliseconds (UTC), as the source labels it (for the
   * bundled data: the start of the bar's interval). The bar is known only at its end.
   */
  readonly ts: number;
  /** Instrument symbol. */
  readonly symbol: string;
  /** Id of the container that emitted the event. */
  readonly source: string;
}

/** One OHLCV bar. It becomes known at its close, so nothing may act on it before the next bar. */
export interface BarEvent extends EventBase {
  readonly type: 'BAR';
  /** Index of this bar within its symbol's series, from 0. */
  readonly index: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Every feature of one bar, computed by the feature hub. `values[slot]` is NaN while the
 * feature warms up; slots are assigned once at graph build time (see FeatureHub).
 */
export interface FeaturesEvent extends EventBase {
  readonly type: 'FEATURES';
  readonly bar: BarEvent;
  readonly values: Float64Array;
}

/** A regime label from a classifier. */
export interface ClassificationEvent extends EventBase {
  readonly type: 'CLASSIFICATION';
  readonly classifier: string;
  readonly regime: string;
}

/** Signal direction: long (1), flat (0), short (-1). */
export type Direction = -1 | 0 | 1;

/**
 * A strategy's opinion, emitted only when it changes. `key` names the book (portfolio)
 * the signal belongs to; selective routes deliver by it.
 */
export interface SignalEvent extends EventBase {
  readonly type: 'SIGNAL';
  readonly key: string;
  readonly strategyId: string;
  /** Run-wide signal id. */
  readonly signalId: number;
  readonly direction: Direction;
  /** Conviction in [-1, 1]; its sign matches `direction`. */
  readonly strength: number;
  /** Close price of the bar the signal was computed on. */
  readonly price: number;
  /**
   * A cross-sectional strategy's target (`rotation`): the fraction of equity this symbol
   * should hold, which the book sizes to instead of its sizing rule. The signals of one
   * rebalance come together, one per symbol; `pending` counts those still to come (0 on
   * the last), so the book sends the rebalance's sells before its buys.
   */
  readonly target?: { readonly weight: number; readonly pending: number };
}

export type OrderSide = 'buy' | 'sell';

/** Why an order exists: a signal, a risk exit, or the end of the data. */
export type OrderReason = 'signal' | 'end_of_data' | (string & {});

/** How an order executes; see {@link OrderEvent}. */
export type OrderType = 'market' | 'limit' | 'stop' | 'on_close';

/**
 * An order from a portfolio. It carries the book's state at creation so that risk checks
 * are a pure function of the order (no container reads another's state).
 *
 * Without the optional fields it is a market order, filled in full at the next open (or
 * the own bar's close with `fill: close`). The optional fields make it a resting order
 * (docs/execution.md has every rule):
 *
 * - `orderType: 'limit'` + `limitPrice`: buy at `limitPrice` or lower, sell at it or
 *   higher. Fills on a later bar whose range reaches the limit, at the limit, or at the
 *   open when the bar opens beyond it. No slippage.
 * - `orderType: 'stop'` + `stopPrice`: becomes a market order once the price trades at or
 *   through the stop (buy: high ≥ stop, sell: low ≤ stop); fills at the stop, or at the
 *   open when the bar gaps through it, with slippage.
 * - `expiresAfterBars: n`: the order may fill on the n bars of its symbol after its own
 *   bar; what is still open after the n-th is cancelled (REJECT `expired`). Absent:
 *   good till cancelled (or the end of the data).
 * - `reduceOnly: true`: only ever moves the book's position in `symbol` toward zero; it is
 *   cut to the position and cancelled (REJECT `reduce_only_flat`) when the book is flat or
 *   on the order's side at fill time. Use it for protective exits.
 * - `ocoGroup: g`: one-cancels-other within the book (`key`): when an order of group `g`
 *   fills completely, the book's other open orders of group `g` are cancelled (REJECT
 *   `oco_canceled`). A stop-loss and a take-profit with the same group form a bracket.
 *
 * A limit or stop order rests in the broker until it fills, expires, is cancelled by a
 * CANCEL event or the data ends. Every order ends in FILL events (the last with
 * `remaining: 0`) or in a REJECT that names the reason and the unfilled `remaining`.
 *
 * @example a long entry at 100 with a bracket: stop-loss at 95, take-profit at 110
 * ```ts
 * { ...base, orderId: 1, side: 'buy', quantity: 100, orderType: 'limit', limitPrice: 100, expiresAfterBars: 5 }
 * { ...base, orderId: 2, side: 'sell', quantity: 100, orderType: 'stop', stopPrice: 95, reduceOnly: true, ocoGroup: 1 }
 * { ...base, orderId: 3, side: 'sell', quantity: 100, orderType: 'limit', limitPrice: 110, reduceOnly: true, ocoGroup: 1 }
 * ```
 */
export interface OrderEvent extends EventBase {
  readonly type: 'ORDER';
  readonly key: string;
  readonly orderId: number;
  readonly signalId: number;
  readonly side: OrderSide;
  /** Shares, always positive. */
  readonly quantity: number;
  readonly reason: OrderReason;
  /** Reference price when the order was created (close of bar `seq`). */
  readonly price: number;
  /** Signed position in `symbol` when the order was created. */
  readonly position: number;
  /** Book equity when the order was created. */
  readonly equity: number;
  /** Book gross exposure (sum of |position × price|) when the order was created. */
  readonly grossExposure: number;
  /**
   * What the book could spend on opening positions when the order was created, net of its
   * other open orders (cash, or free equity of a margin account; see
   * src/domain/portfolio/account.ts). Risk checks the order's opening part against it;
   * absent: no funds check.
   */
  readonly buyingPower?: number;
  /** Set by risk when it resized the order. */
  readonly riskNote?: string;
  /**
   * `market` when absent. `on_close` (market-on-close) fills at the close of the first bar
   * of its symbol after its own bar, as an order sent before that bar's close would.
   */
  readonly orderType?: OrderType;
  /** Limit price of a `limit` order (required for it, ignored otherwise); > 0. */
  readonly limitPrice?: number;
  /** Trigger price of a `stop` order (required for it, ignored otherwise); > 0. */
  readonly stopPrice?: number;
  /**
   * Bars of `symbol` after the order's own bar on which it may fill (a whole number ≥ 1);
   * absent: good till cancelled. Applies to the unfilled rest of any order type.
   */
  readonly expiresAfterBars?: number;
  /** Only reduce the book's position in `symbol`, never open or reverse one. */
  readonly reduceOnly?: boolean;
  /** One-cancels-other group within the book: a complete fill cancels the group's other open orders. */
  readonly ocoGroup?: number;
}

/**
 * A request of a portfolio to cancel one of its open orders. Execution answers with a
 * REJECT (reason `canceled`) if the order was still open; an order already filled or
 * gone is ignored (the request crossed its last FILL or REJECT).
 */
export interface CancelEvent extends EventBase {
  readonly type: 'CANCEL';
  readonly key: string;
  readonly orderId: number;
  /** Why the book cancels (free text, for traces). */
  readonly reason: string;
}

/**
 * An order that ends without a complete fill, fed back to its portfolio: refused by risk
 * (the reason names the limit), or ended by execution with reason `canceled`,
 * `oco_canceled`, `reduce_only_flat`, `expired` or `end_of_data`.
 */
export interface RejectEvent extends EventBase {
  readonly type: 'REJECT';
  readonly key: string;
  readonly orderId: number;
  readonly signalId: number;
  readonly reason: string;
  /** Shares of the order left unfilled (execution's notices; absent from risk, which rejects whole orders). */
  readonly remaining?: number;
}

/** An executed order, or an executed part of one (see `remaining`). */
export interface FillEvent extends EventBase {
  readonly type: 'FILL';
  readonly key: string;
  readonly orderId: number;
  readonly signalId: number;
  /** Sequence number of the bar on which the fill happened (>= `seq`, the order's bar). */
  readonly fillSeq: number;
  /** Time of the fill: the filling bar's timestamp (its open for next_open). */
  readonly fillTs: number;
  /** The filling bar's index in its symbol's series (for bars held). */
  readonly fillIndex: number;
  readonly side: OrderSide;
  /** Shares filled by this fill. */
  readonly quantity: number;
  /** Shares of the order still open after this fill: 0 when the order is complete. */
  readonly remaining: number;
  /** Execution price including slippage. */
  readonly price: number;
  readonly commission: number;
  readonly slippage: number;
  readonly reason: OrderReason;
}

/** Mark-to-market state of a book at a bar's close. */
export interface PortfolioEvent extends EventBase {
  readonly type: 'PORTFOLIO';
  readonly key: string;
  readonly cash: number;
  readonly equity: number;
  readonly grossExposure: number;
  /** True when any position is open. */
  readonly invested: boolean;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
}

/** A closed round trip (or the closed part of one). */
export interface TradeEvent extends EventBase {
  readonly type: 'TRADE';
  readonly key: string;
  readonly tradeId: number;
  readonly direction: 'long' | 'short';
  readonly quantity: number;
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  /** Net profit: gross P&L minus entry and exit commissions of the closed quantity. */
  readonly pnl: number;
  readonly grossPnl: number;
  readonly commission: number;
  /** Net P&L relative to the entry notional. */
  readonly returnPct: number;
  readonly barsHeld: number;
  readonly exitReason: OrderReason;
}

/** The discriminated union of all events. */
export type SluiceEvent =
  | BarEvent
  | FeaturesEvent
  | ClassificationEvent
  | SignalEvent
  | OrderEvent
  | CancelEvent
  | RejectEvent
  | FillEvent
  | PortfolioEvent
  | TradeEvent;

/** The event of a given type. */
export type EventOf<T extends EventType> = Extract<SluiceEvent, { type: T }>;

/** Events that belong to a book and can be delivered by `key`. */
export type KeyedEvent = Extract<SluiceEvent, { key: string }>;

/** Type guard for keyed events. */
export function isKeyed(ev: SluiceEvent): ev is KeyedEvent {
  return 'key' in ev;
}
