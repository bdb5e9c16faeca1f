import { z } from 'zod';
import type { IndicatorDefinition, PriceInput } from './indicator.ts';
import { periodParam } from './params.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingExtreme } from './rolling-extreme.ts';

/**
 * Lowest value of the last `period` values (the current one included), amortised O(1)
 * via a monotonic deque. First value at bar index period-1.
 */
export class Lowest extends PriceIndicator {
  private readonly window: RollingExtreme;

  /**
   * @param period window length, a positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.window = new RollingExtreme(period, 'min');
  }

  /** Feeds one value. */
  push(x: number): void {
    this.window.push(x);
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.window.full;
  }

  /** The lowest value in the window; NaN until ready. */
  value(output = 0): number {
    return output === 0 && this.window.full ? this.window.extreme : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.window.reset();
  }
}

const params = z.strictObject({ period: periodParam() });

/** `lowest(period)`: rolling minimum. Output `value`; warm-up `period` bars. */
export const lowest: IndicatorDefinition<z.infer<typeof params>> = {
  name: 'lowest',
  description: 'Lowest value of the last `period` values, the current one included.',
  params,
  outputs: ['value'],
  reads: 'price',
  warmup: (p) => p.period,
  create: (p, input) => new Lowest(p.period, input),
};
