import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { SelectiveRoute } from '../../src/routes/index.ts';
import { bar, createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

const values = {
  a: signal('sma_10_30', 1),
  b: signal('sma_20_50', 2),
  c: signal('sma_10_30', 3),
  x: signal('sma_5_15', 4), // no portfolio owns this key
  z: bar(5), // not keyed at all
};

const books = ['portfolio_sma_10_30:sma_10_30', 'portfolio_sma_20_50:sma_20_50'];
const signals = { from: ['strategies'], events: ['SIGNAL'], byKey: true } as const;

describe('SelectiveRoute', () => {
  it('delivers each event only to the consumer whose key equals ev.key', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new SelectiveRoute(routeSpec('selective', books, signals));
      const strategies = hot<SluiceEvent>('-a-b-c-|', values);
      const subs = '                       ^------!';
      const book1030 = '                   -a---c-|';
      const book2050 = '                   ---b---|';

      expectObservable(route.output('portfolio_sma_10_30')).toBe(book1030, values);
      expectObservable(route.output('portfolio_sma_20_50')).toBe(book2050, values);
      drive(route, strategies);
      expectSubscriptions(strategies.subscriptions).toBe(subs);
    });
  });

  it('counts an event whose key has no consumer as undelivered and delivers it to nobody', () => {
    const route = new SelectiveRoute(routeSpec('selective', books, signals));
    createTestScheduler().run(({ hot, expectObservable }) => {
      const strategies = hot<SluiceEvent>('-a-x-b-x-|', values);
      const book1030 = '                   -a-------|';
      const book2050 = '                   -----b---|';

      expectObservable(route.output('portfolio_sma_10_30')).toBe(book1030, values);
      expectObservable(route.output('portfolio_sma_20_50')).toBe(book2050, values);
      drive(route, strategies);
    });
    expect(route.sent).toBe(4);
    expect(route.undelivered).toBe(2);
  });

  it('counts an event without a key (a BAR) as undelivered', () => {
    const route = new SelectiveRoute(routeSpec('selective', books, signals));
    createTestScheduler().run(({ hot, expectObservable }) => {
      const strategies = hot<SluiceEvent>('-z-a-|', values);
      const book1030 = '                   ---a-|';
      const book2050 = '                   -----|';

      expectObservable(route.output('portfolio_sma_10_30')).toBe(book1030, values);
      expectObservable(route.output('portfolio_sma_20_50')).toBe(book2050, values);
      drive(route, strategies);
    });
    expect(route.undelivered).toBe(1);
  });

  it('completes every consumer, also those that never received an event', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const route = new SelectiveRoute(routeSpec('selective', books, signals));
      const strategies = cold<SluiceEvent>('--a--|', values);
      const subs = '                        ^----!';
      const book1030 = '                    --a--|';
      const book2050 = '                    -----|';

      expectObservable(route.output('portfolio_sma_10_30')).toBe(book1030, values);
      expectObservable(route.output('portfolio_sma_20_50')).toBe(book2050, values);
      drive(route, strategies);
      expectSubscriptions(strategies.subscriptions).toBe(subs);
    });
  });

  it('stops delivering to a consumer that unsubscribes early; its events are NOT counted undelivered', () => {
    const route = new SelectiveRoute(routeSpec('selective', books, signals));
    createTestScheduler().run(({ hot, expectObservable }) => {
      const strategies = hot<SluiceEvent>('-a-b-c-|', values);
      const unsub1030 = '                  ^--!';
      const book1030 = '                   -a--';
      const book2050 = '                   ---b---|';

      expectObservable(route.output('portfolio_sma_10_30'), unsub1030).toBe(book1030, values);
      expectObservable(route.output('portfolio_sma_20_50')).toBe(book2050, values);
      drive(route, strategies);
    });
    // c went into portfolio_sma_10_30's subject with nobody subscribed: lost, yet "delivered".
    expect(route.undelivered).toBe(0);
  });

  it('documents: two consumers with the same key are not refused; the later one takes every event', () => {
    const route = new SelectiveRoute(routeSpec('selective', ['portfolio_1:a', 'portfolio_2:a'], signals));
    const seen: string[] = [];
    route.output('portfolio_1').subscribe((ev) => seen.push(`portfolio_1<-${ev.seq}`));
    route.output('portfolio_2').subscribe((ev) => seen.push(`portfolio_2<-${ev.seq}`));
    route.next(signal('a', 1));
    expect(seen).toEqual(['portfolio_2<-1']);
    expect(route.undelivered).toBe(0);
  });

  it('has kind selective', () => {
    expect(new SelectiveRoute(routeSpec('broadcast', books, signals)).kind).toBe('selective');
  });

  it('throws when a consumer has no foreach key to select by', () => {
    const spec = routeSpec('selective', ['portfolio_sma_10_30:sma_10_30', 'risk'], { ...signals, name: 'signals' });
    expect(() => new SelectiveRoute(spec)).toThrow("route signals: consumer 'risk' has no foreach key to select by");
  });
});
