import type { BarEvent, SluiceEvent } from '../events/index.ts';
import { SimulatedBroker } from '../domain/execution/simulated-broker.ts';
import type { ExecutionConfig } from '../config/schema/trading.ts';
import { BaseContainer } from './base-container.ts';

/**
 * Simulated execution. With `fill: next_open` (the default) an order waits in the broker
 * until the next bar of its symbol arrives and fills at that bar's open: the broker only
 * ever sees an order after the bar that created it has passed, so no strategy can trade
 * on a price it could not have seen. With `fill: close` it fills at the signal bar's
 * close. Orders closing positions at the end of the data fill at the last close.
 */
export class ExecutionContainer extends BaseContainer {
  private readonly broker: SimulatedBroker;
  /** Fills end-of-data closes at the last bar's close, whatever the fill convention. */
  private readonly closer: SimulatedBroker;
  private readonly lastBar = new Map<string, BarEvent>();
  private fills = 0;
  private unfilledAtEnd = 0;

  constructor(
    id: string,
    private readonly config: ExecutionConfig,
  ) {
    super(id, 'execution');
    const opts = { id, slippage_bps: config.slippage_bps, commission: config.commission };
    this.broker = new SimulatedBroker({ ...opts, fill: config.fill });
    this.closer = new SimulatedBroker({ ...opts, fill: 'close' });
  }

  private readonly emitFill = (ev: SluiceEvent): void => {
    this.fills++;
    this.emit(ev);
  };

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type === 'BAR') {
      this.lastBar.set(ev.symbol, ev);
      this.broker.onBar(ev, this.emitFill);
    } else if (ev.type === 'ORDER') {
      const bar = this.lastBar.get(ev.symbol);
      if (ev.reason === 'end_of_data' || this.config.fill === 'close') {
        if (bar === undefined) throw new Error(`order ${ev.orderId} for ${ev.symbol} before any bar of it`);
        const broker = ev.reason === 'end_of_data' ? this.closer : this.broker;
        const fill = broker.submit(ev, bar);
        if (fill !== undefined) this.emitFill(fill);
      } else {
        this.broker.submit(ev);
      }
    }
  }

  /** Orders still queued when the data ends never fill; they are counted. */
  finish(): void {
    this.unfilledAtEnd = this.broker.flush().length;
  }

  results(): Record<string, unknown> {
    return {
      fill: this.config.fill,
      slippage_bps: this.config.slippage_bps,
      commission: this.config.commission,
      fills: this.fills,
      unfilled_at_end: this.unfilledAtEnd,
    };
  }
}
