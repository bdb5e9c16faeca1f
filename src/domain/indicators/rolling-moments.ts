/**
 * Mean and sum of squared deviations (M2) of the last `period` values, O(1) per push.
 *
 * Why not a running sum and sum of squares: with prices near 500 and a 20-bar standard
 * deviation of a few cents, sum(x^2) - sum(x)^2/n cancels almost every significant digit
 * (relative errors around 1e-6 on the bundled SPY data). Instead the window is updated
 * Welford-style: when `xOut` leaves and `xIn` enters,
 *   mean' = mean + (xIn - xOut)/n
 *   M2'   = M2 + (xIn - xOut) * (xIn - mean' + xOut - mean)
 * which only ever multiplies deviations, never raw squared prices.
 *
 * Two refinements keep it accurate to about 1e-11 relative at the price levels we see:
 * - The mean is held as `anchor + offset`, the anchor being a recent value. Deviations
 *   x - anchor are then exact (both are doubles within a factor 2 of each other), so the
 *   rounding error of the update is relative to the spread, not to the price level.
 * - Each time the ring wraps (every `period` pushes, so amortised O(1)) mean and M2 are
 *   recomputed with two passes and the anchor moves to the newest value; rounding error
 *   cannot accumulate however long the stream.
 *
 * A window of identical values (common for 5-minute closes) gets M2 = 0 exactly, detected
 * by counting the run of equal trailing values: otherwise the tiny rounding residue left
 * in M2 would show as a spurious σ of ~1e-8 after the square root.
 */
export class RollingMoments {
  /** Window length. */
  readonly period: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private n = 0;
  private anchor = 0;
  // mean = anchor + offset, offset = dev / n
  private offset = 0;
  // Sum of x - anchor over the window. Each term is exact and they share the price's
  // binary grid, so this running sum is exact too: the offset then carries one rounding
  // relative to itself, rather than one relative to every value that slid through.
  private dev = 0;
  private m2 = 0;
  // Length of the run of trailing values equal to `last`.
  private last = NaN;
  private run = 0;

  /** @param period window length, a positive integer. */
  constructor(period: number) {
    this.period = period;
    this.buf = new Float64Array(period);
  }

  /** Number of values in the window (at most `period`). */
  get count(): number {
    return this.n;
  }

  /** True once the window holds `period` values. */
  get full(): boolean {
    return this.n === this.period;
  }

  /** Feeds one value. */
  push(x: number): void {
    const p = this.period;
    if (this.n === 0) this.anchor = x;
    const y = x - this.anchor;
    if (this.n < p) {
      // Growing window: the classic Welford step.
      this.n++;
      const before = this.offset;
      this.dev += y;
      this.offset = this.dev / this.n;
      this.m2 += (y - before) * (y - this.offset);
    } else {
      const yOut = this.buf[this.idx]! - this.anchor;
      const before = this.offset;
      this.dev += y - yOut;
      this.offset = this.dev / p;
      this.m2 += (y - yOut) * (y - this.offset + yOut - before);
      // Rounding can push M2 a hair below zero on a near-flat window.
      if (this.m2 < 0) this.m2 = 0;
    }
    this.buf[this.idx] = x;
    if (++this.idx === p) {
      this.idx = 0;
      this.recompute();
    }
    if (x === this.last) {
      if (++this.run >= p) {
        this.anchor = x;
        this.offset = 0;
        this.dev = 0;
        this.m2 = 0;
      }
    } else {
      this.last = x;
      this.run = 1;
    }
  }

  /** Mean of the window (NaN when empty). */
  getMean(): number {
    return this.n === 0 ? NaN : this.anchor + this.offset;
  }

  /** Variance with `ddof` delta degrees of freedom: M2 / (n - ddof); NaN when n <= ddof. */
  variance(ddof: number): number {
    const d = this.n - ddof;
    return d > 0 ? this.m2 / d : NaN;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.n = 0;
    this.anchor = 0;
    this.offset = 0;
    this.dev = 0;
    this.m2 = 0;
    this.last = NaN;
    this.run = 0;
  }

  // Exact two-pass mean and M2 of the (full) buffer, re-anchored at the newest value:
  // anchoring at a buffer value (rather than at the rounded mean) keeps every deviation
  // exact, so the offset carries the mean's fraction without a price-level rounding error.
  private recompute(): void {
    const p = this.period;
    const b = this.buf;
    const anchor = b[p - 1]!;
    let s = 0;
    for (let i = 0; i < p; i++) s += b[i]! - anchor;
    const offset = s / p;
    let q = 0;
    for (let i = 0; i < p; i++) {
      const d = b[i]! - anchor - offset;
      q += d * d;
    }
    this.anchor = anchor;
    this.dev = s;
    this.offset = offset;
    this.m2 = q;
  }
}
