import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { z } from 'zod';
import type { BarEvent, FeaturesEvent, SluiceEvent } from '../../src/events/index.ts';
import { StrategyContainer } from '../../src/containers/strategy.ts';
import { RiskContainer } from '../../src/containers/risk.ts';
import { IdAllocator, type ContainerContext } from '../../src/containers/container.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { FLAT, LONG, SHORT } from '../../src/domain/strategies/decision.ts';
import { silent } from '../helpers/run.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const ctx: ContainerContext = { ids: new IdAllocator(), logger: silent, phaseDir: null, registerSink: () => undefined };

/** Reads feature 0 as a direction; NaN means warming up; 99 makes it throw. */
const echo: StrategyDefinition = {
  name: 'echo',
  description: 'test: direction = feature 0',
  params: z.object({}),
  features: () => [{ indicator: 'sma', params: { period: 1 } }],
  create: () => (f) => {
    const v = f[0]!;
    if (Number.isNaN(v)) return null;
    if (v === 99) throw new Error('strategy blew up');
    return v > 0 ? LONG : v < 0 ? SHORT : FLAT;
  },
};

function features(seq: number, value: number): FeaturesEvent {
  const bar: BarEvent = {
    type: 'BAR',
    seq,
    ts: seq * 60_000,
    symbol: 'SPY',
    source: 'data',
    index: seq,
    open: 1,
    high: 1,
    low: 1,
    close: 100 + seq,
    volume: 1,
  };
  return { type: 'FEATURES', seq, ts: bar.ts, symbol: 'SPY', source: 'features', bar, values: Float64Array.of(value) };
}

function strategy(): StrategyContainer {
  const c = new StrategyContainer('strategy_echo', 'echo', echo, {}, [0]);
  c.initialize({ ...ctx, ids: new IdAllocator() });
  return c;
}

const direction = (ev: SluiceEvent) => (ev.type === 'SIGNAL' ? ev.direction : ev.type);

describe('container operators under virtual time', () => {
  it('a strategy is silent while warming up and signals only when its direction changes', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const input = hot('  -w-a-b-c-d-e-|', {
        w: features(0, NaN),
        a: features(1, 1),
        b: features(2, 2),
        c: features(3, -1),
        d: features(4, -5),
        e: features(5, 0),
      });
      const expected = '   ---L---S---F-|';
      const out = input.pipe(strategy().operator(), map(direction));
      expectObservable(out).toBe(expected, { L: 1, S: -1, F: 0 });
      expectSubscriptions(input.subscriptions).toBe('^------------!');
    });
  });

  it('unsubscribing the container (stop) unsubscribes its input at that frame', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const input = hot('-a-b-c-d-|', { a: features(1, 1), b: features(2, -1), c: features(3, 1), d: features(4, -1) });
      const unsub = '    ------!';
      expectObservable(input.pipe(strategy().operator()), unsub).toBe('-a-b-c', {
        a: expect.objectContaining({ type: 'SIGNAL', direction: 1, seq: 1 }),
        b: expect.objectContaining({ type: 'SIGNAL', direction: -1, seq: 2 }),
        c: expect.objectContaining({ type: 'SIGNAL', direction: 1, seq: 3 }),
      });
      expectSubscriptions(input.subscriptions).toBe('^-----!');
    });
  });

  it('an exception in the strategy becomes an error notification and tears the input down', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const input = hot('-a-x-b-|', { a: features(1, 1), x: features(2, 99), b: features(3, -1) });
      expectObservable(input.pipe(strategy().operator())).toBe(
        '              -a-#',
        { a: expect.objectContaining({ type: 'SIGNAL', direction: 1 }) },
        new Error('strategy blew up'),
      );
      expectSubscriptions(input.subscriptions).toBe('^--!');
    });
  });

  it('an upstream error passes through a container unchanged', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const input = hot<SluiceEvent>('-a-#', { a: features(1, 1) }, new Error('upstream'));
      expectObservable(input.pipe(strategy().operator())).toBe(
        '-a-#',
        { a: expect.objectContaining({ direction: 1 }) },
        new Error('upstream'),
      );
    });
  });

  it('risk passes approved orders through in the same frame and turns refusals into REJECT', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const order = (orderId: number, quantity: number, position = 0) => ({
        type: 'ORDER' as const,
        seq: orderId,
        ts: 0,
        symbol: 'SPY',
        source: 'portfolio_a',
        key: 'a',
        orderId,
        signalId: orderId,
        side: 'buy' as const,
        quantity,
        reason: 'signal',
        price: 100,
        position,
        equity: 10_000,
        grossExposure: position * 100,
      });
      const input = hot<SluiceEvent>('-a-b-c-|', { a: order(1, 50), b: order(2, 500), c: order(3, 50, 10) });
      const risk = new RiskContainer('risk', { maxPosition: 100, maxExposure: 0.1 });
      // Order 2 (500 shares, $50,000) is resized to the exposure cap: 0.1 × 10,000 / 100 = 10.
      // Order 3 would add to a position already at the cap: rejected, back to its book.
      expectObservable(input.pipe(risk.operator())).toBe('-a-b-c-|', {
        a: expect.objectContaining({ type: 'ORDER', orderId: 1, quantity: 10 }),
        b: expect.objectContaining({ type: 'ORDER', orderId: 2, quantity: 10 }),
        c: expect.objectContaining({
          type: 'REJECT',
          orderId: 3,
          key: 'a',
          reason: expect.stringContaining('max_exposure'),
        }),
      });
    });
  });
});
