import { describe, expect, it } from 'vitest';
import { TradeCompleteRetention } from '../../src/tracing/trade-complete-retention.ts';
import { TradeTracker } from '../../src/tracing/trade-tracker.ts';
import { EventTracer } from '../../src/tracing/tracer.ts';
import type { TraceEntry } from '../../src/tracing/trace-record.ts';
import { mulberry32 } from '../helpers/prng.ts';
import { backtestRoutes, bar, fill, order, reject, settings, signal, trade } from './trace-fixtures.ts';

const entry = (traceSeq: number): TraceEntry => ({
  traceSeq,
  route: 'r',
  source: 's',
  target: 't',
  event: bar(traceSeq),
  link: -1,
});

describe('TradeCompleteRetention', () => {
  it("drops an episode's entries when it closes and keeps the rest", () => {
    const r = new TradeCompleteRetention(10);
    r.add(entry(1), undefined);
    r.add(entry(2), 'a');
    r.add(entry(3), 'b');
    r.add(entry(4), 'a');
    r.add(entry(5), undefined);
    r.closeEpisode('a');
    expect(r.entries().map((e) => e.traceSeq)).toEqual([1, 3, 5]);
    expect(r.dropped).toBe(2);
    expect(r.openEpisodes).toBe(1);
  });

  it('never holds more than its capacity, open trades first (random sequences)', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 100; trial++) {
      const capacity = 1 + Math.floor(rand() * 12);
      const r = new TradeCompleteRetention(capacity);
      let seq = 0;
      let maxSize = 0;
      for (let op = 0; op < 200; op++) {
        const x = rand();
        const episode = `e${Math.floor(rand() * 4)}`;
        if (x < 0.45) r.add(entry(++seq), undefined);
        else if (x < 0.9) r.add(entry(++seq), episode);
        else r.closeEpisode(episode);
        maxSize = Math.max(maxSize, r.size);
      }
      expect(maxSize).toBeLessThanOrEqual(capacity);
      expect(r.entries()).toHaveLength(r.size);
      expect(r.size + r.dropped).toBe(seq);
    }
  });

  it('when open trades fill the budget, new entries are refused rather than evicting a trade', () => {
    const r = new TradeCompleteRetention(2);
    r.add(entry(1), 'a');
    r.add(entry(2), 'a');
    r.add(entry(3), undefined);
    r.add(entry(4), 'b');
    expect(r.entries().map((e) => e.traceSeq)).toEqual([1, 2]);
    expect(r.dropped).toBe(2);
  });
});

describe('TradeTracker', () => {
  it('closes an episode when the position is flat again with nothing outstanding', () => {
    const t = new TradeTracker();
    const see = (ev: Parameters<TradeTracker['observe']>[0]) => t.observe(ev, t.episodeOf(ev));
    const buy = order(1, 'a', 1, 1, 'buy');
    expect(see(signal(1, 'a', 1))).toBeUndefined();
    expect(see(buy)).toBeUndefined();
    expect(see(buy)).toBeUndefined(); // the same order again, after risk
    expect(see(fill(buy))).toBeUndefined(); // long 100: open
    const sell = order(5, 'a', 2, 2, 'sell');
    expect(see(sell)).toBeUndefined();
    expect(see(fill(sell))).toBe('a\u0000SPY');
    expect(t.open).toBe(0);
    const refused = order(6, 'a', 3, 3, 'buy');
    see(refused);
    expect(see(reject(refused))).toBe('a\u0000SPY');
  });

  it('keeps an order outstanding through its partial fills, until the last fill or a REJECT', () => {
    const t = new TradeTracker();
    const see = (ev: Parameters<TradeTracker['observe']>[0]) => t.observe(ev, t.episodeOf(ev));
    const buy = order(1, 'a', 1, 1, 'buy');
    see(buy);
    see(fill(buy));
    const sell = order(5, 'a', 2, 2, 'sell');
    see(sell);
    expect(see({ ...fill(sell), quantity: 60, remaining: 40 })).toBeUndefined(); // long 40, order open
    expect(see({ ...fill(sell), quantity: 40, remaining: 0 })).toBe('a\u0000SPY');
    const again = order(6, 'a', 3, 3, 'buy');
    see(again);
    see({ ...fill(again), quantity: 30, remaining: 70 });
    const exit = order(7, 'a', 4, 4, 'sell', 30);
    see(exit);
    see(fill(exit)); // flat, but order 3 still has 70 open
    expect(t.open).toBe(1);
    expect(see({ ...reject(again), source: 'execution', reason: 'expired', remaining: 70 })).toBe('a\u0000SPY');
    expect(
      see({ type: 'CANCEL', seq: 8, ts: 0, symbol: 'SPY', source: 'portfolio_a', key: 'a', orderId: 3, reason: 'x' }),
    ).toBeUndefined();
  });
});

describe('trade_complete retention in the tracer', () => {
  it("keeps the events of the open trade, drops a closed trade's and keeps its TRADE summary", () => {
    const tracer = new EventTracer(settings({ level: 'debug', retention: 'trade_complete', max_events: 100 }), {
      traceId: 't',
      phase: 'p',
    });
    const routes = backtestRoutes(['a', 'b']);
    tracer.attach(Object.values(routes));
    const observe = tracer.metricsObserver('portfolio_a')!;
    // Book a: a round trip that closes. Book b: a position still open at the end.
    const buyA = order(1, 'a', 1, 1, 'buy');
    const buyB = order(1, 'b', 2, 2, 'buy');
    routes.bars.next(bar(1));
    routes.signals.next(signal(1, 'a', 1));
    routes.signals.next(signal(1, 'b', 2));
    routes.orders.next(buyA);
    routes.orders.next(buyB);
    routes.approved.next(buyA);
    routes.approved.next(buyB);
    routes.bars.next(bar(2));
    routes.fills.next(fill(buyA));
    routes.fills.next(fill(buyB));
    const sellA = order(3, 'a', 3, 3, 'sell');
    routes.signals.next(signal(3, 'a', 3, -1));
    routes.orders.next(sellA);
    routes.approved.next(sellA);
    routes.bars.next(bar(4));
    const closing = fill(sellA);
    routes.fills.next(closing);
    observe(trade(closing, 1));
    const ids = tracer.records().map((r) => r.id);
    expect(ids).toEqual(['bar:1', 'signal:2', 'order:2', 'order:2', 'bar:2', 'fill:2', 'bar:4', 'trade:1']);
    expect(tracer.records().find((r) => r.type === 'TRADE')?.cause).toBe('fill:3');
  });
});
