import type { BarInput, PriceInput } from './indicator.ts';

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
