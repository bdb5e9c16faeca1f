import type { SluiceEvent } from '../events/index.ts';
import type { FundsRules } from '../domain/portfolio/account.ts';
import { decideOrder } from '../domain/risk/order-decision.ts';
import { RiskSchema, type RiskConfig } from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { BaseContainer } from './base-container.ts';

/** Risk notes kept for the results file (the first ones). */
export const MAX_NOTES = 20;

/**
 * Risk: every order passes here between portfolio and execution. An order is approved,
 * resized (the note rides on the order) or rejected (a REJECT goes back to its
 * portfolio). Exits are never blocked. Decisions are counted for the results file.
 *
 * The limits of the `risk` block are checked first, then, with `funds`, the book's
 * buying power and leverage (the account, src/domain/portfolio/account.ts) on what the
 * limits left of the order.
 */
export class RiskContainer extends BaseContainer {
  private approved = 0;
  private resized = 0;
  private rejected = 0;
  private readonly notes: string[] = [];

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
    const decision = decideOrder(ev, this.limits, this.funds);
    switch (decision.action) {
      case 'approve':
        this.approved++;
        this.emit(ev);
        return;
      case 'resize':
        this.resized++;
        this.note(`order ${ev.orderId} (${ev.key}) resized to ${decision.quantity}: ${decision.note}`);
        this.emit({ ...ev, quantity: decision.quantity, riskNote: decision.note });
        return;
      case 'reject':
        this.rejected++;
        this.note(`order ${ev.orderId} (${ev.key}) rejected: ${decision.reason}`);
        this.emit({
          type: 'REJECT',
          seq: ev.seq,
          ts: ev.ts,
          symbol: ev.symbol,
          source: this.id,
          key: ev.key,
          orderId: ev.orderId,
          signalId: ev.signalId,
          reason: decision.reason,
        });
        return;
    }
  }

  private note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
  }

  results(): Record<string, unknown> {
    // The results file names the limits as the YAML does (docs/results-reference.md).
    return {
      limits: toSnakeKeys(RiskSchema, this.limits),
      approved: this.approved,
      resized: this.resized,
      rejected: this.rejected,
      first_notes: this.notes,
    };
  }
}
