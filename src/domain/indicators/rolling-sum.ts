/**
 * Sum of the last `period` values, O(1) per push: a ring buffer and a running sum.
 *
 * Two details make the sum safe to divide by and to compare with zero:
 * - Each time the ring wraps (every `period` pushes, amortised O(1)) the sum is recomputed
 *   from the buffer, so rounding error cannot drift over an endless live stream.
 * - The number of non-zero values in the window is counted, and `sum` is exactly 0 when
 *   there are none. Subtracting the values that left would otherwise leave a rounding
 *   residue (1e-7 on money flows near 1e9), and ratios such as MFI's negative flow or a
 *   flat window's volatility test "is it zero?".
 */
export class RollingSum {
  /** Window length. */
  readonly period: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private n = 0;
  private s = 0;
  private nonZero = 0;

  /** @param period window length, a positive integer. */
  constructor(period: number) {
    this.period = period;
    this.buf = new Float64Array(period);
  }

  /** True once `period` values have been pushed. */
  get full(): boolean {
    return this.n === this.period;
  }

  /** Feeds one value. */
  push(x: number): void {
    const p = this.period;
    if (this.n < p) {
      this.n++;
    } else {
      const old = this.buf[this.idx]!;
      this.s -= old;
      if (old !== 0) this.nonZero--;
    }
    this.buf[this.idx] = x;
    this.s += x;
    if (x !== 0) this.nonZero++;
    if (++this.idx === p) {
      this.idx = 0;
      let s = 0;
      for (let i = 0; i < p; i++) s += this.buf[i]!;
      this.s = s;
    }
  }

  /** Sum of the values in the window (all pushed so far while not full); exactly 0 when all are 0. */
  get sum(): number {
    return this.nonZero === 0 ? 0 : this.s;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.buf.fill(0);
    this.idx = 0;
    this.n = 0;
    this.s = 0;
    this.nonZero = 0;
  }
}
