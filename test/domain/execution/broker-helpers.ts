/** Builders shared by the broker tests. */
import { SimulatedBroker } from '../../../src/domain/execution/simulated-broker.ts';
import type { BrokerBar, BrokerEvent, SimulatedBrokerOptions } from '../../../src/domain/execution/simulated-broker.ts';
import type { FillEvent, OrderEvent, RejectEvent } from '../../../src/events/index.ts';

export const HOUR = 3_600_000;

export function order(o: Partial<OrderEvent> & Pick<OrderEvent, 'seq'>): OrderEvent {
  return {
    type: 'ORDER',
    ts: o.seq * HOUR,
    symbol: 'AAA',
    source: 'portfolio',
    key: 'book',
    orderId: 7,
    signalId: 3,
    side: 'buy',
    quantity: 100,
    reason: 'signal',
    price: 100,
    position: 0,
    equity: 10_000,
    grossExposure: 0,
    ...o,
  };
}

/** A bar of AAA at `seq`: open and close differ so a test sees which one filled; high/low span them unless given. */
export function bar(
  seq: number,
  open: number,
  close: number,
  symbol = 'AAA',
  extra: Partial<BrokerBar> = {},
): BrokerBar {
  return {
    seq,
    ts: seq * HOUR,
    open,
    close,
    high: Math.max(open, close),
    low: Math.min(open, close),
    volume: 1e6,
    symbol,
    index: seq,
    ...extra,
  };
}

export function broker(o: Partial<SimulatedBrokerOptions> = {}): SimulatedBroker {
  return new SimulatedBroker({ id: 'exec', fill: 'next_open', slippageBps: 0, commission: {}, ...o });
}

export const ignore = (): void => {};

export function events(b: SimulatedBroker, ...bars: BrokerBar[]): BrokerEvent[] {
  const out: BrokerEvent[] = [];
  for (const x of bars) b.onBar(x, (e) => out.push(e));
  return out;
}

export function collect(b: SimulatedBroker, ...bars: BrokerBar[]): FillEvent[] {
  return events(b, ...bars).filter((e): e is FillEvent => e.type === 'FILL');
}

export function rejects(evs: readonly BrokerEvent[]): RejectEvent[] {
  return evs.filter((e): e is RejectEvent => e.type === 'REJECT');
}
