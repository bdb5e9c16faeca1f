import { describe, expect, it } from 'vitest';
import { newWorkflowId, workflowSlug } from '../../src/results/workflow-id.ts';

describe('newWorkflowId', () => {
  it('formats UTC time to the millisecond, the slug and 4 hex digits', () => {
    const id = newWorkflowId('SPY SMA Sweep', new Date(Date.UTC(2026, 10, 23, 12, 47, 38, 123)), () => 0.5);
    // 0.5 × 65536 = 32768 = 0x8000
    expect(id).toBe('20261123T124738123Z-spy-sma-sweep-8000');
  });

  it('pads the random part and keeps it to 4 digits at both ends of [0, 1)', () => {
    const now = new Date(Date.UTC(2026, 0, 1));
    expect(newWorkflowId('a', now, () => 0)).toBe('20260101T000000000Z-a-0000');
    expect(newWorkflowId('a', now, () => 0.9999999999)).toBe('20260101T000000000Z-a-ffff');
    expect(newWorkflowId('a', now, () => 1 / 65536)).toBe('20260101T000000000Z-a-0001');
  });

  it('sorts as strings in time order', () => {
    // Times chosen so that naive formats would mis-sort: single-digit fields, ms rollover,
    // year change, and names that sort the other way.
    const times = [
      Date.UTC(2025, 11, 31, 23, 59, 59, 999),
      Date.UTC(2026, 0, 1, 0, 0, 0, 0),
      Date.UTC(2026, 0, 1, 0, 0, 0, 1),
      Date.UTC(2026, 0, 1, 0, 0, 0, 10),
      Date.UTC(2026, 0, 1, 0, 0, 1, 0),
      Date.UTC(2026, 0, 9, 0, 0, 0, 0),
      Date.UTC(2026, 0, 10, 0, 0, 0, 0),
      Date.UTC(2026, 9, 1, 0, 0, 0, 0),
    ];
    const names = ['zz', 'yy', 'x', 'w-long-name', 'v', 'u', 't', 'a'];
    const ids = times.map((t, i) => newWorkflowId(names[i]!, new Date(t), () => (7 - i) / 8));
    expect([...ids].sort()).toEqual(ids);
    // And the other way round: shuffled ids sort back into time order.
    expect([ids[5], ids[0], ids[7], ids[2], ids[1], ids[6], ids[4], ids[3]].sort()).toEqual(ids);
  });

  it('differs between calls in the same millisecond by the random part', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 50 }, () => newWorkflowId('same', now)));
    expect(ids.size).toBeGreaterThan(40);
    for (const id of ids) expect(id).toMatch(/^\d{8}T\d{9}Z-same-[0-9a-f]{4}$/);
  });

  it('rejects an invalid date', () => {
    expect(() => newWorkflowId('x', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('workflowSlug', () => {
  it.each([
    ['My Workflow', 'my-workflow'],
    ['spy_sma_crossover', 'spy_sma_crossover'],
    ['  Walk/Forward: SPY (2020–2024)!  ', 'walk-forward-spy-2020-2024'],
    ['Café Crème', 'cafe-creme'],
    ['a---b', 'a-b'],
    ['!!!', 'workflow'],
    ['', 'workflow'],
  ])('%j → %j', (name, slug) => {
    expect(workflowSlug(name)).toBe(slug);
  });

  it('trims to 40 characters without a trailing dash', () => {
    expect(workflowSlug('x'.repeat(60))).toBe('x'.repeat(40));
    // Character 40 would be the dash after 39 × 'a'.
    expect(workflowSlug(`${'a'.repeat(39)} bcd`)).toBe('a'.repeat(39));
  });
});
