import { describe, expect, it } from 'vitest';
import type { Observable } from 'rxjs';
import type { SluiceEvent } from '../../src/events/index.ts';
import { BroadcastRoute, SelectiveRoute } from '../../src/routes/index.ts';
import type { Route } from '../../src/routes/index.ts';
import { bar, createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

const values = { a: bar(1), b: bar(2), c: bar(3), d: bar(4) };

/** Feeds `route` from `source` without ever completing it: the stop step is separate. */
function produce(route: Route, source: Observable<SluiceEvent>): void {
  source.subscribe((ev) => route.next(ev));
}

describe('route teardown', () => {
  it('delivers nothing after complete(), and consumers complete at the stop frame', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio']));
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const data = hot<SluiceEvent>('-a-b--c-d-|', values);
      const stop = hot('             ----x------');
      const dataSubs = '             ^---------!';
      const consumer = '             -a-b|';

      expectObservable(route.output('features')).toBe(consumer, values);
      expectObservable(route.output('portfolio')).toBe(consumer, values);
      produce(route, data);
      stop.subscribe(() => route.complete());
      // complete() closes the consumers' side only; the producer keeps running.
      expectSubscriptions(data.subscriptions).toBe(dataSubs);
    });
    // next() after complete() still counts c and d as sent (and would still call a tap),
    // although nobody can receive them any more.
    expect(route.sent).toBe(4);
    expect(route.undelivered).toBe(0);
  });

  it('drops keyed events after complete() without counting them undelivered', () => {
    const route = new SelectiveRoute(routeSpec('selective', ['portfolio_a:a'], { byKey: true }));
    const seen: number[] = [];
    let completed = false;
    route.output('portfolio_a').subscribe({ next: (ev) => seen.push(ev.seq), complete: () => (completed = true) });
    route.next(signal('a', 1));
    route.complete();
    route.next(signal('a', 2));
    expect(seen).toEqual([1]);
    expect(completed).toBe(true);
    expect(route.sent).toBe(2);
    expect(route.undelivered).toBe(0);
  });

  it('completes a late subscriber immediately after complete()', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio']));
      const data = cold<SluiceEvent>('  -a-b|', values);
      const lateSub = '                 -------^';
      const late = '                    -------|';
      const onTime = '                  -a-b|';

      expectObservable(route.output('features')).toBe(onTime, values);
      expectObservable(route.output('portfolio'), lateSub).toBe(late);
      drive(route, data);
    });
  });

  it('lets a consumer that resubscribes pick up from then on, missing what was sent meanwhile', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features']));
      const data = hot<SluiceEvent>('-a-b-c-d-|', values);
      const firstSub = '             ^--!';
      const first = '                -a--';
      const secondSub = '            ----^';
      const second = '               -----c-d-|';

      expectObservable(route.output('features'), firstSub).toBe(first, values);
      expectObservable(route.output('features'), secondSub).toBe(second, values);
      drive(route, data);
    });
  });

  it('does not complete consumers when the producer is unsubscribed; only complete() does', () => {
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features']));
      const data = hot<SluiceEvent>('-a-b-c-d-|', values);
      const stop = hot('             --x-------');
      const dataSubs = '             ^-!';
      const features = '             -a--------';

      expectObservable(route.output('features')).toBe(features, values);
      const [producer] = drive(route, data);
      stop.subscribe(() => producer?.unsubscribe());
      expectSubscriptions(data.subscriptions).toBe(dataSubs);
    });
  });

  it('tolerates complete() twice; consumers complete once', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features']));
    let completions = 0;
    route.output('features').subscribe({ complete: () => completions++ });
    route.complete();
    route.complete();
    expect(completions).toBe(1);
  });
});
