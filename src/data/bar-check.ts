/**
 * What makes a row of numbers a bar, the one rule of every source: a bar file's row
 * ({@link BarIngest}) and a feed's bar message (the feed decoder, data/feeds/messages.ts)
 * are checked by these two functions, each source only wording the fault for its reader
 * (`file:row  invalid bar: …`, or a malformed feed message naming the mapped field).
 *
 * A bar is sound when open, high, low and close are positive finite numbers, the volume
 * is a finite number ≥ 0 or missing (NaN: a file without a volume column, a message
 * without a volume), high is at least max(open, close) and low at most min(open, close).
 */

/** A field of a bar. */
export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Why a bar is not sound, the first fault found in this order: open, high, low, close not
 * positive (`price`, NaN included) or infinite (`infinite`); the volume infinite
 * (`infinite`) or negative (`volume`); high below max(open, close) (`high`); low above
 * min(open, close) (`low`).
 */
export interface BarFault {
  readonly kind: 'price' | 'infinite' | 'volume' | 'high' | 'low';
  /** The field at fault. */
  readonly field: BarField;
  /** Its value. */
  readonly value: number;
  /** What is wrong, in the words of the file sources: `high 11.2 is below max(open, close) 11.5`. */
  readonly what: string;
}

/**
 * Whether the bar is sound: the hot path of every source, a handful of comparisons and no
 * allocation. Written so that NaN fails every comparison it takes part in. A finite high
 * that contains open and close, with a positive low below both, makes all four prices
 * finite, so one test for infinity covers them.
 */
export function barIsSound(o: number, h: number, l: number, c: number, v: number): boolean {
  return (
    o > 0 &&
    h > 0 &&
    l > 0 &&
    c > 0 &&
    h < Infinity &&
    (v >= 0 ? v < Infinity : Number.isNaN(v)) &&
    h >= (o > c ? o : c) &&
    l <= (o < c ? o : c)
  );
}

/** The fault of a bar that is not {@link barIsSound}; null when it is sound. */
export function barFault(o: number, h: number, l: number, c: number, v: number): BarFault | null {
  const prices: readonly [BarField, number][] = [
    ['open', o],
    ['high', h],
    ['low', l],
    ['close', c],
  ];
  for (const [field, value] of prices) {
    if (!(value > 0)) return { kind: 'price', field, value, what: `${field} ${value} is not a positive price` };
    if (value === Infinity) return { kind: 'infinite', field, value, what: `${field} ${value} is not a finite price` };
  }
  if (v === Infinity) return { kind: 'infinite', field: 'volume', value: v, what: `volume ${v} is not finite` };
  if (v < 0) return { kind: 'volume', field: 'volume', value: v, what: `volume ${v} is negative` };
  const hiNeed = o > c ? o : c;
  if (h < hiNeed)
    return { kind: 'high', field: 'high', value: h, what: `high ${h} is below max(open, close) ${hiNeed}` };
  const loNeed = o < c ? o : c;
  if (l > loNeed) return { kind: 'low', field: 'low', value: l, what: `low ${l} is above min(open, close) ${loNeed}` };
  return null;
}
