import { describe, expect, it } from 'vitest';
import { EventTracer, METRICS_ROUTE } from '../../src/tracing/tracer.ts';
import type { TraceRecord } from '../../src/tracing/trace-record.ts';
import { MemoryTraceSink } from '../../src/tracing/sinks.ts';
import {
  backtestRoutes,
  bar,
  features,
  fill,
  order,
  reject,
  settings,
  signal,
  snapshot,
  trade,
} from './trace-fixtures.ts';

const INFO = { traceId: 't', phase: 'backtest' };

function tracerFor(raw: Record<string, unknown>, keys = ['a', 'b']) {
  const tracer = new EventTracer(settings(raw), INFO);
  const routes = backtestRoutes(keys);
  const tapped = tracer.attach(Object.values(routes)).map((r) => r.name);
  return { tracer, routes, tapped, records: (): TraceRecord[] => tracer.records() };
}

describe('EventTracer', () => {
  it('is enabled only when some level is not none', () => {
    expect(EventTracer.enabled(settings({}))).toBe(false);
    expect(EventTracer.enabled(settings({ container_settings: { 'portfolio_*': { max_events: 10 } } }))).toBe(false);
    expect(EventTracer.enabled(settings({ container_settings: { 'portfolio_*': { level: 'none' } } }))).toBe(false);
    expect(EventTracer.enabled(settings({ container_settings: { risk: { level: 'minimal' } } }))).toBe(true);
    expect(EventTracer.enabled(settings({ level: 'minimal' }))).toBe(true);
  });

  it('taps only the routes that carry a traced type', () => {
    expect(tracerFor({ level: 'minimal' }).tapped).toEqual(['orders', 'approved', 'rejections', 'fills']);
    expect(tracerFor({ level: 'standard' }).tapped).toEqual(['signals', 'orders', 'approved', 'rejections', 'fills']);
    expect(tracerFor({ level: 'detailed' }).tapped).toEqual([
      'features',
      'signals',
      'orders',
      'approved',
      'rejections',
      'fills',
    ]);
    const debug = tracerFor({ level: 'debug' });
    expect(debug.tapped).toEqual(['bars', 'features', 'signals', 'orders', 'approved', 'rejections', 'fills']);
    expect(debug.routes.bars.tap).toBeTypeOf('function');
    expect(tracerFor({ level: 'standard' }).routes.bars.tap).toBeUndefined();
  });

  it('records route, source, target, correlation and causation ids along an order chain', () => {
    const { routes, records } = tracerFor({ level: 'debug' }, ['a']);
    const o = order(4, 'a', 7, 3, 'buy');
    const f = fill(o);
    routes.bars.next(bar(4));
    routes.features.next(features(4));
    routes.signals.next(signal(4, 'a', 3));
    routes.orders.next(o);
    routes.approved.next({ ...o, source: 'portfolio_a' });
    routes.fills.next(f);
    const got = records().map((r) => [r.trace_seq, r.type, r.id, r.cause, r.route, r.source, r.target, r.seq]);
    expect(got).toEqual([
      [1, 'BAR', 'bar:4', null, 'bars', 'data', ['portfolio_a', 'execution', 'features'], 4],
      [2, 'FEATURES', 'features:4', 'bar:4', 'features', 'features', 'strategy_a', 4],
      [3, 'SIGNAL', 'signal:3', 'features:4', 'signals', 'strategy_a', 'portfolio_a', 4],
      [4, 'ORDER', 'order:7', 'signal:3', 'orders', 'portfolio_a', 'risk', 4],
      // The approved order still says source portfolio_a; the record names the route's producer.
      [5, 'ORDER', 'order:7', 'signal:3', 'approved', 'risk', 'execution', 4],
      [6, 'FILL', 'fill:7', 'order:7', 'fills', 'execution', 'portfolio_a', 4],
    ]);
    const r = records();
    expect(r[0]!.ts).toBe('2025-01-02T14:50:00.000Z');
    expect(r[1]!.data).toEqual({
      values: [1.5, Number.NaN],
      bar: { index: 4, open: 104, high: 105, low: 103, close: 104.5, volume: 1004 },
    });
    expect(r[5]!.data).toMatchObject({
      order_id: 7,
      signal_id: 3,
      fill_seq: 5,
      price: 105,
      commission: 1,
      side: 'buy',
      quantity: 100,
    });
    expect(r[3]!.key).toBe('a');
    expect(r[0]!.key).toBeNull();
  });

  it('an exact container id wins over a wildcard, and the target decides before the source', () => {
    const { routes, records } = tracerFor({
      level: 'none',
      container_settings: {
        'portfolio_*': { level: 'debug' },
        portfolio_b: { level: 'none' },
        execution: { level: 'minimal' },
      },
    });
    routes.bars.next(bar(1)); // debug for portfolio_a only: b is none (exact), execution minimal, features none
    routes.signals.next(signal(1, 'a', 1));
    routes.signals.next(signal(1, 'b', 2)); // to portfolio_b: exact none
    routes.orders.next(order(1, 'a', 1, 1, 'buy')); // target risk has no entry: source portfolio_a (glob, debug)
    routes.orders.next(order(1, 'b', 2, 2, 'buy')); // source portfolio_b: exact none
    routes.approved.next(order(1, 'a', 1, 1, 'buy')); // target execution: minimal records orders
    expect(records().map((r) => [r.id, r.route, r.target])).toEqual([
      ['bar:1', 'bars', 'portfolio_a'],
      ['signal:1', 'signals', 'portfolio_a'],
      ['order:1', 'orders', 'risk'],
      ['order:1', 'approved', 'execution'],
    ]);
  });

  it('sample_every keeps the 1st, (N+1)th… event of each type independently', () => {
    const { routes, records } = tracerFor({ level: 'debug', sample_every: 3 }, ['a']);
    for (let seq = 0; seq < 10; seq++) {
      routes.bars.next(bar(seq));
      if (seq % 2 === 0) routes.features.next(features(seq));
    }
    expect(
      records()
        .filter((r) => r.type === 'BAR')
        .map((r) => r.seq),
    ).toEqual([0, 3, 6, 9]);
    expect(
      records()
        .filter((r) => r.type === 'FEATURES')
        .map((r) => r.seq),
    ).toEqual([0, 6]);
  });

  it('a container entry with max_events gets a budget of its own; without it, it shares the global one', () => {
    const { tracer, routes, records } = tracerFor(
      {
        level: 'debug',
        max_events: 5,
        container_settings: { 'strategy_*': { max_events: 2 }, 'portfolio_*': { sample_every: 1 } },
      },
      ['a'],
    );
    for (let seq = 0; seq < 20; seq++) {
      routes.bars.next(bar(seq));
      routes.features.next(features(seq));
    }
    const r = records();
    expect(r.filter((x) => x.type === 'FEATURES').map((x) => x.seq)).toEqual([18, 19]);
    expect(r.filter((x) => x.type === 'BAR').map((x) => x.seq)).toEqual([15, 16, 17, 18, 19]);
    expect(tracer.header(r.length).counts).toEqual({ recorded: 40, dropped: 33, written: 7 });
  });

  it('records a book metric stream on the metrics pseudo-route, and a TRADE caused by the fill that closed it', () => {
    const { tracer, routes, records } = tracerFor({ level: 'standard' }, ['a']);
    const observe = tracer.metricsObserver('portfolio_a')!;
    const f = fill(order(8, 'a', 9, 4, 'sell'));
    observe(snapshot(8, 'a'));
    routes.fills.next(f);
    observe(trade(f, 2));
    expect(records().map((r) => [r.type, r.route, r.source, r.target, r.cause])).toEqual([
      ['PORTFOLIO', METRICS_ROUTE, 'portfolio_a', null, 'bar:8'],
      ['FILL', 'fills', 'execution', 'portfolio_a', 'order:9'],
      ['TRADE', METRICS_ROUTE, 'portfolio_a', null, 'fill:9'],
    ]);
    expect(tracerFor({ level: 'minimal' }).tracer.metricsObserver('portfolio_a')).toBeUndefined();
  });

  it('records a run failure at minimal and above, and writes header then records to a sink', async () => {
    const { tracer } = tracerFor({ level: 'minimal' });
    tracer.recordFailure({ step: 'execute', container: 'risk', message: 'boom' });
    const sink = new MemoryTraceSink();
    await tracer.writeTo(sink);
    expect(sink.committed).toBe(true);
    expect(sink.header).toMatchObject({
      type: 'TRACE_HEADER',
      trace_id: 't',
      level: 'minimal',
      counts: { recorded: 1, dropped: 0, written: 1 },
    });
    expect(sink.records).toEqual([
      {
        trace_seq: 1,
        type: 'ERROR',
        id: 'error',
        cause: null,
        route: null,
        source: 'risk',
        target: null,
        seq: null,
        ts: null,
        symbol: null,
        key: null,
        data: { step: 'execute', container: 'risk', message: 'boom' },
      },
    ]);
    const off = tracerFor({
      level: 'none',
      container_settings: { risk: { level: 'none' }, 'strategy_*': { level: 'debug' } },
    });
    off.tracer.recordFailure({ step: 'execute', container: 'risk', message: 'boom' });
    expect(off.records()).toEqual([]);
  });

  it('a rejected order is recorded with the order as its cause', () => {
    const { routes, records } = tracerFor({ level: 'minimal' }, ['a']);
    const o = order(3, 'a', 5, 2, 'buy');
    routes.orders.next(o);
    routes.rejections.next(reject(o));
    expect(records().map((r) => [r.id, r.cause, r.target])).toEqual([
      ['order:5', 'signal:2', 'risk'],
      ['reject:5', 'order:5', 'portfolio_a'],
    ]);
  });
});
