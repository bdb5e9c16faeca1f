import { describe, expect, it } from 'vitest';
import { EntryStore } from '../../src/tracing/entry-store.ts';
import type { TraceEntry } from '../../src/tracing/trace-record.ts';
import type { SluiceEvent } from '../../src/events/index.ts';
import { bar, features, fill, order, reject, signal, snapshot, trade } from './trace-fixtures.ts';

const o = order(3, 'a', 7, 2, 'buy');
const EVENTS: SluiceEvent[] = [
  bar(1),
  features(2),
  { type: 'CLASSIFICATION', seq: 2, ts: 5, symbol: 'SPY', source: 'regime', classifier: 'hmm', regime: 'bull' },
  signal(2, 'a', 2, -1),
  o,
  { ...o, quantity: 50, riskNote: 'max_position 50' },
  reject(o),
  fill(o),
  snapshot(4, 'a'),
  { ...snapshot(5, 'a'), invested: true },
  trade(fill(o), 1),
  {
    ...o,
    orderId: 8,
    orderType: 'stop',
    stopPrice: 95,
    limitPrice: 94,
    expiresAfterBars: 3,
    reduceOnly: true,
    ocoGroup: 2,
  },
  { ...o, orderId: 9, orderType: 'limit', limitPrice: 94, reduceOnly: false },
  { type: 'CANCEL', seq: 4, ts: 9, symbol: 'SPY', source: 'portfolio_a', key: 'a', orderId: 8, reason: 'replaced' },
  { ...reject(o), source: 'execution', reason: 'expired', remaining: 40 },
  { ...fill(o), quantity: 60, remaining: 40 },
];

describe('EntryStore', () => {
  it.each([
    ['copied into the slot', 2],
    ['kept by reference when wider than the slot', 1],
  ])('gives back every event type exactly as it was written (feature values %s)', (_, width) => {
    const store = new EntryStore(EVENTS.length + 1, width);
    const entries: TraceEntry[] = EVENTS.map((event, i) => ({
      traceSeq: i + 1,
      route: `r${i}`,
      source: `s${i}`,
      target: i % 2 === 0 ? `t${i}` : ['x', 'y'],
      event,
      link: i === 10 ? 7 : -1,
    }));
    entries.forEach((e, slot) => store.write(slot, e));
    store.write(EVENTS.length, {
      traceSeq: 99,
      route: null,
      source: 'risk',
      target: null,
      event: { type: 'ERROR', step: 'execute', container: 'risk', message: 'boom' },
      link: -1,
    });
    entries.forEach((e, slot) => expect(store.read(slot)).toEqual(e));
    expect(store.read(EVENTS.length).event).toEqual({
      type: 'ERROR',
      step: 'execute',
      container: 'risk',
      message: 'boom',
    });
  });

  it('grows up to its capacity without losing what it holds, and reuses slots', () => {
    const store = new EntryStore(5000);
    for (let slot = 0; slot < 5000; slot++)
      store.write(slot, {
        traceSeq: slot + 1,
        route: 'bars',
        source: 'data',
        target: 'features',
        event: bar(slot),
        link: -1,
      });
    store.write(17, { traceSeq: 6000, route: 'bars', source: 'data', target: 'features', event: bar(6000), link: -1 });
    expect(store.read(0).event).toEqual(bar(0));
    expect(store.read(4999).event).toEqual(bar(4999));
    expect(store.read(17)).toMatchObject({ traceSeq: 6000, event: bar(6000) });
  });
});
