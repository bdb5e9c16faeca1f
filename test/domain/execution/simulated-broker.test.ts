import { describe, expect, it } from 'vitest';
import { SimulatedBroker } from '../../../src/domain/execution/simulated-broker.ts';
import type { SimulatedBrokerOptions } from '../../../src/domain/execution/simulated-broker.ts';
import type { FillEvent, OrderEvent } from '../../../src/events/index.ts';

const HOUR = 3_600_000;

function order(o: Partial<OrderEvent> & Pick<OrderEvent, 'seq'>): OrderEvent {
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

/** A bar of AAA at `seq`: open and close differ so a test sees which one filled. */
function bar(seq: number, open: number, close: number, symbol = 'AAA') {
  return { seq, ts: seq * HOUR, open, close, symbol, index: seq };
}

function broker(o: Partial<SimulatedBrokerOptions> = {}): SimulatedBroker {
  return new SimulatedBroker({ id: 'exec', fill: 'next_open', slippage_bps: 0, commission: {}, ...o });
}

function collect(b: SimulatedBroker, ...bars: ReturnType<typeof bar>[]): FillEvent[] {
  const out: FillEvent[] = [];
  for (const x of bars) b.onBar(x, (f) => out.push(f));
  return out;
}

describe('SimulatedBroker — next_open', () => {
  it('an order of bar t fills at bar t+1’s open, not at bar t’s open or close', () => {
    const b = broker();
    // bar t = seq 5: open 99, close 100; bar t+1 = seq 6: open 101, close 102
    expect(b.submit(order({ seq: 5 }), bar(5, 99, 100))).toBeUndefined();
    expect(b.pendingCount).toBe(1);
    // the creating bar reaching the broker after the order must not fill it
    expect(collect(b, bar(5, 99, 100))).toEqual([]);
    expect(b.pendingCount).toBe(1);

    const fills = collect(b, bar(6, 101, 102));
    expect(fills).toEqual([
      {
        type: 'FILL',
        seq: 5,
        ts: 5 * HOUR,
        symbol: 'AAA',
        source: 'exec',
        key: 'book',
        orderId: 7,
        signalId: 3,
        fillSeq: 6,
        fillTs: 6 * HOUR,
        fillIndex: 6, // the filling bar's index in its symbol's series
        side: 'buy',
        quantity: 100,
        price: 101, // bar t+1's open
        commission: 0,
        slippage: 0,
        reason: 'signal',
      },
    ]);
    expect(b.pendingCount).toBe(0);
    // filled once only
    expect(collect(b, bar(7, 103, 104))).toEqual([]);
  });

  it('throws rather than fill on a bar earlier than the order', () => {
    const b = broker();
    b.submit(order({ seq: 7 }));
    expect(() => collect(b, bar(6, 101, 102))).toThrow(/look-ahead/);
  });

  it('fills in submission order, only orders of the bar’s symbol', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }));
    b.submit(order({ seq: 5, orderId: 2, symbol: 'BBB' }));
    b.submit(order({ seq: 5, orderId: 3, side: 'sell' }));
    const fills = collect(b, bar(6, 50, 51));
    expect(fills.map((f) => f.orderId)).toEqual([1, 3]);
    expect(b.pendingCount).toBe(1);
    expect(collect(b, bar(7, 20, 21, 'BBB')).map((f) => [f.orderId, f.price])).toEqual([[2, 20]]);
  });

  it('keeps an order from another symbol’s bar until a bar that opens after it closed', () => {
    const b = broker();
    // created on AAA's bar (seq 10, ts 10h) for BBB; BBB's bar at the same ts has seq 11 but opened before AAA's bar closed
    b.submit(order({ seq: 10, ts: 10 * HOUR, symbol: 'BBB' }));
    expect(collect(b, { seq: 11, ts: 10 * HOUR, open: 30, close: 31, symbol: 'BBB', index: 5 })).toEqual([]);
    const fills = collect(b, { seq: 13, ts: 11 * HOUR, open: 32, close: 33, symbol: 'BBB', index: 6 });
    expect(fills.map((f) => [f.fillSeq, f.price])).toEqual([[13, 32]]);
  });

  it('lets emit submit new orders for the same symbol (they wait for a later bar)', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }));
    const seen: number[] = [];
    b.onBar(bar(6, 10, 11), (f) => {
      seen.push(f.orderId);
      b.submit(order({ seq: 6, orderId: 2 }));
    });
    expect(seen).toEqual([1]);
    expect(b.pendingCount).toBe(1);
    expect(collect(b, bar(7, 12, 13)).map((f) => [f.orderId, f.price])).toEqual([[2, 12]]);
  });

  it('flush returns the orders that never filled', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }));
    b.submit(order({ seq: 5, orderId: 2, symbol: 'BBB' }));
    b.submit(order({ seq: 6, orderId: 3 }));
    expect(b.flush('AAA').map((o) => o.orderId)).toEqual([1, 3]);
    expect(b.pendingCount).toBe(1);
    expect(b.flush().map((o) => o.orderId)).toEqual([2]);
    expect(b.pendingCount).toBe(0);
    expect(collect(b, bar(9, 1, 1))).toEqual([]);
  });
});

describe('SimulatedBroker — close', () => {
  it('fills at the order’s own bar close', () => {
    const b = broker({ fill: 'close' });
    const f = b.submit(order({ seq: 5 }), bar(5, 99, 100));
    expect(f).toMatchObject({ seq: 5, fillSeq: 5, fillTs: 5 * HOUR, fillIndex: 5, price: 100 });
    expect(b.pendingCount).toBe(0);
  });

  it('refuses another bar or no bar', () => {
    const b = broker({ fill: 'close' });
    expect(() => b.submit(order({ seq: 5 }), bar(6, 101, 102))).toThrow(/own bar/); // look-ahead
    expect(() => b.submit(order({ seq: 5 }), bar(4, 97, 98))).toThrow(/own bar/); // lag
    expect(() => b.submit(order({ seq: 5 }), bar(5, 99, 100, 'BBB'))).toThrow(/own bar/);
    expect(() => b.submit(order({ seq: 5 }))).toThrow(/needs the order's bar/);
  });
});

describe('SimulatedBroker — costs', () => {
  it('slips against the trader and reports slippage cost', () => {
    const b = broker({ slippage_bps: 10 });
    b.submit(order({ seq: 1, orderId: 1, side: 'buy', quantity: 50 }));
    b.submit(order({ seq: 1, orderId: 2, side: 'sell', quantity: 50 }));
    const [buy, sell] = collect(b, bar(2, 100, 90));
    // 10 bps of 100 = 0.1 per share; × 50 shares = 5
    expect(buy?.price).toBeCloseTo(100.1, 12);
    expect(sell?.price).toBeCloseTo(99.9, 12);
    expect(buy?.slippage).toBeCloseTo(5, 9);
    expect(sell?.slippage).toBeCloseTo(5, 9);
  });

  it('applies the commission model with its minimum and maximum', () => {
    const b = broker({ commission: { per_share: 0.01, minimum: 1, maximum: 5 } });
    b.submit(order({ seq: 1, orderId: 1, quantity: 10 })); // 0.10 → 1
    b.submit(order({ seq: 1, orderId: 2, quantity: 300 })); // 3.00
    b.submit(order({ seq: 1, orderId: 3, quantity: 1000 })); // 10.00 → 5
    const fills = collect(b, bar(2, 100, 100));
    expect(fills.map((f) => f.commission)).toEqual([1, 3, 5]);
  });

  it('charges percent commission on the slipped notional', () => {
    const b = broker({ fill: 'close', slippage_bps: 100, commission: { percent: 1 } });
    // price 100 × 1.01 = 101; 1 % of 10 × 101 = 10.1
    expect(b.submit(order({ seq: 3, quantity: 10 }), bar(3, 0, 100))?.commission).toBeCloseTo(10.1, 9);
  });

  it('rejects negative slippage', () => {
    expect(() => broker({ slippage_bps: -1 })).toThrow(RangeError);
  });
});
