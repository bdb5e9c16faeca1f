import { describe, expect, it } from 'vitest';
import { emptyRiskTally, judgeOrder, MAX_RISK_NOTES } from '../../../src/domain/risk/risk-verdict.ts';
import type { OrderEvent } from '../../../src/events/index.ts';
import { orderEvent } from '../../helpers/order.ts';

/** Order 7 (the notes name it), as the portfolio sends it. */
function order(o: Partial<OrderEvent> & Pick<OrderEvent, 'side' | 'quantity'>): OrderEvent {
  return orderEvent({ orderId: 7, ...o });
}

describe('judgeOrder', () => {
  it('approves the order itself, counts it and notes nothing', () => {
    const tally = emptyRiskTally();
    const o = order({ side: 'buy', quantity: 10 });
    const verdict = judgeOrder(o, { maxPosition: 100 }, undefined, tally);
    expect(verdict).toEqual({ action: 'approve', order: o });
    expect(verdict.action === 'approve' && verdict.order).toBe(o);
    expect(tally).toEqual({ approved: 1, resized: 0, rejected: 0, notes: [] });
  });

  it('resizes: the order carries the new quantity and the note; the tally notes it with the order id and key', () => {
    const tally = emptyRiskTally();
    const verdict = judgeOrder(order({ side: 'buy', quantity: 150 }), { maxPosition: 100 }, undefined, tally);
    expect(verdict.action).toBe('resize');
    if (verdict.action !== 'resize') return;
    expect(verdict.order.quantity).toBe(100);
    expect(verdict.order.riskNote).toMatch(/max_position/);
    expect(tally.resized).toBe(1);
    expect(tally.notes).toEqual([`order 7 (book) resized to 100: ${verdict.order.riskNote}`]);
  });

  it('rejects with the reason, counted and noted', () => {
    const tally = emptyRiskTally();
    const verdict = judgeOrder(
      order({ side: 'buy', quantity: 50, position: 100 }),
      { maxPosition: 100 },
      undefined,
      tally,
    );
    expect(verdict.action).toBe('reject');
    if (verdict.action !== 'reject') return;
    expect(tally.rejected).toBe(1);
    expect(tally.notes).toEqual([`order 7 (book) rejected: ${verdict.reason}`]);
  });

  it('keeps only the first maxNotes notes, counting on past them', () => {
    const tally = emptyRiskTally();
    for (let i = 0; i < MAX_RISK_NOTES + 5; i++)
      judgeOrder(
        order({ side: 'buy', quantity: 50, position: 100, orderId: i }),
        { maxPosition: 100 },
        undefined,
        tally,
      );
    expect(tally.rejected).toBe(MAX_RISK_NOTES + 5);
    expect(tally.notes).toHaveLength(MAX_RISK_NOTES);
    expect(tally.notes[0]).toMatch(/^order 0 /);
    const small = emptyRiskTally();
    for (let i = 0; i < 3; i++)
      judgeOrder(order({ side: 'buy', quantity: 50, position: 100 }), { maxPosition: 100 }, undefined, small, 2);
    expect(small.notes).toHaveLength(2);
  });
});
