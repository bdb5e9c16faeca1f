import type { z } from 'zod';

/** The price fields an indicator may read. */
export interface BarInput {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A chunk of bars as columns, as the columnar form `Indicator.updateColumns` reads it. */
export interface BarColumnsInput {
  /** Epoch ms (higher-timeframe features read it; BAR events carry it too). */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * Where the columnar form writes: `outputs[o]` is the column of output `o`, or undefined
 * when nobody reads that output (the indicator still advances).
 */
export type OutputColumns = readonly (Float64Array | undefined)[];

/** Which series of a bar a single-input indicator reads. */
export type PriceInput = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4';

/**
 * An incremental indicator: one `update` per bar, O(1) (or O(log n)) per update.
 *
 * `value(i)` is output `i` (in the order of the definition's `outputs`) after the last
 * update, and NaN until `ready`. No value is produced before the indicator has seen
 * `warmup` bars, and a value at bar t never depends on bars after t.
 */
export interface Indicator {
  update(bar: BarInput): void;
  /** True once every output has a value. */
  readonly ready: boolean;
  value(output?: number): number;
  reset(): void;
  /**
   * Optional, the columnar form of `update`: feeds rows `0..length-1` of `bars` in order
   * and writes into `outputs[o][b]` what `value(o)` gives after row b. It must give exactly
   * the values of `update` bar by bar (the same floating-point operations in the same
   * order), and leave the indicator in the same state, so the two can be mixed chunk by
   * chunk. The feature hub uses it when present, a per-bar loop otherwise.
   */
  updateColumns?(bars: BarColumnsInput, length: number, outputs: OutputColumns): void;
}

/**
 * A named indicator kind in the catalogue. `params` is a zod object with snake_case keys
 * and defaults; `input` says whether the indicator reads one price series (selectable)
 * or the whole bar (ATR, Donchian...).
 */
export interface IndicatorDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Output names, e.g. ['value'] or ['upper', 'middle', 'lower']. */
  readonly outputs: readonly string[];
  /** 'price' reads `input` (default close); 'bar' reads OHLCV. */
  readonly reads: 'price' | 'bar';
  /** Bars needed before the first value (for documentation and tests). */
  warmup(params: P): number;
  create(params: P, input: PriceInput): Indicator;
}
