import { describe, expect, it } from 'vitest';
import { targetQuantity, wholeShares } from '../../../src/domain/portfolio/sizing.ts';

describe('targetQuantity', () => {
  it('fixed: signed whole shares', () => {
    expect(targetQuantity({ type: 'fixed', quantity: 100 }, 1, 10_000, 50)).toBe(100);
    expect(targetQuantity({ type: 'fixed', quantity: 100 }, -1, 10_000, 50)).toBe(-100);
    expect(targetQuantity({ type: 'fixed', quantity: 10.7 }, 1, 10_000, 50)).toBe(10); // floor
    expect(targetQuantity({ type: 'fixed', quantity: 10.7 }, -1, 10_000, 50)).toBe(-10); // floor of |value|, not toward −∞
  });

  it('percent of equity by notional at the price', () => {
    // 50 % of 10000 = 5000; 5000 / 30 = 166.67 → 166
    expect(targetQuantity({ type: 'percent_equity', percent: 50 }, 1, 10_000, 30)).toBe(166);
    expect(targetQuantity({ type: 'percent_equity', percent: 50 }, -1, 10_000, 30)).toBe(-166);
    // 100 % of 10000 at 100 = exactly 100 shares
    expect(targetQuantity({ type: 'percent_equity', percent: 100 }, 1, 10_000, 100)).toBe(100);
  });

  it('does not lose a share to float rounding', () => {
    // 33 % of 3000 = 990; 990 / 1.1 = 900 exactly, but 3000 × 33 / 100 / 1.1 is 899.9999999999999 in doubles
    expect(targetQuantity({ type: 'percent_equity', percent: 33 }, 1, 3000, 1.1)).toBe(900);
  });

  it('is 0 for flat direction, bad price or no equity — and never −0', () => {
    expect(targetQuantity({ type: 'fixed', quantity: 100 }, 0, 10_000, 50)).toBe(0);
    expect(targetQuantity({ type: 'fixed', quantity: 100 }, 1, 10_000, 0)).toBe(0);
    expect(targetQuantity({ type: 'fixed', quantity: 100 }, 1, 10_000, -5)).toBe(0);
    expect(targetQuantity({ type: 'percent_equity', percent: 50 }, 1, 10_000, Number.NaN)).toBe(0);
    expect(targetQuantity({ type: 'percent_equity', percent: 50 }, 1, -10_000, 50)).toBe(0);
    // 10 % of 100 = 10 < one share at 50
    expect(Object.is(targetQuantity({ type: 'percent_equity', percent: 10 }, -1, 100, 50), 0)).toBe(true);
  });
});

describe('wholeShares', () => {
  it('floors, tolerates rounding dust only, and maps junk to 0', () => {
    expect(wholeShares(3.99)).toBe(3);
    expect(wholeShares(899.9999999999999)).toBe(900);
    expect(wholeShares(899.99)).toBe(899);
    expect(wholeShares(0)).toBe(0);
    expect(wholeShares(-3)).toBe(0);
    expect(wholeShares(Number.POSITIVE_INFINITY)).toBe(0);
    expect(wholeShares(Number.NaN)).toBe(0);
  });
});
