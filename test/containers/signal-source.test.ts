import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { BarEvent, SignalEvent, SluiceEvent } from '../../src/events/index.ts';
import type { StoredSignal } from '../../src/config/resolved.ts';
import { SignalSourceContainer } from '../../src/containers/signal-source.ts';
import { IdAllocator, type ContainerContext } from '../../src/containers/container.ts';
import { silent } from '../helpers/run.ts';

const MIN = 60_000;

function bar(seq: number, symbol: string, ts: number, close: number): BarEvent {
  return {
    type: 'BAR',
    seq,
    ts,
    symbol,
    source: 'data',
    index: seq,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
  };
}

const sig = (ts: number, symbol: string, strategyId: string, direction: -1 | 0 | 1): StoredSignal => ({
  ts,
  symbol,
  strategyId,
  direction,
  strength: direction,
});

/** Feeds `inputs` through a signal source over `signals` and returns what it emitted. */
function run(signals: StoredSignal[], books: string[], inputs: SluiceEvent[], ids = new IdAllocator()) {
  const c = new SignalSourceContainer('signals', signals, books);
  const warnings: string[] = [];
  const ctx: ContainerContext = {
    ids,
    logger: { ...silent, warn: (m: string) => warnings.push(m) } as unknown as ContainerContext['logger'],
    phaseDir: null,
    registerSink: () => undefined,
  };
  c.initialize(ctx);
  const input = new Subject<SluiceEvent>();
  const out: SignalEvent[] = [];
  const sub = input.pipe(c.operator()).subscribe((e) => out.push(e as SignalEvent));
  for (const ev of inputs) input.next(ev);
  c.finish();
  sub.unsubscribe();
  return { out, results: c.results(), warnings };
}

describe('SignalSourceContainer', () => {
  it('emits the stored signals of each bar with the fields a strategy sets, in book order', () => {
    const signals = [
      // Stored order within a bar need not be book order: book order wins.
      sig(2 * MIN, 'SPY', 'b', 1),
      sig(2 * MIN, 'SPY', 'a', -1),
      sig(2 * MIN, 'QQQ', 'a', 1),
      sig(4 * MIN, 'SPY', 'a', 0),
      sig(4 * MIN, 'SPY', 'ignored', 1),
    ];
    const bars = [
      bar(0, 'QQQ', MIN, 10),
      bar(1, 'SPY', MIN, 100),
      bar(2, 'QQQ', 2 * MIN, 11),
      bar(3, 'SPY', 2 * MIN, 101),
      bar(4, 'SPY', 4 * MIN, 102),
    ];
    const { out, results } = run(signals, ['a', 'b'], bars);
    expect(
      out.map((s) => [s.seq, s.ts / MIN, s.symbol, s.key, s.strategyId, s.direction, s.price, s.signalId]),
    ).toEqual([
      [2, 2, 'QQQ', 'a', 'a', 1, 11, 1],
      [3, 2, 'SPY', 'a', 'a', -1, 101, 2],
      [3, 2, 'SPY', 'b', 'b', 1, 101, 3],
      [4, 4, 'SPY', 'a', 'a', 0, 102, 4],
    ]);
    expect(out[0]).toEqual({
      type: 'SIGNAL',
      seq: 2,
      ts: 2 * MIN,
      symbol: 'QQQ',
      source: 'signals',
      key: 'a',
      strategyId: 'a',
      signalId: 1,
      direction: 1,
      strength: 1,
      price: 11,
    });
    expect(results).toEqual({ stored_signals: 4, signals_emitted: 4, unmatched: 0, per_strategy: { a: 3, b: 1 } });
  });

  it('draws signal ids from the run-wide allocator', () => {
    const ids = new IdAllocator();
    ids.nextSignalId();
    const { out } = run([sig(MIN, 'SPY', 'a', 1)], ['a'], [bar(0, 'SPY', MIN, 1)], ids);
    expect(out[0]!.signalId).toBe(2);
  });

  it('counts and reports stored signals that match no bar', () => {
    const signals = [
      sig(MIN / 2, 'SPY', 'a', 1),
      sig(MIN, 'SPY', 'a', 0),
      sig(3 * MIN, 'SPY', 'a', 1),
      sig(9 * MIN, 'SPY', 'a', 0),
      sig(MIN, 'IWM', 'a', 1),
    ];
    const { out, results, warnings } = run(
      signals,
      ['a'],
      [bar(0, 'SPY', MIN, 1), bar(1, 'SPY', 2 * MIN, 1), bar(2, 'SPY', 4 * MIN, 1)],
    );
    expect(out.map((s) => s.ts / MIN)).toEqual([1]);
    expect(results['unmatched']).toBe(4);
    expect(warnings).toEqual([
      'signal replay: 4 of 5 stored signals matched no bar (the store was written over other bars)',
    ]);
  });

  it('ignores events other than bars and stops emitting once unsubscribed', () => {
    const c = new SignalSourceContainer('signals', [sig(MIN, 'SPY', 'a', 1), sig(2 * MIN, 'SPY', 'a', 0)], ['a']);
    c.initialize({ ids: new IdAllocator(), logger: silent, phaseDir: null, registerSink: () => undefined });
    const input = new Subject<SluiceEvent>();
    const out: SluiceEvent[] = [];
    const sub = input.pipe(c.operator()).subscribe((e) => out.push(e));
    input.next({ type: 'CLASSIFICATION', seq: 0, ts: MIN, symbol: 'SPY', source: 'x', classifier: 'c', regime: 'r' });
    input.next(bar(0, 'SPY', MIN, 1));
    sub.unsubscribe();
    expect(input.observed).toBe(false);
    expect(out).toHaveLength(1);
  });
});
