import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { BroadcastRoute } from '../../src/routes/index.ts';
import { bar, createTestScheduler, drive, routeSpec } from './marble-events.ts';

const values = { a: bar(1), b: bar(2), c: bar(3), d: bar(4) };

describe('BroadcastRoute', () => {
  it('fans every event out to every consumer in the same frame', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
      const data = hot<SluiceEvent>('   -a--b---c-|', values);
      const subs = '                    ^---------!';
      const expected = '                -a--b---c-|';

      expectObservable(route.output('features')).toBe(expected, values);
      expectObservable(route.output('portfolio')).toBe(expected, values);
      expectObservable(route.output('execution')).toBe(expected, values);
      drive(route, data);
      expectSubscriptions(data.subscriptions).toBe(subs);
    });
  });

  it('delivers within one frame in declared target order, not subscription order', () => {
    const scheduler = createTestScheduler();
    const log: [consumer: string, seq: number, frame: number][] = [];
    scheduler.run(({ hot }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
      const data = hot<SluiceEvent>('-a--(bc)-|', values);
      // Subscribe in reverse of the declared order on purpose.
      for (const id of ['execution', 'portfolio', 'features']) {
        route.output(id).subscribe((ev) => log.push([id, ev.seq, scheduler.now()]));
      }
      drive(route, data);
    });
    expect(log).toEqual([
      ['features', 1, 1],
      ['portfolio', 1, 1],
      ['execution', 1, 1],
      ['features', 2, 4],
      ['portfolio', 2, 4],
      ['execution', 2, 4],
      ['features', 3, 4],
      ['portfolio', 3, 4],
      ['execution', 3, 4],
    ]);
  });

  it('orders two subscribers of the SAME consumer output by subscription (plain Subject semantics)', () => {
    // Declared order only ranks consumers; a consumer subscribed twice is ordered by time.
    const log: string[] = [];
    const route = new BroadcastRoute(routeSpec('broadcast', ['portfolio']));
    route.output('portfolio').subscribe(() => log.push('subscribed first'));
    route.output('portfolio').subscribe(() => log.push('subscribed second'));
    route.next(bar(1));
    expect(log).toEqual(['subscribed first', 'subscribed second']);
  });

  it('stops delivering to a consumer that unsubscribes early while the others continue', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
      const data = hot<SluiceEvent>('   -a--b---c--d-|', values);
      const dataSubs = '                ^------------!';
      const portfolioUnsub = '          ^-----!';
      const portfolio = '               -a--b--';
      const others = '                  -a--b---c--d-|';

      expectObservable(route.output('features')).toBe(others, values);
      expectObservable(route.output('portfolio'), portfolioUnsub).toBe(portfolio, values);
      expectObservable(route.output('execution')).toBe(others, values);
      drive(route, data);
      // A consumer leaving does not reach upstream: the producer stays subscribed.
      expectSubscriptions(data.subscriptions).toBe(dataSubs);
    });
  });

  it('keeps the producer subscribed even when every consumer has unsubscribed', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio']));
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const data = hot<SluiceEvent>('   -a--b---c-|', values);
      const consumerUnsub = '           ^---!';
      const consumer = '                -a--';
      const dataSubs = '                ^---------!';

      expectObservable(route.output('features'), consumerUnsub).toBe(consumer, values);
      expectObservable(route.output('portfolio'), consumerUnsub).toBe(consumer, values);
      drive(route, data);
      expectSubscriptions(data.subscriptions).toBe(dataSubs);
    });
    // b and c were still sent, to nobody, and are not counted as undelivered.
    expect(route.sent).toBe(3);
    expect(route.undelivered).toBe(0);
  });

  it('completes every consumer when the producer completes', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
      const data = cold<SluiceEvent>('  --a-b|', values);
      const dataSubs = '                ^----!';
      const expected = '                --a-b|';

      expectObservable(route.output('features')).toBe(expected, values);
      expectObservable(route.output('portfolio')).toBe(expected, values);
      expectObservable(route.output('execution')).toBe(expected, values);
      drive(route, data);
      expectSubscriptions(data.subscriptions).toBe(dataSubs);
    });
  });

  it('counts every event sent once, however many consumers receive it', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
    for (const id of ['features', 'portfolio', 'execution']) route.output(id).subscribe();
    expect(route.sent).toBe(0);
    route.next(bar(1));
    route.next(bar(2));
    expect(route.sent).toBe(2);
    expect(route.undelivered).toBe(0);
  });

  it('describes itself from its spec, with kind broadcast', () => {
    const spec = routeSpec('broadcast', ['features', 'portfolio'], { name: 'bars', from: ['data'] });
    const route = new BroadcastRoute(spec);
    expect(route.name).toBe('bars');
    expect(route.kind).toBe('broadcast');
    expect(route.from).toEqual(['data']);
    expect(route.targets).toEqual([{ id: 'features' }, { id: 'portfolio' }]);
    expect(route.events).toEqual(['BAR']);
  });

  it('refuses an output for an id that is not one of its consumers', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features'], { name: 'bars' }));
    expect(() => route.output('portfolio')).toThrow("route bars has no consumer 'portfolio'");
  });
});
