/**
 * The risk stage's whole decision on an order: the `risk` block's limits first, then the
 * account's funds check on what the limits kept. Shared by the risk container (per-event
 * path) and the fused book loop (src/domain/columnar), so both decide alike.
 */
import type { OrderEvent } from '../../events/index.ts';
import type { FundsRules } from '../portfolio/account.ts';
import { checkFunds } from './funds-check.ts';
import { checkOrder, type RiskDecision, type RiskLimits } from './risk-check.ts';

/** The limits' decision, then (with `funds`) the funds check on what the limits kept; notes of both joined. */
export function decideOrder(order: OrderEvent, limits: RiskLimits, funds: FundsRules | undefined): RiskDecision {
  const byLimits = checkOrder(order, limits);
  if (funds === undefined || byLimits.action === 'reject') return byLimits;
  const kept = byLimits.action === 'resize' ? { ...order, quantity: byLimits.quantity } : order;
  const byFunds = checkFunds(kept, funds);
  if (byFunds.action === 'approve') return byLimits;
  if (byFunds.action === 'reject' || byLimits.action === 'approve') return byFunds;
  return { action: 'resize', quantity: byFunds.quantity, note: `${byLimits.note}; then ${byFunds.note}` };
}
