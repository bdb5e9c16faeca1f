import { METRIC_DIRECTION, type RankableMetricName } from '../domain/metrics/performance.ts';

/**
 * Orders books best first by a metric, in its better direction (max drawdown: lower is
 * better). A missing or non-finite value ranks last; ties keep declaration order, so the
 * ranking is deterministic.
 */
export function rankBooks<B extends { readonly metrics: object }>(
  books: readonly B[],
  metric: RankableMetricName,
): B[] {
  const sign = METRIC_DIRECTION[metric] === 'lower' ? -1 : 1;
  const score = (b: B): number => {
    const v = (b.metrics as Record<string, unknown>)[metric];
    return typeof v === 'number' && Number.isFinite(v) ? sign * v : Number.NEGATIVE_INFINITY;
  };
  return books
    .map((b, i) => ({ b, i, s: score(b) }))
    .sort((x, y) => (y.s === x.s ? x.i - y.i : y.s > x.s ? 1 : -1))
    .map((x) => x.b);
}
