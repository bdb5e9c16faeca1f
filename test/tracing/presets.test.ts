import { describe, expect, it } from 'vitest';
import { TRACE_LEVELS } from '../../src/config/schema/trading.ts';
import { EVENT_TYPES } from '../../src/events/index.ts';
import { presetMask, presetTypes, TRACE_TYPES } from '../../src/tracing/presets.ts';

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('trace-level presets', () => {
  it('select exactly the documented event types', () => {
    expect(sorted(presetTypes('none'))).toEqual([]);
    expect(sorted(presetTypes('minimal'))).toEqual(['CANCEL', 'ERROR', 'FILL', 'ORDER', 'REJECT']);
    expect(sorted(presetTypes('standard'))).toEqual([
      'CANCEL',
      'ERROR',
      'FILL',
      'ORDER',
      'PORTFOLIO',
      'REJECT',
      'SIGNAL',
      'TRADE',
    ]);
    expect(sorted(presetTypes('detailed'))).toEqual([
      'CANCEL',
      'CLASSIFICATION',
      'ERROR',
      'FEATURES',
      'FILL',
      'ORDER',
      'PORTFOLIO',
      'REJECT',
      'SIGNAL',
      'TRADE',
    ]);
    expect(sorted(presetTypes('debug'))).toEqual([...EVENT_TYPES, 'ERROR'].sort());
  });

  it('only BAR separates debug from detailed, and each level includes the one before', () => {
    for (let i = 1; i < TRACE_LEVELS.length; i++) {
      const lower = presetTypes(TRACE_LEVELS[i - 1]!);
      const higher = presetTypes(TRACE_LEVELS[i]!);
      for (const t of lower) expect(higher.has(t)).toBe(true);
      expect(higher.size).toBeGreaterThan(lower.size);
    }
    const extra = [...presetTypes('debug')].filter((t) => !presetTypes('detailed').has(t));
    expect(extra).toEqual(['BAR']);
  });

  it('masks agree with the type sets', () => {
    for (const level of TRACE_LEVELS) {
      const mask = presetMask(level);
      const types = presetTypes(level);
      TRACE_TYPES.forEach((t, i) => expect(mask[i] === 1).toBe(types.has(t)));
    }
  });
});
