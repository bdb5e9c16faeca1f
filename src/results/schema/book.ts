/**
 * A book (one strategy with its parameters) as the summary files list it: in
 * aggregate_results.json's iterations, as a phase's best, as a window's choice.
 */
import { z } from 'zod';
import { MetricsSchema } from './metrics.ts';

/** Strategy parameters as the run resolved them (one value each). */
export const ParamsSchema = z.record(z.string(), z.unknown()).describe('Parameters of the strategy, one value each.');

/** One book and its metrics: a row of aggregate_results.json, the best of a phase. */
export const BookSummarySchema = z.strictObject({
  strategy_id: z.string().describe('Book id (strategy id, with its parameters for a sweep combination).'),
  type: z.string().describe('Strategy type.'),
  params: ParamsSchema,
  metrics: MetricsSchema,
});

/** A book as result files list it. */
export type BookSummary = z.output<typeof BookSummarySchema>;

/**
 * A book chosen by a walk-forward window's train sweep, or a phase's best as workflow.json
 * records it: `parameters` rather than `params`, metrics when known, and (workflow.json)
 * the strategy entry a later phase can take over.
 */
export const ChosenBookSchema = z.strictObject({
  strategy_id: z.string(),
  type: z.string(),
  parameters: ParamsSchema,
  metrics: MetricsSchema.optional(),
  strategy: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      "workflow.json: the config entry the book came from with its grid replaced by these parameters, ready for a later phase's `strategies:`.",
    ),
});

/** A chosen book (walk-forward windows, workflow.json). */
export type ChosenBook = z.output<typeof ChosenBookSchema>;

/** A phase's best book, in either of the two forms above. */
export const BestBookSchema = z.union([BookSummarySchema, ChosenBookSchema]);

/** The parameters of a best book, whichever form it has. */
export function paramsOf(book: BookSummary | ChosenBook): Record<string, unknown> {
  return 'params' in book ? book.params : book.parameters;
}
