import { describe, expect, it } from 'vitest';
import {
  buyingPower,
  DEFAULT_MARGIN_RATES,
  fundsNeeded,
  marginCallDue,
  type Account,
  type FundsRules,
} from '../../../src/domain/portfolio/account.ts';
import { checkFunds } from '../../../src/domain/risk/funds-check.ts';
import { Book } from '../../../src/domain/portfolio/book.ts';
import { EQUITY, type Instrument } from '../../../src/domain/portfolio/instrument.ts';
import type { OrderEvent } from '../../../src/events/index.ts';
import { orderEvent } from '../../helpers/order.ts';

const CASH: Account = { type: 'cash' };
const MARGIN: Account = { type: 'margin', ...DEFAULT_MARGIN_RATES };
const FUT: Instrument = { kind: 'future', multiplier: 10, margin: 1000 };

function rules(account: Account, more: Partial<FundsRules> = {}): FundsRules {
  return {
    account,
    policy: 'reject',
    commission: { model: 'per_share', perShare: 0, percent: 0, minimum: 0 },
    slippage: { model: 'fixed', bps: 0 },
    instrument: (symbol) => (symbol === 'FUT' ? FUT : EQUITY),
    ...more,
  };
}

function order(o: Partial<OrderEvent> & Pick<OrderEvent, 'side' | 'quantity'>): OrderEvent {
  return orderEvent({ symbol: 'IDX', price: 3800, buyingPower: 10_000, ...o });
}

describe('checkFunds — cash account', () => {
  it('issue #17: 10 shares of a 3,800 index on 10,000 of cash are refused, with the numbers', () => {
    const d = checkFunds(order({ side: 'buy', quantity: 10 }), rules(CASH));
    expect(d).toEqual({
      action: 'reject',
      reason: 'insufficient funds: buying power 10000, order buy 10 IDX @ 3800 needs 38000',
    });
  });

  it('resize keeps the largest whole quantity that fits', () => {
    expect(checkFunds(order({ side: 'buy', quantity: 10 }), rules(CASH, { policy: 'resize' }))).toMatchObject({
      action: 'resize',
      quantity: 2,
    });
  });

  it('commission and slippage count: 2 × 3,800 fits 7,600 exactly, not with a fee or 1 bp of slippage', () => {
    const exact = order({ side: 'buy', quantity: 2, buyingPower: 7600 });
    expect(checkFunds(exact, rules(CASH))).toEqual({ action: 'approve' });
    expect(checkFunds(exact, rules(CASH, { commission: { model: 'fixed', perOrder: 1 } })).action).toBe('reject');
    expect(checkFunds(exact, rules(CASH, { slippage: { model: 'fixed', bps: 1 } })).action).toBe('reject');
    // resize under a minimum commission: 1 share + 5 fits 7,600, 2 shares + 5 do not
    const min5 = {
      commission: { model: 'per_share' as const, per_share: 0, percent: 0, minimum: 5 },
      policy: 'resize' as const,
    };
    expect(checkFunds(exact, rules(CASH, min5))).toMatchObject({ action: 'resize', quantity: 1 });
  });

  it('refuses a short sale of shares, but never blocks the closing part', () => {
    expect(checkFunds(order({ side: 'sell', quantity: 5 }), rules(CASH))).toMatchObject({
      action: 'reject',
      reason: expect.stringMatching(/cannot sell IDX short.*account: margin/),
    });
    expect(checkFunds(order({ side: 'sell', quantity: 5, position: 5, buyingPower: -100 }), rules(CASH))).toEqual({
      action: 'approve',
    });
    // a reversal keeps its closing part only, whatever the policy
    expect(
      checkFunds(order({ side: 'sell', quantity: 8, position: 3 }), rules(CASH, { policy: 'resize' })),
    ).toMatchObject({ action: 'resize', quantity: 3 });
  });

  it('a future costs its margin per contract, long or short', () => {
    expect(checkFunds(order({ symbol: 'FUT', side: 'buy', quantity: 9, buyingPower: 9000 }), rules(CASH))).toEqual({
      action: 'approve',
    });
    expect(checkFunds(order({ symbol: 'FUT', side: 'sell', quantity: 9, buyingPower: 9000 }), rules(CASH))).toEqual({
      action: 'approve',
    });
    expect(
      checkFunds(
        order({ symbol: 'FUT', side: 'buy', quantity: 10, buyingPower: 9000 }),
        rules(CASH, { policy: 'resize' }),
      ),
    ).toMatchObject({ action: 'resize', quantity: 9 });
    // reversing 4 long into 6 short frees 4 margins first
    expect(
      checkFunds(order({ symbol: 'FUT', side: 'sell', quantity: 10, position: 4, buyingPower: 2000 }), rules(CASH)),
    ).toEqual({ action: 'approve' });
  });

  it('orders without buying power (a book without an account) pass', () => {
    const { buyingPower: _, ...bare } = order({ side: 'buy', quantity: 1000 });
    expect(checkFunds(bare, rules(CASH))).toEqual({ action: 'approve' });
  });
});

describe('checkFunds — margin account', () => {
  it('a long needs initial margin of free equity (Reg T 50 %) on 10,000: 5 × 3,800 fits, 6 do not', () => {
    // 5 × 3,800 × 0.5 = 9,500 ≤ 10,000, and 19,000 of exposure ≤ 2 × 10,000
    expect(checkFunds(order({ side: 'buy', quantity: 5 }), rules(MARGIN))).toEqual({ action: 'approve' });
    expect(checkFunds(order({ side: 'buy', quantity: 6 }), rules(MARGIN))).toEqual({
      action: 'reject',
      reason: 'insufficient funds: buying power 10000, order buy 6 IDX @ 3800 needs 11400',
    });
    expect(checkFunds(order({ side: 'buy', quantity: 6 }), rules(MARGIN, { policy: 'resize' }))).toMatchObject({
      action: 'resize',
      quantity: 5,
    });
    // with buying power to spare, the leverage cap binds: 6 × 3,800 = 22,800 > 20,000
    expect(checkFunds(order({ side: 'buy', quantity: 6, buyingPower: 1e9 }), rules(MARGIN))).toMatchObject({
      action: 'reject',
      reason: expect.stringMatching(/^max_leverage 2x equity 10000/),
    });
  });

  it('shorts use the short initial margin', () => {
    const m: Account = { ...MARGIN, shortInitial: 1.5, maxLeverage: 10 };
    // 1 × 3,800 × 1.5 = 5,700 fits 10,000; 2 do not
    expect(checkFunds(order({ side: 'sell', quantity: 1 }), rules(m))).toEqual({ action: 'approve' });
    expect(checkFunds(order({ side: 'sell', quantity: 2 }), rules(m)).action).toBe('reject');
  });

  it('max_leverage counts the rest of the book and a future’s notional (price × multiplier)', () => {
    const loose: Account = { ...MARGIN, maxLeverage: 3 };
    // 30,000 allowed; 20,000 held elsewhere; 10,000 / (3,800 × 1) → 2 shares
    expect(
      checkFunds(
        order({ side: 'buy', quantity: 5, grossExposure: 20_000, equity: 10_000, buyingPower: 1e9 }),
        rules(loose, { policy: 'resize' }),
      ),
    ).toMatchObject({ action: 'resize', quantity: 2 });
    // a future of 3,800 × 10 = 38,000 notional: none fits 3 × 10,000
    expect(checkFunds(order({ symbol: 'FUT', side: 'buy', quantity: 1, buyingPower: 1e9 }), rules(loose)).action).toBe(
      'reject',
    );
  });
});

describe('buyingPower, fundsNeeded, marginCallDue', () => {
  it('cash account: the cash; margin account: equity less the initial margin of what is open', () => {
    const book = new Book(10_000, new Map([['FUT', FUT]]));
    book.applyFill({
      symbol: 'IDX',
      side: 'buy',
      quantity: 1,
      price: 3800,
      commission: 0,
      ts: 0,
      barIndex: 0,
      reason: 'signal',
    });
    book.applyFill({
      symbol: 'FUT',
      side: 'sell',
      quantity: 2,
      price: 3800,
      commission: 0,
      ts: 0,
      barIndex: 0,
      reason: 'signal',
    });
    expect(buyingPower(book, CASH)).toBe(10_000 - 3800 - 2000);
    expect(buyingPower(book, MARGIN)).toBe(10_000 - 0.5 * 3800 - 2000);
  });

  it('fundsNeeded: the opening cost with the whole order’s commission, less what the closing part frees', () => {
    const r = rules(CASH, { commission: { model: 'per_contract', perContract: 2 } });
    expect(fundsNeeded(r, { symbol: 'FUT', side: 'buy', quantity: 3, price: 3800, position: 0 })).toBe(3 * 1000 + 6);
    expect(fundsNeeded(r, { symbol: 'FUT', side: 'sell', quantity: 3, price: 3800, position: 1 })).toBe(
      2 * 1000 - 1000 + 6,
    );
    expect(fundsNeeded(rules(CASH), { symbol: 'IDX', side: 'sell', quantity: 2, price: 100, position: 2 })).toBe(-200);
  });

  it('a margin call is due when equity falls below the maintenance margin; never in a cash account', () => {
    const book = new Book(10_000);
    book.applyFill({
      symbol: 'IDX',
      side: 'buy',
      quantity: 100,
      price: 190,
      commission: 0,
      ts: 0,
      barIndex: 0,
      reason: 'signal',
    }); // 19,000 on 10,000
    book.mark('IDX', 180); // equity 9,000 ≥ 0.25 × 18,000
    expect(marginCallDue(book, MARGIN)).toBe(false);
    book.mark('IDX', 120); // equity 3,000 < 0.25 × 12,000 = 3,000? equal: not below
    expect(marginCallDue(book, MARGIN)).toBe(false);
    book.mark('IDX', 119.9); // equity 2,990 < 2,997.5
    expect(marginCallDue(book, MARGIN)).toBe(true);
    expect(marginCallDue(book, CASH)).toBe(false);
    expect(marginCallDue(new Book(-5), MARGIN)).toBe(false); // nothing open, nothing to liquidate
  });
});
