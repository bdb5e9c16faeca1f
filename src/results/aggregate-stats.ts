/**
 * Aggregation of per-iteration metrics (walk-forward windows, sweep combinations, Monte
 * Carlo draws…) into per-metric summaries, and selection of the best iteration by a metric.
 *
 * The statistics are those of `summarize` in src/domain/metrics/distribution.ts (sample
 * standard deviation with n − 1; percentiles by linear interpolation between closest
 * ranks, numpy's default), so the numbers in `aggregate_results.json` and in a Monte Carlo
 * report are defined the same way.
 */

import { summarize } from '../domain/metrics/distribution.ts';
import { isMetricName, METRIC_DIRECTION } from '../domain/metrics/performance.ts';

/** One iteration's metrics: a number, or null / undefined where the metric has no value. */
export type MetricRecord = Readonly<Record<string, number | null | undefined>>;

/**
 * Summary of one metric over the iterations. `count` is the number of iterations with a
 * value (see {@link aggregateMetrics}); every other field is null when it is 0, and `std`
 * also when it is 1 (a sample standard deviation needs two values).
 */
export interface MetricAggregate {
  readonly count: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p5: number | null;
  readonly p25: number | null;
  readonly p50: number | null;
  readonly p75: number | null;
  readonly p95: number | null;
}

const EMPTY: MetricAggregate = Object.freeze({
  count: 0,
  mean: null,
  std: null,
  min: null,
  max: null,
  p5: null,
  p25: null,
  p50: null,
  p75: null,
  p95: null,
});

/**
 * Per-metric summary of `records`: count of values, mean, sample std (n − 1), min, max,
 * p5/p25/p50/p75/p95.
 *
 * Which values count: finite numbers. null and undefined are missing values (e.g. a
 * `profit_factor` without losing trades); NaN and ±Infinity are treated as missing too,
 * because result files write them as null anyway and one of them would poison the mean.
 *
 * Which metrics: those named in `metrics`, in that order, when given (a metric no record
 * has gets count 0); otherwise every key of any record, in order of first appearance
 * (record by record, key by key), so the output's key order is deterministic.
 */
export function aggregateMetrics(
  records: readonly MetricRecord[],
  metrics?: readonly string[],
): Record<string, MetricAggregate> {
  const names = metrics ?? keysInOrder(records);
  const out: Record<string, MetricAggregate> = {};
  for (const name of names) {
    const values: number[] = [];
    for (const r of records) {
      const v = Object.hasOwn(r, name) ? r[name] : undefined;
      if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    }
    out[name] = values.length === 0 ? EMPTY : summarize(values);
  }
  return out;
}

/** Which way a metric improves, for {@link best}. */
export type BestDirection = 'higher' | 'lower';

/** The winner {@link best} picked. */
export interface BestRecord<R> {
  /** Position of the record in the input. */
  readonly index: number;
  readonly record: R;
  /** Its value of the metric. */
  readonly value: number;
}

/**
 * The record with the best value of `metric`: the largest when the metric's direction is
 * `higher`, the smallest when `lower`.
 *
 * The direction is `direction` when given, else the metric's entry in `METRIC_DIRECTION`
 * (src/domain/metrics/performance.ts: max_drawdown is `lower`, sharpe_ratio `higher`…).
 * Records whose value is missing or non-finite cannot win. Ties go to the earliest
 * record, so the choice is deterministic for a deterministic input order.
 *
 * @returns undefined when no record has a finite value of the metric.
 * @throws Error when no direction is given and the metric is unknown or `neutral` (bar
 *   count, exposure…: there is no "best" to pick).
 */
export function best<R extends MetricRecord>(
  records: readonly R[],
  metric: string,
  direction?: BestDirection,
): BestRecord<R> | undefined {
  const dir = direction ?? directionOf(metric);
  let winner: BestRecord<R> | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const v = Object.hasOwn(record, metric) ? record[metric] : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    // Strict comparison: an equal value later in the list does not replace the first.
    if (winner === undefined || (dir === 'higher' ? v > winner.value : v < winner.value)) {
      winner = { index: i, record, value: v };
    }
  }
  return winner;
}

function directionOf(metric: string): BestDirection {
  if (!isMetricName(metric)) {
    throw new Error(`best: unknown metric '${metric}'; give its direction ('higher' or 'lower') explicitly`);
  }
  const dir = METRIC_DIRECTION[metric];
  if (dir === 'neutral') {
    throw new Error(
      `best: metric '${metric}' has no better direction (it is descriptive), so it cannot pick a best iteration`,
    );
  }
  return dir;
}

function keysInOrder(records: readonly MetricRecord[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
