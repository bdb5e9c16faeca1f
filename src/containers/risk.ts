import type { SluiceEvent } from '../events/index.ts';
import type { FundsRules } from '../domain/portfolio/account.ts';
import { emptyRiskTally, judgeOrder } from '../domain/risk/risk-verdict.ts';
import { RiskSchema, type RiskConfig } from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { BaseContainer } from './base-container.ts';

/**
 * Risk: every order passes here between portfolio and execution. An order is approved,
 * resized (the note rides on the order) or rejected (a REJECT goes back to its
 * portfolio). Exits are never blocked. Decisions are counted and noted for the results
 * file by the risk verdict (src/domain/risk/risk-verdict.ts), as the fused path counts them.
 *
 * The limits of the `risk` block are checked first, then, with `funds`, the book's
 * buying power and leverage (the account, src/domain/portfolio/account.ts) on what the
 * limits left of the order.
 */
export class RiskContainer extends BaseContainer {
  private readonly tally = emptyRiskTally();

  constructor(
    id: string,
    private readonly limits: RiskConfig,
    private readonly funds?: FundsRules,
  ) {
    super(id, 'risk');
  }

  protected onEvent(ev: SluiceEvent): void {
    // A book's cancel request passes untouched, on the orders' way to execution.
    if (ev.type === 'CANCEL') return this.emit(ev);
    if (ev.type !== 'ORDER') return;
    const verdict = judgeOrder(ev, this.limits, this.funds, this.tally);
    if (verdict.action !== 'reject') return this.emit(verdict.order);
    this.emit({
      type: 'REJECT',
      seq: ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      source: this.id,
      key: ev.key,
      orderId: ev.orderId,
      signalId: ev.signalId,
      reason: verdict.reason,
    });
  }

  results(): Record<string, unknown> {
    // The results file names the limits as the YAML does (docs/results-reference.md).
    return {
      limits: toSnakeKeys(RiskSchema, this.limits),
      approved: this.tally.approved,
      resized: this.tally.resized,
      rejected: this.tally.rejected,
      first_notes: this.tally.notes,
    };
  }
}
