import { describe, expect, it } from 'vitest';
import { checkOrder } from '../../../src/domain/risk/risk-check.ts';
import { orderEvent } from '../../helpers/order.ts';

const order = orderEvent;

describe('checkOrder — exits are never blocked', () => {
  it('approves a reducing order under any limit', () => {
    const tight = { maxPosition: 1, maxPositionPct: 0.01, maxExposure: 0.0001 };
    expect(checkOrder(order({ side: 'sell', quantity: 50, position: 100 }), tight)).toEqual({ action: 'approve' });
    expect(checkOrder(order({ side: 'buy', quantity: 100, position: -100 }), tight)).toEqual({ action: 'approve' });
  });

  it('approves when no limit is set', () => {
    expect(checkOrder(order({ side: 'buy', quantity: 1e6 }), {})).toEqual({ action: 'approve' });
  });
});

describe('checkOrder — max_position', () => {
  it('rejects an increase with nothing left, naming the numbers', () => {
    const d = checkOrder(order({ side: 'buy', quantity: 50, position: 100 }), { maxPosition: 100 });
    expect(d).toEqual({
      action: 'reject',
      reason: 'max_position 100 shares: position 100, order buy 50 would make 150',
    });
  });

  it('resizes an increase to the room left', () => {
    // 100 − 60 = 40 shares of room
    const d = checkOrder(order({ side: 'buy', quantity: 50, position: 60 }), { maxPosition: 100 });
    expect(d).toEqual({
      action: 'resize',
      quantity: 40,
      note: 'resized 50 → 40 by max_position 100 shares: position 60, order buy 50 would make 110',
    });
  });

  it('works for shorts', () => {
    // |−80| + 20 = 100
    const d = checkOrder(order({ side: 'sell', quantity: 50, position: -80 }), { maxPosition: 100 });
    expect(d).toMatchObject({ action: 'resize', quantity: 20 });
  });

  it('approves an increase within the limit', () => {
    expect(checkOrder(order({ side: 'buy', quantity: 40, position: 60 }), { maxPosition: 100 })).toEqual({
      action: 'approve',
    });
  });

  it('a reversal keeps its closing part and limits only the new side', () => {
    // long 100, sell 150: 100 close (free), 50 open capped at 20 → 120
    expect(checkOrder(order({ side: 'sell', quantity: 150, position: 100 }), { maxPosition: 20 })).toMatchObject({
      action: 'resize',
      quantity: 120,
    });
    // nothing may open: only the close remains, never a reject
    expect(checkOrder(order({ side: 'sell', quantity: 150, position: 100 }), { maxPosition: 0 })).toMatchObject({
      action: 'resize',
      quantity: 100,
    });
    // the new side fits entirely
    expect(checkOrder(order({ side: 'sell', quantity: 150, position: 100 }), { maxPosition: 50 })).toEqual({
      action: 'approve',
    });
  });
});

describe('checkOrder — max_position_pct', () => {
  it('caps notional at a percent of equity', () => {
    // 10 % of 10000 = 1000; 1000 / 10 = 100 shares
    const d = checkOrder(order({ side: 'buy', quantity: 150 }), { maxPositionPct: 10 });
    expect(d).toEqual({
      action: 'resize',
      quantity: 100,
      note: 'resized 150 → 100 by max_position_pct 10% of equity 10000 = 1000: position 0, order buy 150 @ 10 would make notional 1500',
    });
  });

  it('does not lose a share to float rounding', () => {
    // 33 % of 3000 = 990; 990 / 1.1 = 900 shares (899.9999999999999 in doubles)
    expect(
      checkOrder(order({ side: 'buy', quantity: 1000, equity: 3000, price: 1.1 }), { maxPositionPct: 33 }),
    ).toMatchObject({
      action: 'resize',
      quantity: 900,
    });
  });

  it('opens nothing when equity is gone', () => {
    expect(checkOrder(order({ side: 'buy', quantity: 10, equity: -500 }), { maxPositionPct: 50 })).toMatchObject({
      action: 'reject',
    });
  });
});

describe('checkOrder — max_exposure', () => {
  it('caps post-trade gross exposure', () => {
    // other symbols 9000; room (1.0 × 10000 − 9000) / 10 = 100 shares
    const d = checkOrder(order({ side: 'buy', quantity: 200, grossExposure: 9000 }), { maxExposure: 1 });
    expect(d).toEqual({
      action: 'resize',
      quantity: 100,
      note: 'resized 200 → 100 by max_exposure 1x equity 10000 = 10000: gross exposure 9000, order buy 200 @ 10 would make 11000',
    });
  });

  it('replaces this symbol’s own exposure instead of double counting it', () => {
    // position 50 @ 10 = 500 of the 5500 gross; others 5000; |new| ≤ (10000 − 5000) / 10 = 500 → buy ≤ 450
    const d = checkOrder(order({ side: 'buy', quantity: 500, position: 50, grossExposure: 5500 }), { maxExposure: 1 });
    expect(d).toMatchObject({ action: 'resize', quantity: 450 });
  });

  it('rejects when fully exposed', () => {
    const d = checkOrder(order({ side: 'buy', quantity: 10, grossExposure: 10_000 }), { maxExposure: 1 });
    expect(d).toEqual({
      action: 'reject',
      reason: 'max_exposure 1x equity 10000 = 10000: gross exposure 10000, order buy 10 @ 10 would make 10100',
    });
  });

  it('allows leverage above 1', () => {
    // 2 × 10000 = 20000 of room at 10 → 2000 shares
    expect(checkOrder(order({ side: 'sell', quantity: 2000 }), { maxExposure: 2 })).toEqual({ action: 'approve' });
    expect(checkOrder(order({ side: 'sell', quantity: 2001 }), { maxExposure: 2 })).toMatchObject({
      action: 'resize',
      quantity: 2000,
    });
  });
});

describe('checkOrder — several limits', () => {
  it('the tightest limit binds and is named', () => {
    // max_position 100; pct 5 % → 500 / 10 = 50; exposure 2 → 2000 → tightest: pct, 50
    const d = checkOrder(order({ side: 'buy', quantity: 120 }), {
      maxPosition: 100,
      maxPositionPct: 5,
      maxExposure: 2,
    });
    expect(d.action).toBe('resize');
    if (d.action !== 'resize') return;
    expect(d.quantity).toBe(50);
    expect(d.note).toContain('max_position_pct 5%');
  });

  it('fails closed on an unusable reference price, but still lets the close through', () => {
    expect(checkOrder(order({ side: 'buy', quantity: 10, price: Number.NaN }), { maxExposure: 1 })).toMatchObject({
      action: 'reject',
    });
    expect(checkOrder(order({ side: 'buy', quantity: 30, price: 0, position: -10 }), { maxExposure: 1 })).toMatchObject(
      {
        action: 'resize',
        quantity: 10,
      },
    );
    // max_position needs no price
    expect(checkOrder(order({ side: 'buy', quantity: 10, price: 0 }), { maxPosition: 100 })).toEqual({
      action: 'approve',
    });
  });

  it('rejects a non-positive quantity', () => {
    expect(checkOrder(order({ side: 'buy', quantity: 0 }), {})).toMatchObject({ action: 'reject' });
  });
});
