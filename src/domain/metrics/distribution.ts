/**
 * Summary statistics of a sample of numbers: mean, sample standard deviation, extremes and
 * percentiles. One definition for the whole engine, shared by the Monte Carlo bootstrap
 * (distributions of total return, drawdown…) and by the aggregation of per-iteration
 * metrics (walk-forward windows, sweeps), so that a "p95" means the same thing in every
 * result file.
 */

/**
 * Summary of a non-empty sample. Keys are snake_case because summaries are written to
 * result files verbatim.
 */
export interface DistributionSummary {
  /** Number of values summarized. */
  readonly count: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /**
   * Sample standard deviation, √(Σ(x − mean)² / (n − 1)) (Bessel's correction, numpy
   * `ddof=1`), because the values are a sample of what the strategy could have produced,
   * not the whole population. null for a single value, where it is undefined.
   */
  readonly std: number | null;
  readonly min: number;
  readonly max: number;
  /** {@link percentileSorted} at 0.05, 0.25, 0.5 (the median), 0.75 and 0.95. */
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

/**
 * The `p`-quantile of values sorted ascending, by linear interpolation between the closest
 * ranks: with n values x_0 ≤ … ≤ x_{n−1}, h = (n − 1)·p, the result is
 * x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋).
 *
 * This is numpy's default (`method='linear'`), R's type 7 and Excel's PERCENTILE.INC, the
 * definition most readers will check a number against. p = 0 gives the minimum, p = 1 the
 * maximum, p = 0.5 the median (the mean of the two middle values for an even n).
 *
 * @param sorted values in ascending order (not checked: sorting is the caller's job, so
 *   that several percentiles of one sample sort it once).
 * @param p the level as a fraction in [0, 1] (0.95, not 95).
 * @throws RangeError when `sorted` is empty or p is outside [0, 1].
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile level must be a fraction in [0, 1], received ${String(p)}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const x0 = sorted[lo]!;
  if (lo >= n - 1) return x0;
  const x1 = sorted[lo + 1]!;
  const frac = h - lo;
  // x0 + frac·(x1 − x0) gives x0 exactly at frac = 0 and stays within [x0, x1].
  return frac === 0 ? x0 : x0 + frac * (x1 - x0);
}

/**
 * The `p`-quantile of `values` in any order (a sorted copy is made; see
 * {@link percentileSorted} for the definition).
 *
 * @throws RangeError as {@link percentileSorted}, and when a value is NaN (it has no place
 *   in an order).
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileSorted(sortedCopy(values), p);
}

/**
 * Summary of a non-empty sample: count, mean, sample std, min, max and the
 * 5th, 25th, 50th, 75th and 95th percentiles. Mean and variance are computed in two passes (the
 * mean first, then Σ(x − mean)²), which stays accurate where Σx² − (Σx)²/n would cancel.
 *
 * @param values finite numbers in any order; not modified.
 * @throws RangeError when `values` is empty or holds a NaN or an infinity (filter them out
 *   first: what a missing value means is the caller's decision).
 */
export function summarize(values: ArrayLike<number>): DistributionSummary {
  const n = values.length;
  if (n === 0) throw new RangeError('cannot summarize an empty sample');
  const sorted = sortedCopy(values);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`cannot summarize a non-finite value (${v})`);
    sum += v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i]! - mean;
    ss += d * d;
  }
  return {
    count: n,
    mean,
    std: n >= 2 ? Math.sqrt(ss / (n - 1)) : null,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p5: percentileSorted(sorted, 0.05),
    p25: percentileSorted(sorted, 0.25),
    p50: percentileSorted(sorted, 0.5),
    p75: percentileSorted(sorted, 0.75),
    p95: percentileSorted(sorted, 0.95),
  };
}

/** An ascending copy as a Float64Array (numeric sort, unlike Array#sort's default). */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  const copy = Float64Array.from(values);
  for (let i = 0; i < copy.length; i++) {
    if (Number.isNaN(copy[i]!)) throw new RangeError('cannot order a sample holding NaN');
  }
  return copy.sort();
}
