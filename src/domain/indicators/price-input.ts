import type { BarColumnsInput, BarInput, PriceInput } from './indicator.ts';

/** Reads one number from a bar. */
export type PriceSelector = (bar: BarInput) => number;

/** Every value a `PriceInput` may take, in documentation order. */
export const PRICE_INPUTS: readonly PriceInput[] = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'];

// One module-level function per input, chosen once when an indicator is created, so the
// per-bar path is a single monomorphic call with no switch and no closure allocation.
const SELECTORS: Readonly<Record<PriceInput, PriceSelector>> = {
  open: (b) => b.open,
  high: (b) => b.high,
  low: (b) => b.low,
  close: (b) => b.close,
  volume: (b) => b.volume,
  hl2: (b) => (b.high + b.low) / 2,
  hlc3: (b) => (b.high + b.low + b.close) / 3,
  ohlc4: (b) => (b.open + b.high + b.low + b.close) / 4,
};

/** The selector for a price input: `close` reads the close, `hl2` the (high+low)/2, etc. */
export function priceSelector(input: PriceInput): PriceSelector {
  return SELECTORS[input];
}

/** True when `s` names a price input. */
export function isPriceInput(s: string): s is PriceInput {
  return Object.hasOwn(SELECTORS, s);
}

/**
 * A price input as a column of a chunk: the chunk's own column for a field, or the
 * derived series computed into `scratch` with the selector's arithmetic (same operations,
 * same order, so the same numbers).
 */
export interface PriceColumn {
  /** True when `read` computes into `scratch` (hl2, hlc3, ohlc4), which must then hold `length` rows. */
  readonly derived: boolean;
  read(bars: BarColumnsInput, length: number, scratch: Float64Array | undefined): Float64Array;
}

const field = (read: (bars: BarColumnsInput) => Float64Array): PriceColumn => ({ derived: false, read });
const derived = (at: (bars: BarColumnsInput, b: number) => number): PriceColumn => ({
  derived: true,
  read: (bars, length, scratch) => {
    const out = scratch!;
    for (let b = 0; b < length; b++) out[b] = at(bars, b);
    return out;
  },
});

const COLUMNS: Readonly<Record<PriceInput, PriceColumn>> = {
  open: field((c) => c.open),
  high: field((c) => c.high),
  low: field((c) => c.low),
  close: field((c) => c.close),
  volume: field((c) => c.volume),
  hl2: derived((c, b) => (c.high[b]! + c.low[b]!) / 2),
  hlc3: derived((c, b) => (c.high[b]! + c.low[b]! + c.close[b]!) / 3),
  ohlc4: derived((c, b) => (c.open[b]! + c.high[b]! + c.low[b]! + c.close[b]!) / 4),
};

/** The column reader of a price input (the columnar counterpart of `priceSelector`). */
export function priceColumn(input: PriceInput): PriceColumn {
  return COLUMNS[input];
}
