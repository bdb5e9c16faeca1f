/**
 * Highest (or lowest) of the last `period` values in amortised O(1): a monotonic deque.
 *
 * The deque holds, oldest first, the values that can still become the extreme: each is
 * strictly better than every later one. A new value evicts the worse ones from the back
 * (each value is evicted at most once, hence amortised O(1)); the front leaves when it
 * falls out of the window. The deque never holds more than `period` entries, so it lives
 * in two ring buffers allocated once.
 *
 * Minimum is maximum of the negated values, so one code path serves both.
 */
export class RollingExtreme {
  /** Window length. */
  readonly period: number;
  // +1 tracks the maximum, -1 the minimum.
  private readonly sign: number;
  private readonly vals: Float64Array;
  // Float64 rather than Int32 so bar counts never overflow on endless live streams.
  private readonly ages: Float64Array;
  private head = 0;
  private size = 0;
  private t = 0;

  /**
   * @param period window length, a positive integer.
   * @param kind 'max' for the highest value, 'min' for the lowest.
   */
  constructor(period: number, kind: 'max' | 'min') {
    this.period = period;
    this.sign = kind === 'max' ? 1 : -1;
    this.vals = new Float64Array(period);
    this.ages = new Float64Array(period);
  }

  /** Number of values pushed since construction or reset. */
  get count(): number {
    return this.t;
  }

  /** True once `period` values have been pushed. */
  get full(): boolean {
    return this.t >= this.period;
  }

  /** Feeds one value. */
  push(x: number): void {
    const p = this.period;
    const v = this.sign * x;
    // Drop the front if it is outside the window [t - period + 1, t]. Doing this first
    // leaves at most period - 1 entries, so there is always room for the new one.
    if (this.size > 0 && this.ages[this.head]! <= this.t - p) {
      this.head = this.head + 1 === p ? 0 : this.head + 1;
      this.size--;
    }
    // Drop from the back every value the new one dominates (ties: keep the newer one,
    // it stays in the window longer).
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= p) back -= p;
      if (this.vals[back]! > v) break;
      this.size--;
    }
    let tail = this.head + this.size;
    if (tail >= p) tail -= p;
    this.vals[tail] = v;
    this.ages[tail] = this.t;
    this.size++;
    this.t++;
  }

  /** The extreme of the window so far (NaN before the first push). */
  get extreme(): number {
    return this.size === 0 ? NaN : this.sign * this.vals[this.head]!;
  }

  /**
   * Pushes since the extreme arrived: 0 when the latest value is the extreme; NaN before
   * the first push. Ties go to the most recent value (a new value evicts every older one
   * it equals), so this is the distance to the latest occurrence (TA-Lib's Aroon rule).
   */
  get barsSince(): number {
    return this.size === 0 ? NaN : this.t - 1 - this.ages[this.head]!;
  }

  /** Forgets every value seen. */
  reset(): void {
    this.head = 0;
    this.size = 0;
    this.t = 0;
  }
}
