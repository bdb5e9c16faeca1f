import { describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../../src/domain/execution/simulated-broker.ts';
import type { FillEvent, RejectEvent } from '../../../src/events/index.ts';
import { bar, broker, collect, HOUR, ignore, order } from './broker-helpers.ts';

describe('SimulatedBroker — next_open', () => {
  it('an order of bar t fills at bar t+1’s open, not at bar t’s open or close', () => {
    const b = broker();
    // bar t = seq 5: open 99, close 100; bar t+1 = seq 6: open 101, close 102
    b.submit(order({ seq: 5 }), ignore, bar(5, 99, 100));
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
        remaining: 0,
        price: 101, // bar t+1's open
        commission: 0,
        slippage: 0,
        reason: 'signal',
      },
    ]);
    expect(b.pendingCount).toBe(0);
    expect(b.position('book', 'AAA')).toBe(100);
    // filled once only
    expect(collect(b, bar(7, 103, 104))).toEqual([]);
  });

  it('throws rather than fill on a bar earlier than the order', () => {
    const b = broker();
    b.submit(order({ seq: 7 }), ignore);
    expect(() => collect(b, bar(6, 101, 102))).toThrow(/look-ahead/);
  });

  it('fills in submission order, only orders of the bar’s symbol', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }), ignore);
    b.submit(order({ seq: 5, orderId: 2, symbol: 'BBB' }), ignore);
    b.submit(order({ seq: 5, orderId: 3, side: 'sell' }), ignore);
    const fills = collect(b, bar(6, 50, 51));
    expect(fills.map((f) => f.orderId)).toEqual([1, 3]);
    expect(b.pendingCount).toBe(1);
    expect(collect(b, bar(7, 20, 21, 'BBB')).map((f) => [f.orderId, f.price])).toEqual([[2, 20]]);
  });

  it('keeps an order from another symbol’s bar until a bar that opens after it closed', () => {
    const b = broker();
    // created on AAA's bar (seq 10, ts 10h) for BBB; BBB's bar at the same ts has seq 11 but opened before AAA's bar closed
    b.submit(order({ seq: 10, ts: 10 * HOUR, symbol: 'BBB' }), ignore);
    expect(collect(b, { ...bar(11, 30, 31, 'BBB'), ts: 10 * HOUR, index: 5 })).toEqual([]);
    const fills = collect(b, { ...bar(13, 32, 33, 'BBB'), ts: 11 * HOUR, index: 6 });
    expect(fills.map((f) => [f.fillSeq, f.price])).toEqual([[13, 32]]);
  });

  it('lets emit submit new orders for the same symbol (they wait for a later bar)', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }), ignore);
    const seen: number[] = [];
    b.onBar(bar(6, 10, 11), (f) => {
      seen.push(f.orderId);
      b.submit(order({ seq: 6, orderId: 2 }), ignore);
    });
    expect(seen).toEqual([1]);
    expect(b.pendingCount).toBe(1);
    expect(collect(b, bar(7, 12, 13)).map((f) => [f.orderId, f.price])).toEqual([[2, 12]]);
  });

  it('flush ends every open order with a REJECT end_of_data carrying what is unfilled', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1 }), ignore);
    b.submit(order({ seq: 5, orderId: 2, symbol: 'BBB', quantity: 30 }), ignore);
    b.submit(order({ seq: 6, orderId: 3, orderType: 'limit', limitPrice: 1 }), ignore);
    const out: BrokerEvent[] = [];
    expect(b.flush((e) => out.push(e))).toBe(3);
    expect(out.map((e) => [e.type, e.orderId, (e as RejectEvent).reason, (e as RejectEvent).remaining])).toEqual([
      ['REJECT', 1, 'end_of_data', 100],
      ['REJECT', 3, 'end_of_data', 100],
      ['REJECT', 2, 'end_of_data', 30],
    ]);
    expect(out[0]).toMatchObject({ source: 'exec', key: 'book', seq: 5, signalId: 3, symbol: 'AAA' });
    expect(b.pendingCount).toBe(0);
    expect(collect(b, bar(9, 1, 1))).toEqual([]);
  });
});

describe('SimulatedBroker — close', () => {
  it('fills a market order at its own bar’s close', () => {
    const b = broker({ fill: 'close' });
    const out: BrokerEvent[] = [];
    b.submit(order({ seq: 5 }), (e) => out.push(e), bar(5, 99, 100));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      type: 'FILL',
      seq: 5,
      fillSeq: 5,
      fillTs: 5 * HOUR,
      fillIndex: 5,
      price: 100,
      remaining: 0,
    });
    expect(b.pendingCount).toBe(0);
  });

  it('refuses another bar or no bar', () => {
    const b = broker({ fill: 'close' });
    expect(() => b.submit(order({ seq: 5, orderId: 1 }), ignore, bar(6, 101, 102))).toThrow(/own bar/); // look-ahead
    expect(() => b.submit(order({ seq: 5, orderId: 2 }), ignore, bar(4, 97, 98))).toThrow(/own bar/); // lag
    expect(() => b.submit(order({ seq: 5, orderId: 3 }), ignore, bar(5, 99, 100, 'BBB'))).toThrow(/own bar/);
    expect(() => b.submit(order({ seq: 5, orderId: 4 }), ignore)).toThrow(/needs the order's bar/);
  });
});

describe('SimulatedBroker — end of data', () => {
  it('fillAtClose fills in full at the own bar’s close in either mode, past any volume cap, and books the position', () => {
    const b = broker({ maxVolumeShare: 0.01, slippageBps: 10 });
    const out: BrokerEvent[] = [];
    b.fillAtClose(
      order({ seq: 5, side: 'sell', quantity: 500, reason: 'end_of_data' }),
      bar(5, 99, 100, 'AAA', { volume: 1000 }),
      (e) => out.push(e),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'FILL', quantity: 500, remaining: 0, fillSeq: 5, reason: 'end_of_data' });
    expect((out[0] as FillEvent).price).toBeCloseTo(99.9, 12); // close 100 less 10 bps
    expect(b.position('book', 'AAA')).toBe(-500);
    expect(() => b.fillAtClose(order({ seq: 5, orderId: 8 }), bar(6, 1, 1), ignore)).toThrow(/own bar/);
  });
});

describe('SimulatedBroker — costs', () => {
  it('slips against the trader and reports slippage cost', () => {
    const b = broker({ slippageBps: 10 });
    b.submit(order({ seq: 1, orderId: 1, side: 'buy', quantity: 50 }), ignore);
    b.submit(order({ seq: 1, orderId: 2, side: 'sell', quantity: 50 }), ignore);
    const [buy, sell] = collect(b, bar(2, 100, 90));
    // 10 bps of 100 = 0.1 per share; × 50 shares = 5
    expect(buy?.price).toBeCloseTo(100.1, 12);
    expect(sell?.price).toBeCloseTo(99.9, 12);
    expect(buy?.slippage).toBeCloseTo(5, 9);
    expect(sell?.slippage).toBeCloseTo(5, 9);
  });

  it('applies the commission model with its minimum and maximum', () => {
    const b = broker({ commission: { perShare: 0.01, minimum: 1, maximum: 5 } });
    b.submit(order({ seq: 1, orderId: 1, quantity: 10 }), ignore); // 0.10 → 1
    b.submit(order({ seq: 1, orderId: 2, quantity: 300 }), ignore); // 3.00
    b.submit(order({ seq: 1, orderId: 3, quantity: 1000 }), ignore); // 10.00 → 5
    const fills = collect(b, bar(2, 100, 100));
    expect(fills.map((f) => f.commission)).toEqual([1, 3, 5]);
  });

  it('charges percent commission on the slipped notional', () => {
    const b = broker({ fill: 'close', slippageBps: 100, commission: { percent: 1 } });
    // price 100 × 1.01 = 101; 1 % of 10 × 101 = 10.1
    const out: BrokerEvent[] = [];
    b.submit(order({ seq: 3, quantity: 10 }), (e) => out.push(e), bar(3, 0, 100));
    expect((out[0] as FillEvent).commission).toBeCloseTo(10.1, 9);
  });

  it('spread model: half the spread against the trader', () => {
    const b = broker({ slippage: { model: 'spread', spreadBps: 10 } });
    b.submit(order({ seq: 1, orderId: 1, side: 'buy' }), ignore);
    b.submit(order({ seq: 1, orderId: 2, side: 'sell' }), ignore);
    const [buy, sell] = collect(b, bar(2, 200, 200));
    // half of 10 bps = 5 bps of 200 = 0.1
    expect(buy?.price).toBeCloseTo(200.1, 12);
    expect(sell?.price).toBeCloseTo(199.9, 12);
    expect(buy?.slippage).toBeCloseTo(10, 9); // 0.1 × 100 shares
  });

  it('volume_share model: impact_bps × (quantity / volume)², on the fill’s own quantity', () => {
    const b = broker({ slippage: { model: 'volume_share', impactBps: 1000, capBps: 100 } });
    b.submit(order({ seq: 1, orderId: 1, side: 'buy', quantity: 2500 }), ignore);
    b.submit(order({ seq: 1, orderId: 2, side: 'sell', quantity: 50_000 }), ignore);
    const [small, large] = collect(b, bar(2, 100, 100, 'AAA', { volume: 100_000 }));
    // 2500 / 100000 = 0.025; 0.025² × 1000 bps = 0.625 bps; 100 × 0.625e-4 = 0.00625
    expect(small?.price).toBeCloseTo(100.00625, 12);
    // 0.5² × 1000 = 250 bps > cap 100 bps: 1 % of 100
    expect(large?.price).toBeCloseTo(99, 12);
  });

  it('rejects negative slippage and a volume share out of (0, 1]', () => {
    expect(() => broker({ slippageBps: -1 })).toThrow(RangeError);
    expect(() => broker({ slippage: { model: 'spread', spreadBps: -2 } })).toThrow(RangeError);
    expect(() => broker({ maxVolumeShare: 0 })).toThrow(RangeError);
    expect(() => broker({ maxVolumeShare: 1.5 })).toThrow(RangeError);
  });
});

describe('SimulatedBroker — malformed orders', () => {
  it('throws on a bad quantity, a missing price, a bad expiry, an unknown type or a reused id', () => {
    const b = broker();
    expect(() => b.submit(order({ seq: 1, orderId: 1, quantity: 0 }), ignore)).toThrow(/quantity/);
    expect(() => b.submit(order({ seq: 1, orderId: 2, orderType: 'limit' }), ignore)).toThrow(/limitPrice/);
    expect(() => b.submit(order({ seq: 1, orderId: 3, orderType: 'stop', stopPrice: -1 }), ignore)).toThrow(
      /stopPrice/,
    );
    expect(() => b.submit(order({ seq: 1, orderId: 4, expiresAfterBars: 0 }), ignore)).toThrow(/expiresAfterBars/);
    expect(() => b.submit(order({ seq: 1, orderId: 5, expiresAfterBars: 1.5 }), ignore)).toThrow(/expiresAfterBars/);
    expect(() => b.submit(order({ seq: 1, orderId: 6, orderType: 'stop_limit' as 'stop' }), ignore)).toThrow(
      /orderType/,
    );
    b.submit(order({ seq: 1, orderId: 9 }), ignore);
    expect(() => b.submit(order({ seq: 1, orderId: 9 }), ignore)).toThrow(/already open/);
    expect(b.pendingCount).toBe(1);
  });
});
