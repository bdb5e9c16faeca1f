import type { PriceInput } from './indicator.ts';
import { PriceIndicator } from './price-indicator.ts';

/**
 * A recursive moving average seeded with the simple average of its first `period` values
 * (first value at bar index period-1), then advanced by `step`. EMA and Wilder's SMMA
 * differ only in the step. O(1), no buffer.
 */
export abstract class SeededAverage extends PriceIndicator {
  /** Window length. */
  readonly period: number;
  private count = 0;
  private sum = 0;
  private current = NaN;

  /**
   * @param period positive integer.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, input?: PriceInput) {
    super(input);
    this.period = period;
  }

  /** The next average from the previous one and the new value. */
  protected abstract step(previous: number, x: number): number;

  /** Feeds one value. */
  push(x: number): void {
    if (this.count >= this.period) {
      this.current = this.step(this.current, x);
      return;
    }
    this.sum += x;
    if (++this.count === this.period) this.current = this.sum / this.period;
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.count >= this.period;
  }

  /** The average; NaN until ready. */
  value(output = 0): number {
    return output === 0 ? this.current : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.current = NaN;
  }
}
