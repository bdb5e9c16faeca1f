/**
 * Equity bands of a Monte Carlo trade bootstrap: for a few evenly spaced trade counts,
 * the percentiles of the resampled equity across draws, and the histogram of the draws'
 * maximum drawdowns — what a report draws as a fan chart and a distribution.
 *
 * The histories are the very ones `bootstrapTrades` summarizes (same seed, same
 * `forEachResample`), so the band's last point at the interval levels equals the reported
 * total-return interval plus one. Only percentile series are kept, never the paths: with
 * `points` checkpoints the memory is draws × points numbers, whatever the trade count.
 */

import { percentile } from './distribution.ts';
import { forEachResample, type MonteCarloOptions } from './monte-carlo.ts';

/** Percentile levels of the bands, from the lowest to the highest. */
export const BAND_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** What {@link bootstrapPaths} returns; snake_case because it is written to result files. */
export interface MonteCarloPaths {
  /** Trade counts at which equity is sampled, from 0 (the start) to the number of trades. */
  readonly trade_index: readonly number[];
  /** Equity relative to the start (1 = initial equity) at each checkpoint, per level: `p5`, `p25`, `p50`, `p75`, `p95`. */
  readonly bands: Readonly<Record<string, readonly number[]>>;
  /** The realized sequence's relative equity at the same checkpoints. */
  readonly actual: readonly number[];
  /** Histogram of the draws' trade-by-trade maximum drawdown: `bins` equal bins from `min` to `max`. */
  readonly max_drawdown_histogram: { readonly min: number; readonly max: number; readonly counts: readonly number[] };
}

/** Options of {@link bootstrapPaths}: the bootstrap's, plus the resolution of its output. */
export interface PathOptions extends MonteCarloOptions {
  /** Most checkpoints along the trade axis (default 100); fewer when there are fewer trades. */
  readonly points?: number;
  /** Bins of the drawdown histogram (default 40). */
  readonly bins?: number;
}

/**
 * Percentile bands of the bootstrapped equity and the drawdown histogram (module comment).
 * Deterministic for the same returns and options. With no trades the bands are one point at 1.
 *
 * @param returns per-trade returns on equity (see `returnsOnEquity`), as for `bootstrapTrades`.
 * @throws RangeError on invalid `points` or `bins` (bootstrap options are checked by `bootstrapTrades`, run first by the caller).
 */
export function bootstrapPaths(returns: readonly number[], options: PathOptions): MonteCarloPaths {
  const points = options.points ?? 100;
  const bins = options.bins ?? 40;
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`points must be a whole number >= 2, received ${String(points)}`);
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a whole number >= 1, received ${String(bins)}`);
  const n = returns.length;
  const index = checkpoints(n, points);
  const k = index.length;
  const { draws } = options;
  // Column-major by checkpoint so each checkpoint's draws are one contiguous slice to rank.
  const values = new Float64Array(k * draws);
  const drawdowns = new Float64Array(draws);
  forEachResample(returns, draws, options.seed, options.block_size ?? 1, (sample, d) => {
    const walk = compound(sample, index);
    for (let c = 0; c < k; c++) values[c * draws + d] = walk.at[c]!;
    drawdowns[d] = walk.maxDrawdown;
  });
  const bands: Record<string, number[]> = {};
  for (const level of BAND_LEVELS) {
    const series = new Array<number>(k);
    for (let c = 0; c < k; c++) series[c] = percentile(values.subarray(c * draws, (c + 1) * draws), level);
    bands[`p${Math.round(level * 100)}`] = series;
  }
  return {
    trade_index: index,
    bands,
    actual: compound(Float64Array.from(returns), index).at,
    max_drawdown_histogram: histogram(drawdowns, bins),
  };
}

/** Up to `points` trade counts from 0 to n, evenly spaced, both ends included. */
function checkpoints(n: number, points: number): number[] {
  if (n === 0) return [0];
  const k = Math.min(points, n + 1);
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    const i = Math.round((c * n) / (k - 1));
    if (out.length === 0 || out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/** Compounds `sample` from 1 (ruin absorbing, as `sequenceStats`), sampling at `index`. */
function compound(sample: ArrayLike<number>, index: readonly number[]): { at: number[]; maxDrawdown: number } {
  const at = new Array<number>(index.length);
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let c = 0;
  for (let i = 0; i <= sample.length; i++) {
    if (i > 0 && equity > 0) {
      equity *= 1 + sample[i - 1]!;
      if (equity <= 0) equity = 0;
      if (equity > peak) peak = equity;
      else maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
    }
    while (c < index.length && index[c] === i) at[c++] = equity;
  }
  return { at, maxDrawdown };
}

/** `bins` equal-width counts over [min, max] of `values` (one bin holding all when they are equal). */
function histogram(values: Float64Array, bins: number): MonteCarloPaths['max_drawdown_histogram'] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) return { min: 0, max: 0, counts: [] };
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (const v of values) {
    const b = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[b]!++;
  }
  return { min, max, counts };
}
