import { expect } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import type { Observable, Subscription } from 'rxjs';
import type { BarEvent, FillEvent, SignalEvent, SluiceEvent } from '../../src/events/index.ts';
import type { Route, RouteSpec, RouteTarget } from '../../src/routes/index.ts';

/**
 * Small factories for route marble tests: events that differ only in what a route looks
 * at (`seq` to tell them apart, `key` for selective delivery), route specs, a
 * TestScheduler wired to vitest, and a harness that drives a route from marble sources.
 */

/** 2024-01-02 14:30 UTC; bar `seq` starts `seq` minutes later. */
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MINUTE = 60_000;

/** A SPY 1-minute BAR; `seq` is both the run-wide sequence number and the bar index. */
export function bar(seq: number, symbol = 'SPY'): BarEvent {
  const close = 100 + seq;
  return {
    type: 'BAR',
    seq,
    ts: T0 + seq * MINUTE,
    symbol,
    source: 'data',
    index: seq,
    open: close - 0.5,
    high: close + 1,
    low: close - 1,
    close,
    volume: 1_000,
  };
}

/** A long SIGNAL for book `key`, computed on bar `seq`. */
export function signal(key: string, seq: number): SignalEvent {
  return {
    type: 'SIGNAL',
    seq,
    ts: T0 + seq * MINUTE,
    symbol: 'SPY',
    source: `strategy_${key}`,
    key,
    strategyId: `strategy_${key}`,
    signalId: seq,
    direction: 1,
    strength: 1,
    price: 100 + seq,
  };
}

/** A buy FILL for book `key` of the order created on bar `seq`, filled at bar `seq + 1`. */
export function fill(key: string, seq: number): FillEvent {
  return {
    type: 'FILL',
    seq,
    ts: T0 + seq * MINUTE,
    symbol: 'SPY',
    source: 'execution',
    key,
    orderId: seq,
    signalId: seq,
    fillSeq: seq + 1,
    fillTs: T0 + (seq + 1) * MINUTE,
    fillIndex: seq + 1,
    side: 'buy',
    quantity: 10,
    remaining: 0,
    price: 100.5 + seq,
    commission: 1,
    slippage: 0.01,
    reason: 'signal',
  };
}

/** Options of {@link routeSpec}; everything has a sensible default. */
export interface RouteSpecOptions {
  readonly name?: string;
  readonly from?: readonly string[];
  readonly events?: RouteSpec['events'];
  readonly byKey?: boolean;
}

/**
 * A route spec of `kind` delivering to `targets` in the given order. A string target is a
 * plain consumer id; `'portfolio_a:a'` is consumer `portfolio_a` with foreach key `a`.
 */
export function routeSpec(
  kind: RouteSpec['kind'],
  targets: readonly (string | RouteTarget)[],
  options: RouteSpecOptions = {},
): RouteSpec {
  return {
    name: options.name ?? `${kind}_route`,
    kind,
    from: options.from ?? ['producer'],
    targets: targets.map(toTarget),
    events: options.events ?? ['BAR'],
    byKey: options.byKey ?? false,
  };
}

function toTarget(t: string | RouteTarget): RouteTarget {
  if (typeof t !== 'string') return t;
  const colon = t.indexOf(':');
  return colon < 0 ? { id: t } : { id: t.slice(0, colon), key: t.slice(colon + 1) };
}

/** A TestScheduler whose assertions are vitest's deep equality. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/**
 * Drives `route` the way producers do: every event of every source goes to `route.next`,
 * and the route completes once all sources have completed (the stop step). A route has no
 * error channel, so a source error is not forwarded.
 */
export function drive(route: Route, ...sources: Observable<SluiceEvent>[]): Subscription[] {
  let open = sources.length;
  return sources.map((source) =>
    source.subscribe({
      next: (ev) => route.next(ev),
      complete: () => {
        if (--open === 0) route.complete();
      },
    }),
  );
}
