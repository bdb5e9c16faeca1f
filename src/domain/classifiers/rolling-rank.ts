/**
 * The percentile rank of the newest value among the last `window` values, kept
 * incrementally.
 *
 * A ring buffer remembers arrival order (which value leaves next) and a sorted
 * Float64Array holds the same values in order. Each `push` removes the leaving value and
 * inserts the new one at positions found by binary search: O(log window) comparisons plus
 * one `copyWithin` shift of at most `window` doubles (a memmove), so O(window) moves in the
 * worst case, with no allocation. `percentRank` is one binary search, O(log window).
 */
export class RollingRank {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  /** @param window number of values ranked against, an integer ≥ 2. */
  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 2)
      throw new Error(`RollingRank: window must be an integer ≥ 2, got ${window}`);
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** True once `window` values have been pushed. */
  get full(): boolean {
    return this.count === this.window;
  }

  /** Values currently held (at most `window`). */
  get size(): number {
    return this.count;
  }

  /** Adds a value (not NaN); once full, the oldest one leaves. */
  push(x: number): void {
    const sorted = this.sorted;
    let n = this.count;
    if (n === this.window) {
      // Remove the oldest value: its first occurrence in the sorted array.
      const old = this.ring[this.head]!;
      const at = lowerBound(sorted, n, old);
      sorted.copyWithin(at, at + 1, n);
      n--;
    } else {
      this.count++;
    }
    this.ring[this.head] = x;
    this.head = this.head + 1 === this.window ? 0 : this.head + 1;
    const at = lowerBound(sorted, n, x);
    sorted.copyWithin(at + 1, at, n);
    sorted[at] = x;
  }

  /**
   * Percentile rank of `x` in [0, 100]: 100 · (number of held values strictly below x) /
   * (size − 1). For the newest value of a full window that is its rank among the window
   * (0 for the smallest, 100 for the largest; Excel's PERCENTRANK.INC). NaN with fewer
   * than two values.
   */
  percentRank(x: number): number {
    const n = this.count;
    if (n < 2) return NaN;
    return (100 * lowerBound(this.sorted, n, x)) / (n - 1);
  }

  /** Forgets every value. */
  reset(): void {
    this.head = 0;
    this.count = 0;
  }
}

/** Index of the first of the first `n` entries of `a` that is ≥ x (n when none). */
function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
