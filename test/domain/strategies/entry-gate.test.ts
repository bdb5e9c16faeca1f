import { describe, expect, it } from 'vitest';
import { EntryGate, type FilterScope } from '../../../src/domain/strategies/entry-gate.ts';
import type { BarEvent } from '../../../src/events/index.ts';
import type { StrategyDecision } from '../../../src/domain/strategies/strategy.ts';

const bar = (close: number): BarEvent => ({
  type: 'BAR',
  seq: 0,
  ts: 0,
  symbol: 'AAA',
  source: '',
  index: 0,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});
const want = (direction: -1 | 0 | 1, strength = 1): StrategyDecision => ({ direction, strength });

describe('EntryGate', () => {
  it('without a filter, signals every change of mind and nothing else', () => {
    const gate = new EntryGate<null>();
    expect(gate.next(null, bar(1), null)).toBeNull();
    expect(gate.next(want(0), bar(1), null)).toBeNull();
    expect(gate.next(want(1), bar(1), null)).toBe(1);
    expect(gate.next(want(1), bar(1), null)).toBeNull();
    expect(gate.next(want(-1), bar(1), null)).toBe(-1);
    expect(gate.filtered).toBe(0);
  });

  it('holds an entry back until the filter passes, never an exit; counts each refused bar', () => {
    // The filter passes when the caller's input `ok` (written by writeInputs) is 1 and close > 10.
    const seen: FilterScope[] = [];
    const gate = new EntryGate<number>({
      test: (scope) => {
        seen.push({ ...scope });
        return scope['ok'] === 1 && (scope['close'] as number) > 10;
      },
      stateful: false,
      writeInputs: (scope, ok) => {
        scope['ok'] = ok;
      },
    });
    expect(gate.next(want(1, 0.5), bar(11), 0)).toBeNull(); // refused while flat: no signal
    expect(gate.next(want(1, 0.5), bar(9), 1)).toBeNull();
    expect(gate.filtered).toBe(2);
    expect(seen[0]).toEqual({ signal: 1, strength: 0.5, open: 11, high: 11, low: 11, close: 11, volume: 1, ok: 0 });
    expect(gate.next(want(1), bar(11), 1)).toBe(1); // the entry waited for the filter
    expect(gate.next(want(0), bar(5), 0)).toBe(0); // an exit is never asked
    expect(gate.next(want(1), bar(11), 1)).toBe(1);
    expect(gate.next(want(-1), bar(5), 1)).toBe(0); // a refused reversal goes flat
    expect(gate.direction).toBe(0);
    expect(gate.filtered).toBe(3);
    expect(seen).toHaveLength(5);
  });

  it('asks a stateful filter on every bar, silent ones too, and decides on that answer', () => {
    const signals: number[] = [];
    const gate = new EntryGate<null>({
      test: (scope) => {
        signals.push(scope['signal'] as number);
        return signals.length >= 3;
      },
      stateful: true,
      writeInputs: () => {},
    });
    expect(gate.next(null, bar(1), null)).toBeNull();
    expect(gate.next(want(1), bar(1), null)).toBeNull();
    expect(gate.next(want(1), bar(1), null)).toBe(1);
    expect(gate.next(want(1), bar(1), null)).toBeNull();
    expect(signals).toEqual([0, 1, 1, 1]);
    expect(gate.filtered).toBe(1);
  });
});
