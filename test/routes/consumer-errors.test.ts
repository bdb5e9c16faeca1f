import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { config, map } from 'rxjs';
import type { SluiceEvent } from '../../src/events/index.ts';
import { BroadcastRoute, SelectiveRoute } from '../../src/routes/index.ts';
import { bar, createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

/**
 * What happens when a consumer throws while a route delivers to it. A route delivers with
 * plain `Subject.next`, so RxJS's own rules apply:
 *
 * - a throw in a subscriber's `next` callback is caught by RxJS, handed to
 *   `config.onUnhandledError` (default: rethrown from a `setTimeout`), and the consumer
 *   stays subscribed;
 * - a throw inside an operator of the consumer's pipe becomes an `error` notification on
 *   that consumer's stream, which unsubscribes it from the route for good.
 *
 * In both cases the route's `next` returns normally, every other consumer still gets the
 * event in its declared turn, and the producer never learns about the failure.
 */

const values = { a: bar(1), b: bar(2), c: bar(3) };
const boom = new Error('portfolio blew up');

let previousHandler: typeof config.onUnhandledError;
let unhandled: unknown[];

beforeEach(() => {
  previousHandler = config.onUnhandledError;
  unhandled = [];
  config.onUnhandledError = (err) => unhandled.push(err);
});

afterEach(() => {
  config.onUnhandledError = previousHandler;
});

describe('a consumer whose subscriber throws', () => {
  it('does not stop delivery to the consumers declared before or after it', async () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
    const log: string[] = [];
    route.output('features').subscribe((ev) => log.push(`features<-${ev.seq}`));
    route.output('portfolio').subscribe((ev) => {
      log.push(`portfolio<-${ev.seq}`);
      if (ev.seq === 1) throw boom;
    });
    route.output('execution').subscribe((ev) => log.push(`execution<-${ev.seq}`));

    expect(() => route.next(bar(1))).not.toThrow();
    route.next(bar(2));

    // The throwing consumer is still subscribed and receives bar 2.
    expect(log).toEqual(['features<-1', 'portfolio<-1', 'execution<-1', 'features<-2', 'portfolio<-2', 'execution<-2']);
    expect(route.sent).toBe(2);
    expect(route.undelivered).toBe(0);

    // The error surfaces on a later macrotask, in whatever runs then (here: this await;
    // without it, the next test would receive it).
    expect(unhandled).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(unhandled).toEqual([boom]);
  });

  it('is reported only after the synchronous run has finished (setTimeout), not to the producer', async () => {
    const route = new SelectiveRoute(routeSpec('selective', ['portfolio_a:a', 'portfolio_b:b'], { byKey: true }));
    const received: string[] = [];
    route.output('portfolio_a').subscribe((ev) => {
      received.push(`portfolio_a<-${ev.seq}`);
      throw new Error(`portfolio_a failed on ${ev.seq}`);
    });
    route.output('portfolio_b').subscribe((ev) => received.push(`portfolio_b<-${ev.seq}`));

    // A whole "backtest" runs synchronously, with the consumer failing on every event...
    for (let seq = 1; seq <= 3; seq++) {
      route.next(signal('a', seq));
      route.next(signal('b', seq));
    }
    route.complete();
    // ...and nobody has heard of it yet when the run is over.
    expect(unhandled).toEqual([]);
    expect(received).toEqual([
      'portfolio_a<-1',
      'portfolio_b<-1',
      'portfolio_a<-2',
      'portfolio_b<-2',
      'portfolio_a<-3',
      'portfolio_b<-3',
    ]);

    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(unhandled.map((e) => (e as Error).message)).toEqual([
      'portfolio_a failed on 1',
      'portfolio_a failed on 2',
      'portfolio_a failed on 3',
    ]);
  });

  it('is reported in virtual time inside TestScheduler.run, in the frame of the failure', () => {
    const scheduler = createTestScheduler();
    const reported: [message: string, frame: number][] = [];
    config.onUnhandledError = (err) => reported.push([(err as Error).message, scheduler.now()]);
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
      const data = hot<SluiceEvent>('-a-b-c-|', values);
      const subs = '                 ^------!';
      const others = '               -a-b-c-|';

      expectObservable(route.output('features')).toBe(others, values);
      route.output('portfolio').subscribe((ev) => {
        if (ev.seq === 2) throw boom;
      });
      expectObservable(route.output('execution')).toBe(others, values);
      drive(route, data);
      expectSubscriptions(data.subscriptions).toBe(subs);
    });
    expect(reported).toEqual([['portfolio blew up', 3]]);
  });
});

describe('a consumer whose operator throws', () => {
  it('errors its own stream and drops off the route; the others go on', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio', 'execution']));
    createTestScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const data = hot<SluiceEvent>('-a-b-c-|', values);
      const subs = '                 ^------!';
      const others = '               -a-b-c-|';
      const portfolio = '            -a-#';

      const failing = route.output('portfolio').pipe(
        map((ev) => {
          if (ev.seq === 2) throw boom;
          return ev;
        }),
      );
      expectObservable(route.output('features')).toBe(others, values);
      expectObservable(failing).toBe(portfolio, values, boom);
      expectObservable(route.output('execution')).toBe(others, values);
      drive(route, data);
      expectSubscriptions(data.subscriptions).toBe(subs);
    });
    // Bar 3 went to a subject nobody listens to any more: not counted anywhere.
    expect(route.sent).toBe(3);
    expect(route.undelivered).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('is reported as unhandled only if the consumer has no error handler, and later', async () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio']));
    const seen: string[] = [];
    route.output('features').subscribe((ev) => seen.push(`features<-${ev.seq}`));
    route
      .output('portfolio')
      .pipe(
        map((ev) => {
          if (ev.seq === 1) throw boom;
          return ev;
        }),
      )
      .subscribe((ev) => seen.push(`portfolio<-${ev.seq}`));

    route.next(bar(1));
    route.next(bar(2));
    expect(seen).toEqual(['features<-1', 'features<-2']);
    expect(unhandled).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(unhandled).toEqual([boom]);
  });
});
