import type { BarEvent, SluiceEvent } from '../events/index.ts';
import { ExecutionDesk } from '../domain/execution/execution-desk.ts';
import type { BrokerEvent, EndReason } from '../domain/execution/simulated-broker.ts';
import { CommissionSchema, SlippageSchema, type ExecutionConfig } from '../config/schema/trading.ts';
import { toSnakeKeys } from '../config/schema-keys.ts';
import { BaseContainer } from './base-container.ts';

/**
 * Simulated execution (docs/execution.md). Market orders fill at the next bar's open
 * (`fill: next_open`, the default) or at their own bar's close (`fill: close`); limit and
 * stop orders rest until a later bar reaches their price. The broker only ever fills an
 * order on a bar after the one that created it (except a market order with `fill:
 * close`), so no strategy can trade on a price it could not have seen.
 *
 * Consumes BAR, ORDER and CANCEL; emits FILL, and REJECT for every order that ends
 * without a complete fill (cancelled, OCO-cancelled, reduce-only with nothing to reduce,
 * expired, or still open when the data ends). Orders closing positions at the end of the
 * data (reason `end_of_data`) fill in full at the last close.
 */
export class ExecutionContainer extends BaseContainer {
  /** The simulated broker, with the `fill: close` orders that wait for their bar. */
  private readonly desk: ExecutionDesk;
  private readonly lastBar = new Map<string, BarEvent>();
  private orders = 0;
  private cancelRequests = 0;
  private fills = 0;
  private partialFills = 0;
  private readonly ended: Record<EndReason, number> = {
    canceled: 0,
    oco_canceled: 0,
    reduce_only_flat: 0,
    expired: 0,
    end_of_data: 0,
  };
  private unfilledAtEnd = 0;

  constructor(
    id: string,
    private readonly config: ExecutionConfig,
  ) {
    super(id, 'execution');
    this.desk = new ExecutionDesk({
      id,
      fill: config.fill,
      slippageBps: config.slippageBps,
      slippage: config.slippage,
      commission: config.commission,
      maxVolumeShare: config.maxVolumeShare,
    });
  }

  private readonly out = (ev: BrokerEvent): void => {
    if (ev.type === 'FILL') {
      this.fills++;
      if (ev.remaining > 0) this.partialFills++;
    } else {
      const reason = ev.reason as EndReason;
      if (Object.hasOwn(this.ended, reason)) this.ended[reason]++;
    }
    this.emit(ev);
  };

  protected onEvent(ev: SluiceEvent): void {
    switch (ev.type) {
      case 'BAR': {
        this.lastBar.set(ev.symbol, ev);
        this.desk.onBar(ev, this.out);
        return;
      }
      case 'ORDER': {
        this.orders++;
        // With fill: close, an order can be decided at a bar's close before that bar has
        // reached execution (a portfolio's exit rules see each bar first): the desk holds
        // it for its own bar, then it fills at that bar's close like any other.
        this.desk.submit(ev, this.lastBar.get(ev.symbol), this.out);
        return;
      }
      case 'CANCEL':
        this.cancelRequests++;
        this.desk.broker.cancel(ev.key, ev.orderId, this.out);
        return;
      default:
        return;
    }
  }

  /** Orders still open when the data ends never fill: each is answered with a REJECT `end_of_data`. */
  finish(): void {
    this.unfilledAtEnd = this.desk.broker.flush(this.out);
  }

  results(): Record<string, unknown> {
    return {
      fill: this.config.fill,
      slippage_bps: this.config.slippageBps,
      // Written in the YAML spelling, as the results file documents them.
      slippage: toSnakeKeys(SlippageSchema, this.config.slippage ?? { model: 'fixed', bps: this.config.slippageBps }),
      commission: toSnakeKeys(CommissionSchema, this.config.commission),
      max_volume_share: this.config.maxVolumeShare ?? null,
      orders: this.orders,
      fills: this.fills,
      partial_fills: this.partialFills,
      cancel_requests: this.cancelRequests,
      ended_unfilled: { ...this.ended },
      unfilled_at_end: this.unfilledAtEnd,
    };
  }
}
