import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { createFeedbackRoute } from '../../src/routes/index.ts';
import { createTestScheduler, drive, fill, routeSpec } from './marble-events.ts';

const values = { a: fill('a', 1), b: fill('b', 2), c: fill('a', 3), x: fill('x', 4) };

const books = ['portfolio_a:a', 'portfolio_b:b'];
const fills = { from: ['execution'], events: ['FILL', 'REJECT'] } as const;

describe('feedback route', () => {
  it('with byKey delivers like a selective route', () => {
    const route = createFeedbackRoute(routeSpec('feedback', books, { ...fills, byKey: true }));
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const execution = hot<SluiceEvent>('-a-b-x-c-|', values);
      const subs = '                      ^--------!';
      const bookA = '                     -a-----c-|';
      const bookB = '                     ---b-----|';

      expectObservable(route.output('portfolio_a')).toBe(bookA, values);
      expectObservable(route.output('portfolio_b')).toBe(bookB, values);
      drive(route, execution);
      expectSubscriptions(execution.subscriptions).toBe(subs);
    });
    expect(route.kind).toBe('feedback');
    expect(route.sent).toBe(4);
    expect(route.undelivered).toBe(1);
  });

  it('without byKey delivers like a broadcast', () => {
    const route = createFeedbackRoute(routeSpec('feedback', books, { ...fills, byKey: false }));
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const execution = hot<SluiceEvent>('-a-b-x-c-|', values);
      const subs = '                      ^--------!';
      const everyBook = '                 -a-b-x-c-|';

      expectObservable(route.output('portfolio_a')).toBe(everyBook, values);
      expectObservable(route.output('portfolio_b')).toBe(everyBook, values);
      drive(route, execution);
      expectSubscriptions(execution.subscriptions).toBe(subs);
    });
    expect(route.kind).toBe('feedback');
    expect(route.sent).toBe(4);
    expect(route.undelivered).toBe(0);
  });

  it('without byKey accepts consumers without a key', () => {
    const route = createFeedbackRoute(routeSpec('feedback', ['portfolio'], fills));
    expect(route.kind).toBe('feedback');
    expect(route.targets).toEqual([{ id: 'portfolio' }]);
  });

  it('with byKey throws when a consumer has no key', () => {
    const spec = routeSpec('feedback', ['portfolio'], { ...fills, byKey: true, name: 'fills' });
    expect(() => createFeedbackRoute(spec)).toThrow("route fills: consumer 'portfolio' has no foreach key");
  });

  it('reports kind feedback whatever kind the spec carried', () => {
    expect(createFeedbackRoute(routeSpec('broadcast', books, fills)).kind).toBe('feedback');
    expect(createFeedbackRoute(routeSpec('selective', books, { ...fills, byKey: true })).kind).toBe('feedback');
  });

  it('delivers a fill sent from inside a delivery (a closed cycle) after the current one', () => {
    // A feedback route closes a cycle, so a consumer may cause a new event on the same
    // route while the route is still delivering the previous one. The route queues the
    // nested event until the current delivery has reached every consumer, so each
    // consumer sees fill 1 before fill 2: cause before effect, in declared order.
    const route = createFeedbackRoute(routeSpec('feedback', ['portfolio_a', 'portfolio_b'], fills));
    const log: string[] = [];
    route.output('portfolio_a').subscribe((ev) => {
      log.push(`portfolio_a<-${ev.seq}`);
      if (ev.seq === 1) route.next(fill('a', 2));
    });
    route.output('portfolio_b').subscribe((ev) => log.push(`portfolio_b<-${ev.seq}`));
    route.next(fill('a', 1));
    expect(log).toEqual(['portfolio_a<-1', 'portfolio_b<-1', 'portfolio_a<-2', 'portfolio_b<-2']);
  });
});
