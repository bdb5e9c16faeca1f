/**
 * `<phase>/aggregate_results.json`: every book of the phase (every combination of a
 * sweep) with its metrics and the ranking by the primary metric, or, for a walk-forward
 * or train/test phase, one row per window.
 */
import { z } from 'zod';
import { DEFAULT_PRIMARY_METRIC } from '../../domain/metrics/performance.ts';
import { BookSummarySchema } from './book.ts';
import { PHASE_END_STATUSES, WindowRowSchema } from './phase-summary.ts';

/** aggregate_results.json. */
export const AggregateResultsSchema = z
  .strictObject({
    phase: z.string(),
    status: z.enum(PHASE_END_STATUSES),
    primary_metric: z.string().default(DEFAULT_PRIMARY_METRIC),
    ranking: z
      .array(z.string())
      .optional()
      .describe('Book ids, best first (absent for walk-forward windows, which are in time order).'),
    iterations: z
      .union([z.array(BookSummarySchema), z.array(WindowRowSchema)])
      .describe('Every book of the phase, in declaration order; or every window of a walk-forward / train-test phase.'),
  })
  .describe('aggregate_results.json: every book (or window) of a phase, ranked.');

/** aggregate_results.json as read back. */
export type AggregateResults = z.output<typeof AggregateResultsSchema>;
