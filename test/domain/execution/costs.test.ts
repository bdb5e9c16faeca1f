import { describe, expect, it } from 'vitest';
import {
  checkCommissionModel,
  checkSlippageModel,
  commission,
  CommissionSchedule,
  slippageBps,
  slippedPrice,
  tierFor,
  tierMeasure,
  tiersProblem,
} from '../../../src/domain/execution/costs.ts';

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
    expect(commission({ perShare: 0.005 }, 1000, 50)).toBeCloseTo(5, 12); // 0.005 × 1000
  });

  it('percent of notional', () => {
    expect(commission({ percent: 0.1 }, 100, 50)).toBeCloseTo(5, 12); // 0.1 % × 5000
  });

  it('per share and percent add up', () => {
    expect(commission({ perShare: 0.01, percent: 0.1 }, 100, 50)).toBeCloseTo(6, 12); // 1 + 5
  });

  it('clamps to minimum and maximum', () => {
    const m = { perShare: 0.01, minimum: 1, maximum: 5 };
    expect(commission(m, 10, 50)).toBe(1); // 0.1 → minimum 1
    expect(commission(m, 300, 50)).toBeCloseTo(3, 12); // 3, inside
    expect(commission(m, 1000, 50)).toBe(5); // 10 → maximum 5
    expect(commission({ perShare: 1 }, 1e6, 50)).toBe(1e6); // no maximum when absent
  });

  it('charges nothing for no shares, even under a minimum', () => {
    expect(commission({ minimum: 1 }, 0, 50)).toBe(0);
  });
});

describe('slippageBps', () => {
  it('fixed: the configured bps', () => {
    expect(slippageBps({ model: 'fixed', bps: 7 }, 100, 1000)).toBe(7);
  });

  it('spread: half the quoted spread', () => {
    expect(slippageBps({ model: 'spread', spreadBps: 10 }, 100, 1000)).toBe(5);
    // buy at 50 with a 10 bps spread: 50 × (1 + 5e-4) = 50.025
    expect(slippedPrice('buy', 50, slippageBps({ model: 'spread', spreadBps: 10 }, 1, 1))).toBeCloseTo(50.025, 12);
  });

  it('volume_share: impact_bps × (quantity / volume)², capped (zipline VolumeShareSlippage)', () => {
    const m = { model: 'volume_share', impactBps: 1000, capBps: 50 } as const;
    // zipline's defaults: price_impact 0.1 (1000 bps), a fill of 2.5 % of the bar:
    // 0.025² × 0.1 = 6.25e-5 of the price = 0.625 bps
    expect(slippageBps(m, 2500, 100_000)).toBeCloseTo(0.625, 12);
    // 10 %: 0.01 × 1000 = 10 bps
    expect(slippageBps(m, 100, 1000)).toBeCloseTo(10, 12);
    // 30 %: 0.09 × 1000 = 90 bps → cap 50
    expect(slippageBps(m, 300, 1000)).toBe(50);
    // no volume: the cap; no impact: nothing
    expect(slippageBps(m, 300, 0)).toBe(50);
    expect(slippageBps(m, 300, Number.NaN)).toBe(50);
    expect(slippageBps({ ...m, impactBps: 0 }, 300, 0)).toBe(0);
  });

  it('model parameters are checked', () => {
    expect(() => checkSlippageModel({ model: 'fixed', bps: -1 })).toThrow(RangeError);
    expect(() => checkSlippageModel({ model: 'volume_share', impactBps: 1, capBps: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    expect(() => checkSlippageModel({ model: 'volume_share', impactBps: 1000, capBps: 100 })).not.toThrow();
  });
});

describe('commission models', () => {
  it('a model without `model` is per_share, unchanged', () => {
    expect(commission({ model: 'per_share', perShare: 0.005, minimum: 1 }, 1000, 50)).toBeCloseTo(5, 12);
    expect(commission({ perShare: 0.005, minimum: 1 }, 100, 50)).toBe(1);
  });

  it('fixed: per_order whatever the size; nothing without shares', () => {
    expect(commission({ model: 'fixed', perOrder: 4.95 }, 1, 10)).toBe(4.95);
    expect(commission({ model: 'fixed', perOrder: 4.95 }, 100_000, 500)).toBe(4.95);
    expect(commission({ model: 'fixed', perOrder: 4.95 }, 0, 500)).toBe(0);
  });

  it('per_contract: the fee × contracts on each fill (backtrader COMM_FIXED); checked >= 0', () => {
    expect(commission({ model: 'per_contract', perContract: 2 }, 1, 3800)).toBe(2);
    expect(commission({ model: 'per_contract', perContract: 2.25 }, 4, 3800)).toBe(9);
    expect(commission({ model: 'per_contract', perContract: 2 }, 0, 3800)).toBe(0);
    const schedule = new CommissionSchedule({ model: 'per_contract', perContract: 2 });
    const costs = { raw: 0, paid: 0 };
    // A partially filled order pays per contract on each part, 2 × (3 + 2) in all.
    expect(schedule.charge(costs, 'book', 3, 100, 0) + schedule.charge(costs, 'book', 2, 101, 0)).toBe(10);
    expect(() => checkCommissionModel({ model: 'per_contract', perContract: -1 })).toThrow(
      /per_contract must be a finite number >= 0/,
    );
  });

  // IBKR's published US tiered rates (per share, month-to-date shares): ≤ 300 000: 0.0035,
  // ≤ 3 000 000: 0.0020, above: 0.0015; minimum 0.35 per order.
  const ibkr = {
    model: 'tiered',
    tiers: [
      { upToShares: 300_000, perShare: 0.0035 },
      { upToShares: 3_000_000, perShare: 0.002 },
      { perShare: 0.0015 },
    ],
    minimum: 0.35,
    maximum: 100,
  } as const;

  it('tiered: the rate of the tier the month-to-date volume before the fill is in', () => {
    expect(tierFor(ibkr, 0)).toBe(ibkr.tiers[0]);
    expect(tierFor(ibkr, 299_999)).toBe(ibkr.tiers[0]);
    expect(tierFor(ibkr, 300_000)).toBe(ibkr.tiers[1]);
    expect(tierFor(ibkr, 5e9)).toBe(ibkr.tiers[2]);
    expect(commission(ibkr, 1000, 50, 0)).toBeCloseTo(3.5, 12); // 0.0035 × 1000
    expect(commission(ibkr, 1000, 50, 300_000)).toBeCloseTo(2, 12); // 0.0020 × 1000
    expect(commission(ibkr, 1000, 50, 3_000_000)).toBeCloseTo(1.5, 12);
    expect(commission(ibkr, 10, 50, 0)).toBe(0.35); // 0.035 → minimum
    expect(commission(ibkr, 100_000, 50, 0)).toBe(100); // 350 → maximum
    // beyond the last bound the last tier applies
    const bounded = {
      model: 'tiered',
      tiers: [
        { upToShares: 10, perShare: 1 },
        { upToShares: 20, perShare: 0.5 },
      ],
    } as const;
    expect(tierFor(bounded, 25)).toBe(bounded.tiers[1]);
  });

  it('tiered by notional', () => {
    const m = { model: 'tiered', tiers: [{ upToNotional: 1e6, percent: 0.05 }, { percent: 0.02 }] } as const;
    expect(tierMeasure(m)).toBe('notional');
    expect(tierMeasure(ibkr)).toBe('shares');
    // 0.05 % of 100 × 50 = 2.5; above 1e6 traded: 0.02 % = 1
    expect(commission(m, 100, 50, 999_999)).toBeCloseTo(2.5, 12);
    expect(commission(m, 100, 50, 1e6)).toBeCloseTo(1, 12);
  });

  it('tier lists are checked', () => {
    expect(tiersProblem(ibkr.tiers)).toBeUndefined();
    expect(tiersProblem([])).toMatch(/at least one/);
    expect(tiersProblem([{ perShare: 1 }, { upToShares: 5, perShare: 1 }])).toMatch(/only the last/);
    expect(tiersProblem([{ upToShares: 5 }, { upToShares: 5 }])).toMatch(/above/);
    expect(tiersProblem([{ upToShares: 5 }, { upToNotional: 50 }])).toMatch(/one kind/);
    expect(tiersProblem([{ upToShares: 5, upToNotional: 5 }])).toMatch(/both/);
    expect(() => checkCommissionModel({ model: 'tiered', tiers: [{ perShare: -1 }] })).toThrow(RangeError);
    expect(() => checkCommissionModel({ model: 'fixed', perOrder: Number.NaN })).toThrow(RangeError);
  });
});

describe('CommissionSchedule', () => {
  it('charges per order across partial fills: the minimum once, the maximum for the order', () => {
    const s = new CommissionSchedule({ perShare: 0.01, minimum: 1, maximum: 3 });
    const o = { raw: 0, paid: 0 };
    // raw 0.5 → 1 (minimum); +0.5 → total 1.0 → 0; +1.5 → 2.5 → 1.5; +2.0 → 4.5 capped at 3 → 0.5; +1 → 0
    expect([50, 50, 150, 200, 100].map((q) => s.charge(o, 'book', q, 10, 0))).toEqual([1, 0, 1.5, 0.5, 0]);
    expect(o.paid).toBe(3);
    const f = new CommissionSchedule({ model: 'fixed', perOrder: 2 });
    const p = { raw: 0, paid: 0 };
    expect([10, 10, 10].map((q) => f.charge(p, 'book', q, 10, 0))).toEqual([2, 0, 0]);
  });

  it('tiered: month-to-date volume per book and calendar month (UTC)', () => {
    const s = new CommissionSchedule(ibkrSchedule);
    const jan31 = Date.UTC(2024, 0, 31, 23, 59);
    const feb1 = Date.UTC(2024, 1, 1, 0, 0);
    const fill = (key: string, q: number, ts: number) => s.charge({ raw: 0, paid: 0 }, key, q, 10, ts);
    expect(fill('a', 299_900, jan31)).toBeCloseTo(1049.65, 9); // 0.0035 × 299 900: volume before it 0
    expect(fill('a', 200, jan31)).toBeCloseTo(0.7, 12); // volume before it 299 900 < 300 000: 0.0035 × 200
    expect(s.monthToDate('a', jan31)).toBe(300_100);
    expect(fill('a', 1000, jan31)).toBeCloseTo(2, 12); // 300 100 ≥ 300 000: 0.0020 × 1000
    expect(fill('b', 1000, jan31)).toBeCloseTo(3.5, 12); // another book starts at 0
    expect(s.monthToDate('a', feb1)).toBe(0);
    expect(fill('a', 1000, feb1)).toBeCloseTo(3.5, 12); // a new month starts at 0
    expect(s.monthToDate('a', feb1)).toBe(1000);
  });
});

const ibkrSchedule = {
  model: 'tiered',
  tiers: [{ upToShares: 300_000, perShare: 0.0035 }, { upToShares: 3_000_000, perShare: 0.002 }, { perShare: 0.0015 }],
  minimum: 0.35,
} as const;
