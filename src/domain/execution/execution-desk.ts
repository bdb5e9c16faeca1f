/**
 * What execution does with each order and bar around the simulated broker, shared by the
 * execution container (per-event graph) and the fused book loop's exit flow
 * (src/domain/columnar/fused-exit-flow.ts): one mechanism, so both paths fill the same
 * orders on the same bars at the same prices.
 *
 * The part that is not the broker's is the timing of `fill: close`. The graph delivers a
 * bar to the portfolios before execution, so a portfolio can decide a market order at a
 * bar's close before that bar has reached execution (its exit rules' orders): such an
 * order waits here for its own bar, and fills at that bar's close after the broker has
 * filled what was waiting for the bar's open. An order of a bar execution has already
 * seen (a signal's, a margin call or drawdown halt of the bar before, decided at the
 * snapshot) fills at once at that bar's close.
 */
import type { OrderEvent } from '../../events/index.ts';
import { SimulatedBroker, type BrokerBar, type BrokerEmit, type CloseBar } from './simulated-broker.ts';
import type { SimulatedBrokerOptions } from './simulated-broker.ts';

export class ExecutionDesk {
  readonly broker: SimulatedBroker;
  private readonly atClose: boolean;
  /** `fill: close` market orders of a bar execution has not seen yet, in arrival order. */
  private readonly early: OrderEvent[] = [];

  constructor(opts: SimulatedBrokerOptions) {
    this.broker = new SimulatedBroker(opts);
    this.atClose = opts.fill === 'close';
  }

  /**
   * An order reaches execution, whose last bar of the order's symbol is `seen` (undefined
   * before the first). An end-of-data close fills in full at `seen`'s close; a `fill:
   * close` market order of a later bar waits for that bar (`onBar`); every other order
   * goes to the broker (a `fill: close` market order fills at once at `seen`'s close).
   */
  submit(order: OrderEvent, seen: CloseBar | undefined, emit: BrokerEmit): void {
    if (order.reason === 'end_of_data') {
      if (seen === undefined) throw new Error(`order ${order.orderId} for ${order.symbol} before any bar of it`);
      return this.broker.fillAtClose(order, seen, emit);
    }
    if (this.atClose && (order.orderType ?? 'market') === 'market' && (seen === undefined || seen.seq < order.seq)) {
      this.early.push(order);
      return;
    }
    this.broker.submit(order, emit, seen);
  }

  /**
   * A bar reaches execution: the broker fills what waited for it (at its open, its range,
   * its close for market-on-close orders), then the `fill: close` orders decided at its
   * close before it arrived fill there, in the order they came.
   */
  onBar(bar: BrokerBar, emit: BrokerEmit): void {
    this.broker.onBar(bar, emit);
    if (this.early.length > 0) this.submitEarly(bar, emit);
  }

  private submitEarly(bar: BrokerBar, emit: BrokerEmit): void {
    const due = this.early.filter((o) => o.symbol === bar.symbol && o.seq === bar.seq);
    if (due.length === 0) return;
    this.early.splice(0, this.early.length, ...this.early.filter((o) => !due.includes(o)));
    for (const o of due) this.broker.submit(o, emit, bar);
  }
}
