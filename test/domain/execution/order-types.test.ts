import { describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../../src/domain/execution/simulated-broker.ts';
import type { FillEvent } from '../../../src/events/index.ts';
import { bar, broker, collect, events, HOUR, ignore, order, rejects } from './broker-helpers.ts';

/** [type, orderId, price or reason, quantity or remaining] of each event, for compact expectations. */
const brief = (evs: readonly BrokerEvent[]) =>
  evs.map((e) =>
    e.type === 'FILL'
      ? ['FILL', e.orderId, Number(e.price.toFixed(10)), e.quantity, e.remaining]
      : ['REJECT', e.orderId, e.reason, e.remaining],
  );

describe('limit orders', () => {
  it('buy limit: fills when the low reaches the limit, at the limit', () => {
    const b = broker({ slippageBps: 10 }); // limit fills do not slip
    b.submit(order({ seq: 5, orderType: 'limit', limitPrice: 99 }), ignore);
    // bar 6 never trades at 99 or lower: the order rests
    expect(collect(b, bar(6, 101, 100, 'AAA', { low: 99.5, high: 102 }))).toEqual([]);
    expect(b.pendingCount).toBe(1);
    const [f] = collect(b, bar(7, 101, 100, 'AAA', { low: 98, high: 102 }));
    expect(f).toMatchObject({ fillSeq: 7, price: 99, quantity: 100, remaining: 0, slippage: 0 });
  });

  it('buy limit: a bar opening below the limit fills at the open (gap through)', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderType: 'limit', limitPrice: 99 }), ignore);
    expect(collect(b, bar(6, 97, 98, 'AAA', { low: 96, high: 99.5 }))[0]?.price).toBe(97);
  });

  it('sell limit: fills when the high reaches the limit, at the limit; gap up fills at the open', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1, side: 'sell', orderType: 'limit', limitPrice: 105 }), ignore);
    b.submit(order({ seq: 5, orderId: 2, side: 'sell', orderType: 'limit', limitPrice: 105, symbol: 'BBB' }), ignore);
    expect(collect(b, bar(6, 103, 104, 'AAA', { high: 104.99 }))).toEqual([]);
    expect(collect(b, bar(7, 103, 104, 'AAA', { high: 106 }))[0]?.price).toBe(105);
    expect(collect(b, bar(8, 107, 104, 'BBB', { high: 108 }))[0]?.price).toBe(107);
  });

  it('never fills on its own bar, in either fill mode (look-ahead guard)', () => {
    for (const fill of ['next_open', 'close'] as const) {
      const b = broker({ fill });
      const own = bar(5, 100, 100, 'AAA', { low: 1, high: 1000 }); // reaches any limit
      const out: BrokerEvent[] = [];
      b.submit(order({ seq: 5, orderType: 'limit', limitPrice: 100 }), (e) => out.push(e), own);
      b.onBar(own, (e) => out.push(e));
      // nor on another symbol's bar at the same timestamp (it opened before the order existed)
      b.onBar({ ...bar(6, 100, 100, 'AAA', { low: 1, high: 1000 }), ts: 5 * HOUR }, (e) => out.push(e));
      expect(out).toEqual([]);
      expect(collect(b, bar(7, 100, 100, 'AAA', { low: 1, high: 1000 })).map((f) => f.fillSeq)).toEqual([7]);
    }
  });
});

describe('stop orders', () => {
  it('buy stop: triggers when the high reaches the stop, fills at the stop with slippage', () => {
    const b = broker({ slippageBps: 10 });
    b.submit(order({ seq: 5, orderType: 'stop', stopPrice: 105 }), ignore);
    expect(collect(b, bar(6, 101, 102, 'AAA', { high: 104.9 }))).toEqual([]);
    const [f] = collect(b, bar(7, 101, 104, 'AAA', { high: 106 }));
    // 105 + 10 bps = 105.105; slippage 0.105 × 100
    expect(f?.price).toBeCloseTo(105.105, 10);
    expect(f?.slippage).toBeCloseTo(10.5, 8);
  });

  it('buy stop: a bar gapping above the stop fills at the open', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderType: 'stop', stopPrice: 105 }), ignore);
    expect(collect(b, bar(6, 108, 107))[0]?.price).toBe(108);
  });

  it('sell stop: triggers when the low reaches the stop, at min(open, stop)', () => {
    const b = broker({ slippageBps: 10 });
    b.submit(order({ seq: 5, orderId: 1, side: 'sell', orderType: 'stop', stopPrice: 95 }), ignore);
    b.submit(order({ seq: 5, orderId: 2, side: 'sell', orderType: 'stop', stopPrice: 95, symbol: 'BBB' }), ignore);
    expect(collect(b, bar(6, 99, 97, 'AAA', { low: 95.01 }))).toEqual([]);
    // 95 − 10 bps = 94.905
    expect(collect(b, bar(7, 99, 97, 'AAA', { low: 94 }))[0]?.price).toBeCloseTo(94.905, 10);
    // gap down to 90: the open, less 10 bps = 89.91
    expect(collect(b, bar(8, 90, 92, 'BBB'))[0]?.price).toBeCloseTo(89.91, 10);
  });

  it('a triggered stop is a market order: the part a volume cap held back fills at the next open', () => {
    const b = broker({ maxVolumeShare: 0.1 });
    b.submit(order({ seq: 5, side: 'sell', quantity: 150, orderType: 'stop', stopPrice: 95 }), ignore);
    expect(brief(events(b, bar(6, 99, 97, 'AAA', { low: 94, volume: 1000 })))).toEqual([['FILL', 7, 95, 100, 50]]);
    // back above the stop: the rest fills at the open all the same
    expect(brief(events(b, bar(7, 98, 99, 'AAA', { volume: 1000 })))).toEqual([['FILL', 7, 98, 50, 0]]);
  });
});

describe('expiry', () => {
  it('expiresAfterBars n: may fill on the n bars of its symbol after its own bar, then expires', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderType: 'limit', limitPrice: 90, expiresAfterBars: 2 }), ignore);
    // the own bar, another symbol's bar and a same-ts bar do not count
    expect(events(b, bar(5, 100, 100), bar(6, 100, 100, 'BBB'), { ...bar(7, 100, 100), ts: 5 * HOUR })).toEqual([]);
    expect(events(b, bar(8, 100, 100))).toEqual([]); // bar 1 of 2
    const out = events(b, bar(9, 100, 100)); // bar 2 of 2: not filled → expired
    expect(brief(out)).toEqual([['REJECT', 7, 'expired', 100]]);
    expect(out[0]).toMatchObject({ type: 'REJECT', source: 'exec', key: 'book', seq: 5, signalId: 3 });
    expect(b.pendingCount).toBe(0);
    expect(events(b, bar(10, 80, 80))).toEqual([]);
  });

  it('an order filling on its last bar does not expire; a partial fill’s rest does', () => {
    const b = broker({ maxVolumeShare: 0.5 });
    b.submit(order({ seq: 5, orderId: 1, quantity: 10, expiresAfterBars: 1 }), ignore);
    b.submit(order({ seq: 5, orderId: 2, quantity: 100, expiresAfterBars: 1 }), ignore);
    expect(brief(events(b, bar(6, 50, 50, 'AAA', { volume: 100 })))).toEqual([
      ['FILL', 1, 50, 10, 0],
      ['FILL', 2, 50, 50, 50],
      ['REJECT', 2, 'expired', 50],
    ]);
  });
});

describe('reduce-only orders', () => {
  it('are cancelled when the book is flat, or on the order’s side', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1, side: 'sell', reduceOnly: true }), ignore);
    expect(brief(events(b, bar(6, 100, 100)))).toEqual([['REJECT', 1, 'reduce_only_flat', 100]]);
    b.submit(order({ seq: 6, orderId: 2, side: 'buy', quantity: 50 }), ignore);
    b.submit(order({ seq: 6, orderId: 3, side: 'buy', quantity: 10, reduceOnly: true }), ignore);
    expect(brief(events(b, bar(7, 100, 100)))).toEqual([
      ['FILL', 2, 100, 50, 0],
      ['REJECT', 3, 'reduce_only_flat', 10],
    ]);
  });

  it('fill at most the position and cancel the excess', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1, side: 'buy', quantity: 60 }), ignore);
    events(b, bar(6, 100, 100));
    b.submit(order({ seq: 6, orderId: 2, side: 'sell', quantity: 100, reduceOnly: true }), ignore);
    expect(brief(events(b, bar(7, 101, 100)))).toEqual([
      ['FILL', 2, 101, 60, 40],
      ['REJECT', 2, 'reduce_only_flat', 40],
    ]);
    expect(b.position('book', 'AAA')).toBe(0);
  });

  it('read the position at fill time: a market entry at the open comes before a stop on the same bar', () => {
    const b = broker();
    // submitted together: the entry, and its protective stop
    b.submit(order({ seq: 5, orderId: 1, side: 'buy', quantity: 100 }), ignore);
    b.submit(
      order({ seq: 5, orderId: 2, side: 'sell', quantity: 100, orderType: 'stop', stopPrice: 95, reduceOnly: true }),
      ignore,
    );
    expect(brief(events(b, bar(6, 100, 94, 'AAA', { low: 93 })))).toEqual([
      ['FILL', 1, 100, 100, 0],
      ['FILL', 2, 95, 100, 0],
    ]);
    expect(b.position('book', 'AAA')).toBe(0);
  });

  it('track each book’s position separately', () => {
    const b = broker();
    b.submit(order({ seq: 5, orderId: 1, key: 'a', side: 'sell', quantity: 30 }), ignore);
    events(b, bar(6, 100, 100));
    b.submit(order({ seq: 6, orderId: 2, key: 'b', side: 'buy', quantity: 30, reduceOnly: true }), ignore);
    b.submit(order({ seq: 6, orderId: 3, key: 'a', side: 'buy', quantity: 30, reduceOnly: true }), ignore);
    expect(brief(events(b, bar(7, 100, 100)))).toEqual([
      ['REJECT', 2, 'reduce_only_flat', 30],
      ['FILL', 3, 100, 30, 0],
    ]);
    expect([b.position('a', 'AAA'), b.position('b', 'AAA')]).toEqual([0, 0]);
  });
});

describe('one-cancels-other', () => {
  /** A broker holding a long 100 AAA for `book`, bought at 100 on bar 2. */
  function long100() {
    const b = broker({ slippageBps: 0 });
    b.submit(order({ seq: 1, orderId: 1 }), ignore);
    events(b, bar(2, 100, 100));
    return b;
  }
  const stopLoss = (o = {}) =>
    order({ seq: 2, orderId: 2, side: 'sell', orderType: 'stop', stopPrice: 95, reduceOnly: true, ocoGroup: 1, ...o });
  const takeProfit = (o = {}) =>
    order({
      seq: 2,
      orderId: 3,
      side: 'sell',
      orderType: 'limit',
      limitPrice: 110,
      reduceOnly: true,
      ocoGroup: 1,
      ...o,
    });

  it('a complete fill cancels the other orders of the group', () => {
    const b = long100();
    b.submit(stopLoss(), ignore);
    b.submit(takeProfit(), ignore);
    expect(brief(events(b, bar(3, 100, 111, 'AAA', { high: 112 })))).toEqual([
      ['FILL', 3, 110, 100, 0],
      ['REJECT', 2, 'oco_canceled', 100],
    ]);
    expect(b.pendingCount).toBe(0);
  });

  it('both reached within one bar: the stop first (we cannot know the intrabar path; conservative)', () => {
    for (const submitted of [
      [takeProfit(), stopLoss()],
      [stopLoss(), takeProfit()],
    ]) {
      const b = long100();
      for (const o of submitted) b.submit(o, ignore);
      expect(brief(events(b, bar(3, 100, 100, 'AAA', { low: 94, high: 111 })))).toEqual([
        ['FILL', 2, 95, 100, 0],
        ['REJECT', 3, 'oco_canceled', 100],
      ]);
    }
  });

  it('a level the bar opened through goes first: the open is the bar’s first price', () => {
    for (const submitted of [
      [takeProfit(), stopLoss()],
      [stopLoss(), takeProfit()],
    ]) {
      const b = long100();
      for (const o of submitted) b.submit(o, ignore);
      expect(brief(events(b, bar(3, 112, 100, 'AAA', { low: 94, high: 113 })))).toEqual([
        ['FILL', 3, 112, 100, 0],
        ['REJECT', 2, 'oco_canceled', 100],
      ]);
    }
  });

  it('a partial fill cancels nothing; groups belong to one book', () => {
    const b = broker({ maxVolumeShare: 0.5 });
    b.submit(order({ seq: 1, orderId: 1, key: 'a', orderType: 'limit', limitPrice: 100, ocoGroup: 1 }), ignore);
    b.submit(order({ seq: 1, orderId: 2, key: 'a', orderType: 'limit', limitPrice: 50, ocoGroup: 1 }), ignore);
    b.submit(order({ seq: 1, orderId: 3, key: 'b', orderType: 'limit', limitPrice: 50, ocoGroup: 1 }), ignore);
    expect(brief(events(b, bar(2, 100, 100, 'AAA', { volume: 120 })))).toEqual([['FILL', 1, 100, 60, 40]]);
    expect(brief(events(b, bar(3, 100, 100, 'AAA', { volume: 120 })))).toEqual([
      ['FILL', 1, 100, 40, 0],
      ['REJECT', 2, 'oco_canceled', 100],
    ]);
    expect(b.pendingCount).toBe(1); // book b's order stays
  });

  it('a reduce-only exit that closed the position cancels its group', () => {
    const b = long100();
    b.submit(stopLoss({ quantity: 150 }), ignore);
    b.submit(takeProfit(), ignore);
    expect(brief(events(b, bar(3, 100, 94, 'AAA', { low: 93 })))).toEqual([
      ['FILL', 2, 95, 100, 50],
      ['REJECT', 2, 'reduce_only_flat', 50],
      ['REJECT', 3, 'oco_canceled', 100],
    ]);
  });
});

describe('cancel', () => {
  it('ends an open order with a REJECT canceled; unknown, ended or another book’s orders are ignored', () => {
    const b = broker({ maxVolumeShare: 0.5 });
    b.submit(order({ seq: 1, orderId: 1, orderType: 'limit', limitPrice: 90 }), ignore);
    b.submit(order({ seq: 1, orderId: 2 }), ignore);
    events(b, bar(2, 100, 100, 'AAA', { volume: 100 })); // order 2: 50 filled, 50 open
    const out: BrokerEvent[] = [];
    expect(b.cancel('other', 1, (e) => out.push(e))).toBe(false);
    expect(b.cancel('book', 1, (e) => out.push(e))).toBe(true);
    expect(b.cancel('book', 1, (e) => out.push(e))).toBe(false);
    expect(b.cancel('book', 2, (e) => out.push(e))).toBe(true);
    expect(b.cancel('book', 99, (e) => out.push(e))).toBe(false);
    expect(brief(out)).toEqual([
      ['REJECT', 1, 'canceled', 100],
      ['REJECT', 2, 'canceled', 50],
    ]);
    expect(b.pendingCount).toBe(0);
    expect(events(b, bar(3, 80, 80))).toEqual([]);
  });
});

describe('partial fills under max_volume_share', () => {
  it('fill at most the share of each bar’s volume (whole shares) until done; a bar without volume fills nothing', () => {
    const b = broker({ maxVolumeShare: 0.1, commission: { perShare: 0.01, minimum: 2 } });
    b.submit(order({ seq: 1, quantity: 250 }), ignore);
    const fills = collect(
      b,
      bar(2, 10, 10, 'AAA', { volume: 1000 }), // 100
      bar(3, 11, 11, 'AAA', { volume: 509 }), // floor(50.9) = 50
      bar(4, 12, 12, 'AAA', { volume: 0 }), // nothing
      bar(5, 13, 13, 'AAA', { volume: 5000 }), // the last 100
    );
    expect(fills.map((f) => [f.fillSeq, f.price, f.quantity, f.remaining])).toEqual([
      [2, 10, 100, 150],
      [3, 11, 50, 100],
      [5, 13, 100, 0],
    ]);
    // per order: 0.01 × 250 = 2.50 in all; the minimum 2 is paid by the first fill (raw 1.00),
    // the second adds nothing (1.50 < 2), the third the rest (2.50 − 2)
    expect(fills.map((f) => f.commission)).toEqual([2, 0, expect.closeTo(0.5, 12)]);
    expect(b.position('book', 'AAA')).toBe(250);
  });

  it('a partially filled limit stays a limit: its rest needs the price again', () => {
    const b = broker({ maxVolumeShare: 0.1 });
    b.submit(order({ seq: 1, quantity: 200, orderType: 'limit', limitPrice: 100 }), ignore);
    expect(brief(events(b, bar(2, 101, 99, 'AAA', { volume: 1000 })))).toEqual([['FILL', 7, 100, 100, 100]]);
    expect(events(b, bar(3, 101, 102, 'AAA', { volume: 1000 }))).toEqual([]);
    expect(brief(events(b, bar(4, 99, 101, 'AAA', { volume: 1000 })))).toEqual([['FILL', 7, 99, 100, 0]]);
  });

  it('fill: close — a market order fills what it may at its own close, the rest at the next open', () => {
    const b = broker({ fill: 'close', maxVolumeShare: 0.1 });
    const out: BrokerEvent[] = [];
    b.submit(order({ seq: 1, quantity: 150 }), (e) => out.push(e), bar(1, 10, 11, 'AAA', { volume: 1000 }));
    out.push(...events(b, bar(1, 10, 11, 'AAA', { volume: 1000 }), bar(2, 12, 13, 'AAA', { volume: 1000 })));
    expect(brief(out)).toEqual([
      ['FILL', 7, 11, 100, 50],
      ['FILL', 7, 12, 50, 0],
    ]);
    expect((out[1] as FillEvent).fillSeq).toBe(2);
  });

  it('each order gets its own share of the volume', () => {
    const b = broker({ maxVolumeShare: 0.1 });
    b.submit(order({ seq: 1, orderId: 1, quantity: 80 }), ignore);
    b.submit(order({ seq: 1, orderId: 2, quantity: 80, key: 'other' }), ignore);
    expect(collect(b, bar(2, 10, 10, 'AAA', { volume: 500 })).map((f) => [f.orderId, f.quantity])).toEqual([
      [1, 50],
      [2, 50],
    ]);
  });

  it('rest at the end of the data is reported with what is unfilled', () => {
    const b = broker({ maxVolumeShare: 0.1 });
    b.submit(order({ seq: 1, quantity: 150 }), ignore);
    events(b, bar(2, 10, 10, 'AAA', { volume: 1000 }));
    const out: BrokerEvent[] = [];
    expect(b.flush((e) => out.push(e))).toBe(1);
    expect(rejects(out).map((r) => [r.reason, r.remaining])).toEqual([['end_of_data', 50]]);
  });
});

describe('processing order within a bar', () => {
  it('market orders at the open first, then resting orders in submission order', () => {
    const b = broker();
    b.submit(order({ seq: 1, orderId: 1, orderType: 'limit', limitPrice: 99 }), ignore);
    b.submit(order({ seq: 1, orderId: 2, side: 'sell', orderType: 'stop', stopPrice: 98, symbol: 'AAA' }), ignore);
    b.submit(order({ seq: 1, orderId: 3 }), ignore);
    expect(brief(events(b, bar(2, 100, 97, 'AAA', { low: 96 })))).toEqual([
      ['FILL', 3, 100, 100, 0],
      ['FILL', 1, 99, 100, 0],
      ['FILL', 2, 98, 100, 0],
    ]);
  });
});

describe('market-on-close orders', () => {
  it('fill at the close of the first bar after their own, with slippage, after the open and resting orders', () => {
    const b = broker({ slippageBps: 10 });
    b.submit(order({ seq: 5, orderId: 1 }), ignore); // an entry at the next open
    b.submit(
      order({ seq: 5, orderId: 2, side: 'sell', orderType: 'on_close', reduceOnly: true, quantity: 500 }),
      ignore,
    );
    const out = events(b, bar(6, 100, 102));
    // open: buy 100 at 100.1; close: sell what is held (100, reduce-only) at 102 − 10 bps,
    // the 400 beyond the position cancelled
    expect(brief(out)).toEqual([
      ['FILL', 1, 100.1, 100, 0],
      ['FILL', 2, 101.898, 100, 400],
      ['REJECT', 2, 'reduce_only_flat', 400],
    ]);
  });

  it('never fill on their own bar, in either fill mode', () => {
    for (const fill of ['next_open', 'close'] as const) {
      const b = broker({ fill });
      const own = bar(5, 100, 100);
      const out: BrokerEvent[] = [];
      b.submit(order({ seq: 5, orderType: 'on_close' }), (e) => out.push(e), own);
      b.onBar(own, (e) => out.push(e));
      expect(out).toEqual([]);
      expect(collect(b, bar(6, 100, 103)).map((f) => [f.fillSeq, f.price])).toEqual([[6, 103]]);
    }
  });
});
