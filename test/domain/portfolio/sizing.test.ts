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

describe('targetQuantity: atr_risk', () => {
  const sizing = { type: 'atr_risk', riskPercent: 1, atrPeriod: 14, atrMultiple: 2, maxPercent: 100 } as const;

  it('risks risk_percent of equity over atr_multiple ATRs', () => {
    // 1 % of 100 000 = 1000 at risk; 2 × ATR 2.5 = 5 per share → 200 shares (notional 200 × 50 = 10 000, under the cap)
    expect(targetQuantity(sizing, 1, 100_000, 50, { feature: 2.5, barsPerYear: 252 })).toBe(200);
    expect(targetQuantity(sizing, -1, 100_000, 50, { feature: 2.5, barsPerYear: 252 })).toBe(-200);
  });

  it('caps the notional at max_percent of equity', () => {
    // ATR 0.01 → 1000 / 0.02 = 50 000 shares; the cap 100 % of 100 000 at 50 = 2000 shares
    expect(targetQuantity(sizing, 1, 100_000, 50, { feature: 0.01, barsPerYear: 252 })).toBe(2000);
    expect(targetQuantity({ ...sizing, maxPercent: 50 }, 1, 100_000, 50, { feature: 0.01, barsPerYear: 252 })).toBe(
      1000,
    );
  });

  it('sizes nothing while the ATR warms up', () => {
    expect(targetQuantity(sizing, 1, 100_000, 50, { feature: Number.NaN, barsPerYear: 252 })).toBe(0);
    expect(targetQuantity(sizing, 1, 100_000, 50)).toBe(0);
  });
});

describe('targetQuantity: volatility_target', () => {
  const sizing = { type: 'volatility_target', targetVolatility: 10, lookback: 20, maxLeverage: 2 } as const;

  it('scales notional by target / annualized σ', () => {
    // daily bars: σ_bar 0.0126 × √252 = 0.2000 annual; 10 % / 20 % = 0.5 × 100 000 = 50 000 notional / 100 = 500 shares
    const sigmaBar = 0.2 / Math.sqrt(252);
    expect(targetQuantity(sizing, 1, 100_000, 100, { feature: sigmaBar, barsPerYear: 252 })).toBe(500);
    expect(targetQuantity(sizing, -1, 100_000, 100, { feature: sigmaBar, barsPerYear: 252 })).toBe(-500);
  });

  it('caps leverage at max_leverage', () => {
    // annual σ 2 % → 5× wanted, capped at 2× → 200 000 / 100 = 2000 shares
    const sigmaBar = 0.02 / Math.sqrt(252);
    expect(targetQuantity(sizing, 1, 100_000, 100, { feature: sigmaBar, barsPerYear: 252 })).toBe(2000);
  });

  it('sizes nothing while σ warms up or is zero', () => {
    expect(targetQuantity(sizing, 1, 100_000, 100, { feature: Number.NaN, barsPerYear: 252 })).toBe(0);
    expect(targetQuantity(sizing, 1, 100_000, 100, { feature: 0, barsPerYear: 252 })).toBe(0);
  });
});
