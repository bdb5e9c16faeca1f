/**
 * Risk's verdict on one order, with its bookkeeping: the decision (decideOrder), the
 * count of approved, resized and rejected orders, and the note the results file keeps
 * for a resize or a rejection. The risk container (per-event path) and the fused order
 * flow (src/domain/columnar) both judge through here, so the counters and the note text
 * of their `risk_results.json` cannot drift apart.
 */
import type { OrderEvent } from '../../events/index.ts';
import type { FundsRules } from '../portfolio/account.ts';
import { decideOrder } from './order-decision.ts';
import type { RiskDecision, RiskLimits } from './risk-check.ts';

/** Risk notes kept for the results file (the first ones). */
export const MAX_RISK_NOTES = 20;

/** Risk's counters and first notes, as the results file reports them. */
export interface RiskTally {
  approved: number;
  resized: number;
  rejected: number;
  readonly notes: string[];
}

/** The order to send (resized, with its `riskNote`, or as it came), or the reason it was rejected. */
export type RiskVerdict =
  | { readonly action: 'approve' | 'resize'; readonly order: OrderEvent }
  | { readonly action: 'reject'; readonly reason: string };

/** A tally with nothing counted yet. */
export function emptyRiskTally(): RiskTally {
  return { approved: 0, resized: 0, rejected: 0, notes: [] };
}

/**
 * Decides on `order` (the limits, then with `funds` the funds check), counts the decision
 * into `tally` and notes a resize or rejection there while it has fewer than `maxNotes`.
 */
export function judgeOrder(
  order: OrderEvent,
  limits: RiskLimits,
  funds: FundsRules | undefined,
  tally: RiskTally,
  maxNotes: number = MAX_RISK_NOTES,
): RiskVerdict {
  const decision = decideOrder(order, limits, funds);
  tallyDecision(order, decision, tally, maxNotes);
  switch (decision.action) {
    case 'approve':
      return { action: 'approve', order };
    case 'resize':
      return { action: 'resize', order: { ...order, quantity: decision.quantity, riskNote: decision.note } };
    case 'reject':
      return decision;
  }
}

/**
 * Counts decideOrder's `decision` on `order` into `tally` and notes a resize or a
 * rejection: {@link judgeOrder}'s bookkeeping, for a caller that needs only the decision
 * (the fused order flow reads the quantity, and builds no order per decision).
 */
export function tallyDecision(
  order: OrderEvent,
  decision: RiskDecision,
  tally: RiskTally,
  maxNotes: number = MAX_RISK_NOTES,
): void {
  switch (decision.action) {
    case 'approve':
      tally.approved++;
      return;
    case 'resize':
      tally.resized++;
      note(tally, maxNotes, `order ${order.orderId} (${order.key}) resized to ${decision.quantity}: ${decision.note}`);
      return;
    case 'reject':
      tally.rejected++;
      note(tally, maxNotes, `order ${order.orderId} (${order.key}) rejected: ${decision.reason}`);
  }
}

function note(tally: RiskTally, maxNotes: number, text: string): void {
  if (tally.notes.length < maxNotes) tally.notes.push(text);
}
