import type { z } from 'zod';

/** The price fields an indicator may read. */
export interface BarInput {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

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
