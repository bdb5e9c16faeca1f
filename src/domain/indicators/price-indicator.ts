import type { BarInput, Indicator, PriceInput } from './indicator.ts';
import { priceSelector, type PriceSelector } from './price-input.ts';

/**
 * Base of every indicator that reads one price series. Subclasses implement `push`, which
 * takes the number directly, so composite indicators (MACD feeds its line into an EMA)
 * reuse them without building a fake bar.
 */
export abstract class PriceIndicator implements Indicator {
  private readonly select: PriceSelector;

  /** @param input which series of the bar `update` reads (default close). */
  constructor(input: PriceInput = 'close') {
    this.select = priceSelector(input);
  }

  /** Feeds the selected price of `bar`. */
  update(bar: BarInput): void {
    this.push(this.select(bar));
  }

  /** Feeds one value of the series. O(1), allocation-free. */
  abstract push(x: number): void;
  /** True once every output has a value. */
  abstract get ready(): boolean;
  /** Output `output` (default 0) after the last push; NaN until ready. */
  abstract value(output?: number): number;
  /** Forgets everything seen, as if freshly constructed. */
  abstract reset(): void;
}
