import type { BarColumnsInput, BarInput, Indicator, OutputColumns, PriceInput } from './indicator.ts';
import { updateEach } from './update-each.ts';
import { priceColumn, priceSelector, type PriceColumn, type PriceSelector } from './price-input.ts';

/**
 * Base of every indicator that reads one price series. Subclasses implement `push`, which
 * takes the number directly, so composite indicators (MACD feeds its line into an EMA)
 * reuse them without building a fake bar.
 *
 * The columnar form (`updateColumns`) comes with it: the selected series as a column, fed
 * to `pushColumn`, which by default pushes value after value and reads every output after
 * each, the very calls `update` and the feature hub make per bar. A subclass may override
 * `pushColumn` with a tighter loop doing the same arithmetic (Sma, Ema, Smma do).
 */
export abstract class PriceIndicator implements Indicator {
  private readonly select: PriceSelector;
  private readonly column: PriceColumn;
  /** The derived series (hl2, hlc3, ohlc4) of a chunk, grown with the longest chunk. */
  private scratch: Float64Array | undefined;

  /** @param input which series of the bar `update` reads (default close). */
  constructor(input: PriceInput = 'close') {
    this.select = priceSelector(input);
    this.column = priceColumn(input);
  }

  /** Feeds the selected price of `bar`. */
  update(bar: BarInput): void {
    this.push(this.select(bar));
  }

  /** `update` over rows 0..length-1 of a chunk, writing each output's value after every row. */
  updateColumns(bars: BarColumnsInput, length: number, outputs: OutputColumns): void {
    if (this.update !== PriceIndicator.prototype.update) {
      // A subclass that does more than push per bar: its own update, bar by bar.
      updateEach(this, bars, length, outputs);
      return;
    }
    if (this.column.derived && (this.scratch === undefined || this.scratch.length < length))
      this.scratch = new Float64Array(length);
    this.pushColumn(this.column.read(bars, length, this.scratch), length, outputs);
  }

  /**
   * `push` of input[0..length-1], writing output o's value after row b into outputs[o][b].
   * Overrides must do exactly what this does, only faster.
   */
  pushColumn(input: Float64Array, length: number, outputs: OutputColumns): void {
    const count = outputs.length;
    for (let b = 0; b < length; b++) {
      this.push(input[b]!);
      for (let o = 0; o < count; o++) {
        const out = outputs[o];
        if (out !== undefined) out[b] = this.value(o);
      }
    }
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
