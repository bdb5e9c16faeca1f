import type { OrderEvent } from '../../src/events/index.ts';

/** A market ORDER as a portfolio sends it: buy or sell `quantity` of AAA at 10, a flat book with 10,000 of equity; `o` overrides. */
export function orderEvent(o: Partial<OrderEvent> & Pick<OrderEvent, 'side' | 'quantity'>): OrderEvent {
  return {
    type: 'ORDER',
    seq: 1,
    ts: 0,
    symbol: 'AAA',
    source: 'portfolio',
    key: 'book',
    orderId: 1,
    signalId: 1,
    reason: 'signal',
    price: 10,
    position: 0,
    equity: 10_000,
    grossExposure: 0,
    ...o,
  };
}
