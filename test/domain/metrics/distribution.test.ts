import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, percentileSorted, summarize } from '../../../src/domain/metrics/distribution.ts';

describe('percentileSorted (linear interpolation between closest ranks)', () => {
  it('interpolates at h = (n − 1)·p, like numpy', () => {
    expect(percentileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(percentileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileSorted([10, 20, 30, 40, 50], 0.05)).toBeCloseTo(12, 12);
    expect(percentileSorted([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 12);
  });

  it('gives the extremes at 0 and 1 and the value itself for one value', () => {
    expect(percentileSorted([-3, 7, 8], 0)).toBe(-3);
    expect(percentileSorted([-3, 7, 8], 1)).toBe(8);
    expect(percentileSorted([42], 0.3)).toBe(42);
  });

  it('lands exactly on a value at an exact rank', () => {
    // h = 4 · 0.25 = 1 → the second value, no interpolation error.
    expect(percentileSorted([0.1, 0.7, 0.9, 1.3, 2.2], 0.25)).toBe(0.7);
  });

  it('refuses an empty sample and a level outside [0, 1]', () => {
    expect(() => percentileSorted([], 0.5)).toThrow(/empty/);
    expect(() => percentileSorted([1], 95)).toThrow(/fraction in \[0, 1\]/);
    expect(() => percentileSorted([1], Number.NaN)).toThrow(RangeError);
  });

  it('is monotone in p and stays within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p, q) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          const a = percentileSorted(sorted, lo);
          const b = percentileSorted(sorted, hi);
          return a <= b && a >= sorted[0]! && b <= sorted[sorted.length - 1]!;
        },
      ),
    );
  });
});

describe('percentile', () => {
  it('sorts numerically (not as strings) without touching the input', () => {
    const values = [10, 9, 100, 1];
    expect(percentile(values, 0.5)).toBe(9.5);
    expect(values).toEqual([10, 9, 100, 1]);
  });

  it('refuses NaN', () => {
    expect(() => percentile([1, Number.NaN], 0.5)).toThrow(/NaN/);
  });
});

describe('summarize', () => {
  it('matches numpy on a small sample', () => {
    // numpy: mean 3.875, std(ddof=1) 2.748376143938713,
    // percentile([5, 25, 50, 75, 95]) = [1.0, 1.75, 3.5, 5.25, 7.949999999999998]
    const s = summarize([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(s.count).toBe(8);
    expect(s.mean).toBe(3.875);
    expect(s.std).toBeCloseTo(2.748376143938713, 14);
    expect(s.min).toBe(1);
    expect(s.max).toBe(9);
    expect(s.p5).toBe(1);
    expect(s.p25).toBe(1.75);
    expect(s.p50).toBe(3.5);
    expect(s.p75).toBe(5.25);
    expect(s.p95).toBeCloseTo(7.95, 12);
  });

  it('gives a null std for one value (a sample std needs two)', () => {
    expect(summarize([5])).toEqual({
      count: 1,
      mean: 5,
      std: null,
      min: 5,
      max: 5,
      p5: 5,
      p25: 5,
      p50: 5,
      p75: 5,
      p95: 5,
    });
  });

  it('stays accurate with a large offset (two-pass variance)', () => {
    const s = summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(s.std).toBe(1);
  });

  it('accepts typed arrays and refuses empty or non-finite samples', () => {
    expect(summarize(new Float64Array([2, 4])).mean).toBe(3);
    expect(() => summarize([])).toThrow(/empty/);
    expect(() => summarize([1, Infinity])).toThrow(/non-finite/);
  });
});
