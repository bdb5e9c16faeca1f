import type { OrderEvent, OrderReason } from '../../events/index.ts';

/** The bar an order is sent on and its reference price (that bar's close). */
export interface OrderCause {
  readonly seq: number;
  readonly ts: number;
  readonly symbol: string;
  readonly price: number;
}

/** The sending book's state when the order is created, as the ORDER event reports it. */
export interface OrderBookState {
  /** Signed position in the order's symbol. */
  readonly position: number;
  readonly equity: number;
  readonly grossExposure: number;
  /** Absent: no funds check (the order carries no buying power). */
  readonly buyingPower: number | undefined;
}

/**
 * The ORDER event a book sends for `signed` shares (buy when positive), built in one
 * place for the portfolio container and the fused book loop (src/domain/columnar/), so
 * both paths send the same fields in the same order. `extra` (an order type, a limit or
 * stop price, an expiry) is laid over the market order.
 */
export function orderEvent(
  cause: OrderCause,
  source: string,
  key: string,
  orderId: number,
  signalId: number,
  signed: number,
  reason: OrderReason,
  state: OrderBookState,
  extra: Partial<OrderEvent> = {},
): OrderEvent {
  return {
    type: 'ORDER',
    seq: cause.seq,
    ts: cause.ts,
    symbol: cause.symbol,
    source,
    key,
    orderId,
    signalId,
    side: signed > 0 ? 'buy' : 'sell',
    quantity: Math.abs(signed),
    reason,
    price: cause.price,
    position: state.position,
    equity: state.equity,
    grossExposure: state.grossExposure,
    ...(state.buyingPower !== undefined ? { buyingPower: state.buyingPower } : {}),
    ...extra,
  };
}
