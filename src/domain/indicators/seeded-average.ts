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
  /** The average after the last push (NaN until ready); a columnar subclass advances it. */
  protected current = NaN;

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

  /**
   * The warm-up part of a column: pushes rows from 0 until the average is seeded (or the
   * column ends), writing each value, and returns the first row left for the steady
   * recursion, which the subclass runs in a loop of its own with its step inlined.
   */
  protected seedColumn(input: Float64Array, length: number, out: Float64Array): number {
    let b = 0;
    for (; b < length && this.count < this.period; b++) {
      this.push(input[b]!);
      out[b] = this.current;
    }
    return b;
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
