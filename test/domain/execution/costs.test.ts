import { describe, expect, it } from 'vitest';
import { commission, slippedPrice } from '../../../src/domain/execution/costs.ts';

describe('slippedPrice', () => {
  it('always moves the price against the trader', () => {
    // 10 bps of 100 = 0.1
    expect(slippedPrice('buy', 100, 10)).toBeCloseTo(100.1, 12);
    expect(slippedPrice('sell', 100, 10)).toBeCloseTo(99.9, 12);
    // 25 bps of 40 = 0.1
    expect(slippedPrice('buy', 40, 25)).toBeCloseTo(40.1, 12);
    expect(slippedPrice('sell', 40, 25)).toBeCloseTo(39.9, 12);
  });

  it('is the identity at 0 bps', () => {
    expect(slippedPrice('buy', 123.45, 0)).toBe(123.45);
    expect(slippedPrice('sell', 123.45, 0)).toBe(123.45);
  });
});

describe('commission', () => {
  it('an empty model is free', () => {
    expect(commission({}, 100, 50)).toBe(0);
  });

  it('per share', () => {
    expect(commission({ per_share: 0.005 }, 1000, 50)).toBeCloseTo(5, 12); // 0.005 × 1000
  });

  it('percent of notional', () => {
    expect(commission({ percent: 0.1 }, 100, 50)).toBeCloseTo(5, 12); // 0.1 % × 5000
  });

  it('per share and percent add up', () => {
    expect(commission({ per_share: 0.01, percent: 0.1 }, 100, 50)).toBeCloseTo(6, 12); // 1 + 5
  });

  it('clamps to minimum and maximum', () => {
    const m = { per_share: 0.01, minimum: 1, maximum: 5 };
    expect(commission(m, 10, 50)).toBe(1); // 0.1 → minimum 1
    expect(commission(m, 300, 50)).toBeCloseTo(3, 12); // 3, inside
    expect(commission(m, 1000, 50)).toBe(5); // 10 → maximum 5
    expect(commission({ per_share: 1 }, 1e6, 50)).toBe(1e6); // no maximum when absent
  });

  it('charges nothing for no shares, even under a minimum', () => {
    expect(commission({ minimum: 1 }, 0, 50)).toBe(0);
  });
});
