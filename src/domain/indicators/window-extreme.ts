import type { PriceInput } from './indicator.ts';
import { PriceIndicator } from './price-indicator.ts';
import { RollingExtreme } from './rolling-extreme.ts';

/**
 * Highest or lowest of the last `period` values (the current one included), amortised
 * O(1) via a monotonic deque. First value at bar index period-1. Backs the `highest` and
 * `lowest` indicators, which differ only in the direction.
 */
export class WindowExtreme extends PriceIndicator {
  private readonly window: RollingExtreme;

  /**
   * @param period window length, a positive integer.
   * @param kind 'max' for the highest value, 'min' for the lowest.
   * @param input series read by `update` (default close).
   */
  constructor(period: number, kind: 'max' | 'min', input?: PriceInput) {
    super(input);
    this.window = new RollingExtreme(period, kind);
  }

  /** Feeds one value. */
  push(x: number): void {
    this.window.push(x);
  }

  /** True once `period` values have been seen. */
  get ready(): boolean {
    return this.window.full;
  }

  /** The extreme of the window; NaN until ready. */
  value(output = 0): number {
    return output === 0 && this.window.full ? this.window.extreme : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.window.reset();
  }
}
