import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { MergeRoute } from '../../src/routes/index.ts';
import { createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

const values = {
  a: signal('a', 1),
  b: signal('b', 1),
  c: signal('a', 2),
  d: signal('b', 2),
  e: signal('a', 3),
};

const twoProducers = { from: ['strategy_a', 'strategy_b'], events: ['SIGNAL'] } as const;

describe('MergeRoute', () => {
  it('interleaves two producers into one consumer in emission order', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new MergeRoute(routeSpec('merge', ['portfolio'], twoProducers));
      const strategyA = hot<SluiceEvent>('-a---c---e-|', values);
      const strategyB = hot<SluiceEvent>('---b---d---|', values);
      const subs = '                      ^----------!';
      const portfolio = '                 -a-b-c-d-e-|';

      expectObservable(route.output('portfolio')).toBe(portfolio, values);
      drive(route, strategyA, strategyB);
      expectSubscriptions(strategyA.subscriptions).toBe(subs);
      expectSubscriptions(strategyB.subscriptions).toBe(subs);
    });
  });

  it('keeps emission order for events of the same frame', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const route = new MergeRoute(routeSpec('merge', ['portfolio'], twoProducers));
      // strategyA's frame-2 event is scheduled before strategyB's (hot observables are
      // created in this order), so the consumer sees c before d.
      const strategyA = hot<SluiceEvent>('-a-c------|', values);
      const strategyB = hot<SluiceEvent>('---d---b--|', values);
      const portfolio = '                 -a-(cd)b--|';

      expectObservable(route.output('portfolio')).toBe(portfolio, values);
      drive(route, strategyA, strategyB);
    });
  });

  it('completes its consumer only after the last producer completes (harness stop rule)', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new MergeRoute(routeSpec('merge', ['portfolio'], twoProducers));
      const strategyA = hot<SluiceEvent>('-a--|', values);
      const strategyB = hot<SluiceEvent>('---b---d-|', values);
      const subsA = '                     ^---!';
      const subsB = '                     ^--------!';
      const portfolio = '                 -a-b---d-|';

      expectObservable(route.output('portfolio')).toBe(portfolio, values);
      drive(route, strategyA, strategyB);
      expectSubscriptions(strategyA.subscriptions).toBe(subsA);
      expectSubscriptions(strategyB.subscriptions).toBe(subsB);
    });
  });

  it('has kind merge and counts every event of every producer', () => {
    const route = new MergeRoute(routeSpec('broadcast', ['portfolio'], twoProducers));
    expect(route.kind).toBe('merge');
    route.next(signal('a', 1));
    route.next(signal('b', 1));
    expect(route.sent).toBe(2);
  });

  it('throws when built with two consumers', () => {
    const spec = routeSpec('merge', ['portfolio_a', 'portfolio_b'], { ...twoProducers, name: 'signals' });
    expect(() => new MergeRoute(spec)).toThrow('merge route signals needs exactly one consumer');
  });

  it('throws when built with no consumer', () => {
    expect(() => new MergeRoute(routeSpec('merge', [], twoProducers))).toThrow(/needs exactly one consumer/);
  });
});
