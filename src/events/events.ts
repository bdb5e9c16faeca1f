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
}

export type OrderSide = 'buy' | 'sell';

/** Why an order exists: a signal, a risk exit, or the end of the data. */
export type OrderReason = 'signal' | 'end_of_data' | (string & {});

/**
 * A market order from a portfolio. It carries the book's state at creation so that risk
 * checks are a pure function of the order (no container reads another's state).
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
  /** Set by risk when it resized the order. */
  readonly riskNote?: string;
}

/** An order refused by risk, fed back to its portfolio. */
export interface RejectEvent extends EventBase {
  readonly type: 'REJECT';
  readonly key: string;
  readonly orderId: number;
  readonly signalId: number;
  readonly reason: string;
}

/** An executed order. */
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
  readonly quantity: number;
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
