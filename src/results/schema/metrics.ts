/**
 * The performance metrics of one book (or of a stitched out-of-sample run) as result
 * files write them: every metric of src/domain/metrics/performance.ts, a number, or null
 * where it is not finite (JSON has no NaN or Infinity).
 */
import { z } from 'zod';
import { METRIC_NAMES, type MetricName } from '../../domain/metrics/performance.ts';

/** A metric value: finite number, or null (undefined or infinite: a profit factor with no loss, a Sharpe with no volatility). */
export const MetricValueSchema = z.number().nullable();

/**
 * A metrics object. Strict: a key that is no metric (a writer adding one without listing
 * it in performance.ts) is an error. Every metric is optional because a phase that ran
 * nothing records `{}`.
 */
export const MetricsSchema = z
  .strictObject(
    Object.fromEntries(METRIC_NAMES.map((name) => [name, MetricValueSchema.optional()])) as Record<
      MetricName,
      z.ZodOptional<typeof MetricValueSchema>
    >,
  )
  .describe('Performance metrics (docs/metrics.md): a number each, null where not finite.')
  // An id: the JSON Schemas define it once (`$defs`) and refer to it wherever metrics appear.
  .meta({ id: 'Metrics' });
