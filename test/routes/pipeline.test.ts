import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { PipelineRoute } from '../../src/routes/index.ts';
import { createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

const values = { a: signal('a', 1), b: signal('b', 2), c: signal('a', 3) };

describe('PipelineRoute', () => {
  it('passes every event from its one producer to its one consumer, frame for frame', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new PipelineRoute(routeSpec('pipeline', ['risk'], { from: ['portfolio'], events: ['ORDER'] }));
      const portfolio = hot<SluiceEvent>('-a-b--c-|', values);
      const subs = '                      ^-------!';
      const risk = '                      -a-b--c-|';

      expectObservable(route.output('risk')).toBe(risk, values);
      drive(route, portfolio);
      expectSubscriptions(portfolio.subscriptions).toBe(subs);
    });
  });

  it('ignores keys: a pipeline is not selective', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const route = new PipelineRoute(routeSpec('pipeline', ['risk:a']));
      const portfolio = cold<SluiceEvent>('-a-b-|', values);
      const risk = '                       -a-b-|';

      expectObservable(route.output('risk')).toBe(risk, values);
      drive(route, portfolio);
    });
    const route = new PipelineRoute(routeSpec('pipeline', ['risk:a']));
    route.next(signal('zzz', 1));
    expect(route.undelivered).toBe(0);
  });

  it('stops delivering when its consumer unsubscribes, without unsubscribing the producer', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new PipelineRoute(routeSpec('pipeline', ['risk']));
      const portfolio = hot<SluiceEvent>('-a-b--c-|', values);
      const subs = '                      ^-------!';
      const riskUnsub = '                 ^--!';
      const risk = '                      -a--';

      expectObservable(route.output('risk'), riskUnsub).toBe(risk, values);
      drive(route, portfolio);
      expectSubscriptions(portfolio.subscriptions).toBe(subs);
    });
  });

  it('has kind pipeline and counts what it sends', () => {
    const route = new PipelineRoute(routeSpec('merge', ['risk']));
    expect(route.kind).toBe('pipeline');
    route.next(signal('a', 1));
    expect(route.sent).toBe(1);
  });

  it('throws when built with two consumers', () => {
    expect(() => new PipelineRoute(routeSpec('pipeline', ['risk', 'execution'], { name: 'orders' }))).toThrow(
      'pipeline route orders needs exactly one producer and one consumer',
    );
  });

  it('throws when built with two producers', () => {
    const spec = routeSpec('pipeline', ['risk'], { name: 'orders', from: ['portfolio_a', 'portfolio_b'] });
    expect(() => new PipelineRoute(spec)).toThrow('pipeline route orders needs exactly one producer and one consumer');
  });

  it('throws when built with no consumer or no producer', () => {
    expect(() => new PipelineRoute(routeSpec('pipeline', []))).toThrow(/exactly one producer and one consumer/);
    expect(() => new PipelineRoute(routeSpec('pipeline', ['risk'], { from: [] }))).toThrow(
      /exactly one producer and one consumer/,
    );
  });
});
