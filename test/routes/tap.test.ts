import { describe, expect, it } from 'vitest';
import type { SluiceEvent } from '../../src/events/index.ts';
import { BroadcastRoute, SelectiveRoute, createRoute } from '../../src/routes/index.ts';
import type { Route } from '../../src/routes/index.ts';
import { bar, createTestScheduler, drive, routeSpec, signal } from './marble-events.ts';

describe('route tap', () => {
  it('sees every event once, with the route, before any consumer does', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features', 'portfolio'], { name: 'bars' }));
    const scheduler = createTestScheduler();
    const log: string[] = [];
    const tapped: [Route, SluiceEvent, number][] = [];
    const values = { a: bar(1), b: bar(2), c: bar(3) };
    route.tap = (r, ev) => {
      tapped.push([r, ev, scheduler.now()]);
      log.push(`tap ${ev.seq}`);
    };
    scheduler.run(({ hot, expectObservable }) => {
      const data = hot<SluiceEvent>('-a-b-c-|', values);
      const expected = '             -a-b-c-|';

      expectObservable(route.output('features')).toBe(expected, values);
      route.output('portfolio').subscribe((ev) => log.push(`portfolio ${ev.seq}`));
      drive(route, data);
    });
    expect(tapped).toEqual([
      [route, values.a, 1],
      [route, values.b, 3],
      [route, values.c, 5],
    ]);
    expect(tapped.every(([r]) => r === route)).toBe(true);
    expect(log).toEqual(['tap 1', 'portfolio 1', 'tap 2', 'portfolio 2', 'tap 3', 'portfolio 3']);
  });

  it('on a selective route also sees the events that reach nobody', () => {
    const route = new SelectiveRoute(routeSpec('selective', ['portfolio_a:a'], { byKey: true }));
    const tapped: string[] = [];
    route.tap = (_r, ev) => tapped.push(`${ev.type} ${ev.seq}`);
    route.next(signal('a', 1));
    route.next(signal('b', 2));
    route.next(bar(3));
    expect(tapped).toEqual(['SIGNAL 1', 'SIGNAL 2', 'BAR 3']);
    expect(route.undelivered).toBe(2);
  });

  it.each(['broadcast', 'pipeline', 'merge', 'selective', 'feedback'] as const)(
    'is called once per event on a %s route',
    (kind) => {
      const route = createRoute(routeSpec(kind, ['consumer:a'], { byKey: true }));
      let calls = 0;
      route.tap = () => calls++;
      route.next(signal('a', 1));
      route.next(signal('a', 2));
      expect(calls).toBe(2);
      expect(route.sent).toBe(2);
    },
  );

  it('sees only the events sent after it was set, and none after it was cleared', () => {
    const route = new BroadcastRoute(routeSpec('broadcast', ['features']));
    const tapped: number[] = [];
    route.next(bar(1));
    route.tap = (_r, ev) => tapped.push(ev.seq);
    route.next(bar(2));
    route.tap = undefined;
    route.next(bar(3));
    expect(tapped).toEqual([2]);
  });

  it('throws into the producer when it throws, and the event reaches no consumer', () => {
    // The tap runs inline before delivery: a faulty tracer breaks delivery of that event.
    const route = new BroadcastRoute(routeSpec('broadcast', ['features']));
    const seen: number[] = [];
    route.output('features').subscribe((ev) => seen.push(ev.seq));
    route.tap = () => {
      throw new Error('tracer failed');
    };
    expect(() => route.next(bar(1))).toThrow('tracer failed');
    expect(seen).toEqual([]);
    expect(route.sent).toBe(1);
  });
});
